import "server-only";
import crypto from "node:crypto";
import { normalizeEmail } from "@/lib/auth/email-address";
import { checkPassword, hashPassword, type PasswordProblem } from "@/lib/auth/password";
import { consumeLimit } from "@/lib/auth/rate-limit";
import { endAllSessions } from "@/lib/auth/reader-sessions";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import type { Locale } from "@/lib/i18n";
import { canSendMail, sendMail } from "@/lib/mail/mailer";
import {
  confirmSignUpMail,
  existingAccountMail,
  passwordResetMail,
  type MailContent,
} from "@/lib/mail/templates";

/**
 * Password accounts: sign-up, confirmation, reset, and ending every session. Every request that
 * mails answers the same whether or not the address has an account, so nobody can probe for them.
 */
export const emailActionMinutes = 60;

export type MailRequestOutcome = "sent" | "invalid-email" | "mail-unavailable" | PasswordProblem;

const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

interface Requester {
  email: string;
  ip: string | null;
  locale: Locale;
}

async function mailIfAllowed(
  requester: Requester,
  content: (url: (path: string) => string) => MailContent,
) {
  const decision = await consumeLimit("mail-send", { email: requester.email, ip: requester.ip });
  if (!decision.allowed) return; // held back, answered exactly like a sent mail
  await sendMail(
    requester.email,
    content((path) => `${env().siteUrl}${path}`),
  );
}

async function createEmailAction(
  email: string,
  purpose: "sign-up" | "reset",
  passwordHash: string | null,
) {
  const token = crypto.randomBytes(32).toString("base64url");
  await (
    await db()
  ).emailActionToken.create({
    data: {
      tokenHash: hashToken(token),
      email,
      purpose,
      passwordHash,
      expires: new Date(Date.now() + emailActionMinutes * 60_000),
    },
  });
  return token;
}

/**
 * Sign-up with a password: the password takes effect only when the link mailed to the address is
 * used, so an address cannot be claimed by someone who does not read its mail.
 */
export async function requestSignUp(input: {
  email: unknown;
  password: string;
  ip: string | null;
  locale: Locale;
}): Promise<MailRequestOutcome> {
  const email = normalizeEmail(input.email);
  if (!email) return "invalid-email";
  const problem = checkPassword(input.password);
  if (problem) return problem;
  if (!canSendMail()) return "mail-unavailable";
  const requester = { email, ip: input.ip, locale: input.locale };
  const existing = await (
    await db()
  ).user.findUnique({ where: { email }, select: { passwordHash: true } });
  if (existing?.passwordHash) {
    await mailIfAllowed(requester, (url) =>
      existingAccountMail(input.locale, url(`/signin?email=${encodeURIComponent(email)}`)),
    );
    return "sent";
  }
  const token = await createEmailAction(email, "sign-up", await hashPassword(input.password));
  await mailIfAllowed(requester, (url) =>
    confirmSignUpMail(input.locale, url(`/signup/confirm?token=${token}`), emailActionMinutes),
  );
  return "sent";
}

/** Takes a mailed token once: returns its record if it exists, has this purpose and has not expired. */
async function takeToken(token: string, purpose: "sign-up" | "reset") {
  const database = await db();
  const record = await database.emailActionToken.findUnique({
    where: { tokenHash: hashToken(token) },
  });
  if (!record || record.purpose !== purpose || record.expires <= new Date()) return null;
  // deleteMany counts: of two clicks racing, only the one that deleted the row goes on.
  const { count } = await database.emailActionToken.deleteMany({
    where: { tokenHash: record.tokenHash },
  });
  return count === 1 ? record : null;
}

/** Confirms a sign-up: the address is verified and the password set. Returns the email, or null. */
export async function confirmSignUp(token: string): Promise<string | null> {
  const record = await takeToken(token, "sign-up");
  if (!record?.passwordHash) return null;
  await (
    await db()
  ).user.upsert({
    where: { email: record.email },
    create: { email: record.email, emailVerified: new Date(), passwordHash: record.passwordHash },
    update: {
      emailVerified: new Date(),
      passwordHash: record.passwordHash,
      sessionVersion: { increment: 1 },
    },
  });
  return record.email;
}

export async function requestPasswordReset(input: {
  email: unknown;
  ip: string | null;
  locale: Locale;
}): Promise<MailRequestOutcome> {
  const email = normalizeEmail(input.email);
  if (!email) return "invalid-email";
  if (!canSendMail()) return "mail-unavailable";
  const user = await (await db()).user.findUnique({ where: { email }, select: { id: true } });
  if (user) {
    const token = await createEmailAction(email, "reset", null);
    await mailIfAllowed({ email, ip: input.ip, locale: input.locale }, (url) =>
      passwordResetMail(input.locale, url(`/reset-password/${token}`), emailActionMinutes),
    );
  }
  return "sent";
}

/** Sets a new password from a reset link and ends every existing session of that reader. */
export async function resetPassword(
  token: string,
  password: string,
): Promise<"done" | "invalid-token" | PasswordProblem> {
  const problem = checkPassword(password);
  if (problem) return problem;
  const record = await takeToken(token, "reset");
  if (!record) return "invalid-token";
  const database = await db();
  await database.user.update({
    where: { email: record.email },
    data: {
      passwordHash: await hashPassword(password),
      emailVerified: new Date(),
      sessionVersion: { increment: 1 },
    },
  });
  await database.emailActionToken.deleteMany({ where: { email: record.email, purpose: "reset" } });
  return "done";
}

/** Ends every session of a reader, on every device, from their next request on. */
export async function signOutEverywhere(userId: string): Promise<void> {
  await endAllSessions(userId);
}
