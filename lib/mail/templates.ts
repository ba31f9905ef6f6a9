import { escapeHtml } from "@/lib/documents/text-utils";
import { format, messagesFor, type Locale } from "@/lib/i18n";

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

function compose(
  subject: string,
  paragraphs: string[],
  link: { url: string; label: string },
): MailContent {
  const text = [...paragraphs, "", `${link.label}: ${link.url}`, ""].join("\n");
  const html = [
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`,
  ].join("\n");
  return { subject, text, html };
}

/** The sign-in mail: a link, and the same token as a six-digit code to type instead. */
export function signInMail(
  locale: Locale,
  url: string,
  code: string,
  minutes: number,
): MailContent {
  const mail = messagesFor(locale).mail;
  return compose(
    mail.signInSubject,
    [
      mail.signInIntro,
      format(locale, mail.signInCode, { code }),
      format(locale, mail.expires, { minutes }),
    ],
    { url, label: mail.signInButton },
  );
}

export function confirmSignUpMail(locale: Locale, url: string, minutes: number): MailContent {
  const mail = messagesFor(locale).mail;
  return compose(
    mail.confirmSubject,
    [mail.confirmIntro, format(locale, mail.expires, { minutes })],
    {
      url,
      label: mail.confirmButton,
    },
  );
}

/**
 * Sent instead of a confirmation when the address already has an account (no enumeration, and no
 * password is ever set by a sign-up): the link leads to the reset page, where the owner can set one.
 */
export function existingAccountMail(locale: Locale, resetUrl: string): MailContent {
  const mail = messagesFor(locale).mail;
  return compose(mail.existingSubject, [mail.existingIntro], {
    url: resetUrl,
    label: mail.resetButton,
  });
}

export function passwordResetMail(locale: Locale, url: string, minutes: number): MailContent {
  const mail = messagesFor(locale).mail;
  return compose(mail.resetSubject, [mail.resetIntro, format(locale, mail.expires, { minutes })], {
    url,
    label: mail.resetButton,
  });
}

export function paymentFailedMail(locale: Locale, accountUrl: string): MailContent {
  const mail = messagesFor(locale).mail;
  return compose(mail.paymentFailedSubject, [mail.paymentFailedIntro], {
    url: accountUrl,
    label: mail.paymentFailedButton,
  });
}

/** A second live subscription was canceled and everything it charged refunded. */
export function duplicateSubscriptionMail(
  locale: Locale,
  refund: string,
  accountUrl: string,
): MailContent {
  const mail = messagesFor(locale).duplicateSubscriptionMail;
  return compose(mail.subject, [format(locale, mail.intro, { amount: refund }), mail.refundTime], {
    url: accountUrl,
    label: mail.button,
  });
}

/** Sent when an identity is linked to an existing account, so a link nobody asked for is noticed. */
export function identityLinkedMail(
  locale: Locale,
  provider: string,
  accountUrl: string,
): MailContent {
  const identities = messagesFor(locale).identities;
  return compose(identities.mailSubject, [format(locale, identities.mailIntro, { provider })], {
    url: accountUrl,
    label: identities.mailButton,
  });
}
