import Link from "next/link";
import { notFound } from "next/navigation";
import { SignInForm } from "@/components/client/SignInForm";
import { env } from "@/lib/config/env";
import { safeReturnPath } from "@/lib/http/safe-return-path";
import { format, isLocale, messagesFor, type Messages } from "@/lib/i18n";
import { canSendMail } from "@/lib/mail/mailer";
import { queryValue } from "@/lib/http/request-values";

function notice(messages: Messages, status: string | undefined, error: string | undefined) {
  const errors = messages.auth.errors as Record<string, string>;
  if (error) return { kind: "alert", text: errors[error] ?? errors.Default ?? "" } as const;
  const statusText: Record<string, string> = {
    confirmed: messages.auth.confirmed,
    reset: messages.auth.resetDone,
    "signed-out-everywhere": messages.auth.signedOutEverywhere,
  };
  return status && statusText[status]
    ? ({ kind: "status", text: statusText[status] } as const)
    : null;
}

export default async function SignInPage({ params, searchParams }: PageProps<"/[locale]/signin">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const query = await searchParams;
  const messages = messagesFor(locale);
  const callbackUrl = safeReturnPath(queryValue(query.callbackUrl));
  const { github, google, oidc } = env().oauth;
  const oauthProviders = [
    ...(github ? [{ id: "github", name: "GitHub" }] : []),
    ...(google ? [{ id: "google", name: "Google" }] : []),
    ...(oidc ? [{ id: "oidc", name: oidc.name }] : []),
  ].map((provider) => ({
    id: provider.id,
    label: format(locale, messages.auth.continueWith, { provider: provider.name }),
  }));
  const message = notice(messages, queryValue(query.status), queryValue(query.error));

  return (
    <section className="auth-page">
      <h1>{messages.auth.signInTitle}</h1>
      {message ? (
        <p role={message.kind} className={message.kind === "alert" ? "form-error" : "form-status"}>
          {message.text}
        </p>
      ) : null}
      <SignInForm
        labels={{
          email: messages.auth.email,
          password: messages.auth.password,
          sendLink: messages.auth.sendLink,
          passwordHint: messages.auth.passwordHint,
          signInWithPassword: messages.auth.signInWithPassword,
          orContinueWith: messages.auth.orContinueWith,
          emailUnavailable: messages.auth.emailUnavailable,
          errorWrongPassword: messages.auth.errors.CredentialsSignin,
          errorInvalidEmail: messages.auth.errors.EmailSignin,
        }}
        callbackUrl={callbackUrl}
        initialEmail={queryValue(query.email) ?? ""}
        emailEnabled={canSendMail()}
        oauthProviders={oauthProviders}
      />
      <p>
        <Link href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          {messages.auth.noAccount}
        </Link>
        {" · "}
        <Link href="/reset-password">{messages.auth.forgotPassword}</Link>
      </p>
    </section>
  );
}
