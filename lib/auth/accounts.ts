import "server-only";
import crypto from "node:crypto";
import { normalizeEmail } from "@/lib/auth/email-address";
import { checkPassword, hashPassword, type PasswordProblem } from "@/lib/auth/password";
import { consumeLimit, isUniqueViolation } from "@/lib/auth/rate-limit";
import { endAllSessions } from "@/lib/auth/reader-sessions";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { defaultLocale, isLocale, type Locale } from "@/lib/i18n";
import { canSendMail } from "@/lib/mail/mailer";
import { enqueueMailJob } from "@/lib/mail/queue";
import {
  confirmSignUpMail,
  existingAccountMail,
  passwordResetMail,
  type MailContent,
} from "@/lib/mail/templates";

/**
 * Password accounts: sign-up, confirmation, reset, and ending every session.
 *
 * Nobody can learn from these requests whether an address has an account: a request checks its
 * input, hashes the password (sign-up), counts the mail limit and queues one mail job, the same
 * work for every address, and answers the same. Looking at the account and choosing the mail
 * happens afterwards in the mail worker (prepareAccountMail), off the request path, so neither
 * the answer nor its timing depends on it.
 *
 * A sign-up never changes an existing account: an address that has one (by link, OpenID Connect
 * or password) gets a "you already have an account" mail instead, and can set a password by reset.
 * A confirmation link creates the account only if there still is none, and every pending sign-up
 * and reset link of an address dies when a password is set.
 */
export const emailActionMinutes = 60;

export type MailRequestOutcome = "sent" | "invalid-email" | "mail-unavailable" | PasswordProblem;

const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

const siteLink = (path: string) => `${env().siteUrl}${path}`;

/** Counts the mail limit and queues the job; held back over the limit, answered the same. */
async function queueAccountMail(
  kind: "sign-up" | "reset",
  requester: { email: string; ip: string | null; locale: Locale },
  payload: Record<string, unknown> = {},
) {
  const decision = await consumeLimit("mail-send", { email: requester.email, ip: requester.ip });
  if (!decision.allowed) return;
  await enqueueMailJob({
    kind,
    recipient: requester.email,
    payload: { ...payload, locale: requester.locale },
  });
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
  // Hashed for every address, existing or not: the worker decides whether it is ever used.
  const passwordHash = await hashPassword(input.password);
  await queueAccountMail(
    "sign-up",
    { email, ip: input.ip, locale: input.locale },
    { passwordHash },
  );
  return "sent";
}

export async function requestPasswordReset(input: {
  email: unknown;
  ip: string | null;
  locale: Locale;
}): Promise<MailRequestOutcome> {
  const email = normalizeEmail(input.email);
  if (!email) return "invalid-email";
  if (!canSendMail()) return "mail-unavailable";
  await queueAccountMail("reset", { email, ip: input.ip, locale: input.locale });
  return "sent";
}

function localeOf(payload: unknown): Locale {
  const locale = (payload as { locale?: unknown } | null)?.locale;
  return typeof locale === "string" && isLocale(locale) ? locale : defaultLocale;
}

/**
 * The mail worker's half of a sign-up or reset request (lib/mail/worker.ts): looks at the account
 * and returns the mail to send, or null for none (a reset for an address without an account).
 */
export async function prepareAccountMail(
  kind: "sign-up" | "reset",
  email: string,
  payload: unknown,
): Promise<MailContent | null> {
  const locale = localeOf(payload);
  const existing = await (await db()).user.findUnique({ where: { email }, select: { id: true } });
  if (kind === "reset") {
    if (!existing) return null;
    const token = await createEmailAction(email, "reset", null);
    return passwordResetMail(locale, siteLink(`/reset-password/${token}`), emailActionMinutes);
  }
  // Any account at all, with a password or without: a sign-up never sets one on it.
  if (existing) return existingAccountMail(locale, siteLink("/reset-password"));
  const passwordHash = (payload as { passwordHash?: unknown } | null)?.passwordHash;
  if (typeof passwordHash !== "string") throw new Error("sign-up job without a password hash");
  const token = await createEmailAction(email, "sign-up", passwordHash);
  return confirmSignUpMail(locale, siteLink(`/signup/confirm?token=${token}`), emailActionMinutes);
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

/** A password was just set: every other pending sign-up and reset link of the address dies. */
async function endPendingEmailActions(email: string) {
  await (await db()).emailActionToken.deleteMany({ where: { email } });
}

/**
 * Confirms a sign-up: creates the account, verified, with the password. Only if the address still
 * has no account (one made since, by link or OpenID Connect, is never given this password).
 * Returns the email, or null.
 */
export async function confirmSignUp(token: string): Promise<string | null> {
  const record = await takeToken(token, "sign-up");
  if (!record?.passwordHash) return null;
  try {
    await (
      await db()
    ).user.create({
      data: { email: record.email, emailVerified: new Date(), passwordHash: record.passwordHash },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null; // the address has an account by now
    throw error;
  }
  await endPendingEmailActions(record.email);
  return record.email;
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
  const { count } = await (
    await db()
  ).user.updateMany({
    where: { email: record.email },
    data: {
      passwordHash: await hashPassword(password),
      emailVerified: new Date(),
      sessionVersion: { increment: 1 },
    },
  });
  if (count === 0) return "invalid-token";
  await endPendingEmailActions(record.email);
  return "done";
}

/** Ends every session of a reader, on every device, from their next request on. */
export async function signOutEverywhere(userId: string): Promise<void> {
  await endAllSessions(userId);
}
