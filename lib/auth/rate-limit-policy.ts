import { createHash } from "node:crypto";
import { normalizeEmail } from "@/lib/auth/email-address";

/**
 * The sign-in abuse limits, as data: which attempts are counted, how many each email address and
 * each client IP may make per window, and the keys the counters are stored under. No I/O here (the
 * store lives in lib/auth/rate-limit.ts), so all of it is unit-testable.
 */

export type LimitedAction = "password-sign-in" | "code-guess" | "mail-send";
export type LimitDimension = "email" | "ip";

export interface LimitSubject {
  email?: string | null;
  ip?: string | null;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface WindowLimit {
  /** Attempts allowed in one window; the next one is denied until the window ends. */
  points: number;
  /** Window length in seconds, counted from the first attempt of the window (fixed window). */
  durationSeconds: number;
}

const FIFTEEN_MINUTES = 15 * 60;
const ONE_HOUR = 60 * 60;

/**
 * The policy, per action and dimension. An attempt counts against the email's counter and the IP's
 * counter at once and is denied if either is over. Once over, the counter stays blocked for the
 * rest of its window (retryAfterSeconds is the time until the window ends).
 *
 * | action           | per email          | per IP             | counts                          |
 * | ---------------- | ------------------ | ------------------ | ------------------------------- |
 * | password-sign-in | 10 per 15 minutes  | 50 per 15 minutes  | each password sign-in attempt   |
 * | code-guess       | 5 per 15 minutes   | 50 per 15 minutes  | each 6-digit email-code guess   |
 * | mail-send        | 5 per hour         | 20 per hour        | each magic-link/code/reset mail |
 *
 * The email limits stop guessing one account's password or code (a 6-digit code has 10^6 values,
 * and a code gets at most 5 guesses per 15 minutes); the IP limits stop one client spraying many
 * accounts. The mail limits keep Folio from being used to flood someone's inbox.
 */
export const LIMIT_POLICY: Readonly<
  Record<LimitedAction, Readonly<Record<LimitDimension, WindowLimit>>>
> = {
  "password-sign-in": {
    email: { points: 10, durationSeconds: FIFTEEN_MINUTES },
    ip: { points: 50, durationSeconds: FIFTEEN_MINUTES },
  },
  "code-guess": {
    email: { points: 5, durationSeconds: FIFTEEN_MINUTES },
    ip: { points: 50, durationSeconds: FIFTEEN_MINUTES },
  },
  "mail-send": {
    email: { points: 5, durationSeconds: ONE_HOUR },
    ip: { points: 20, durationSeconds: ONE_HOUR },
  },
};

export const LIMITED_ACTIONS = Object.keys(LIMIT_POLICY) as LimitedAction[];
export const LIMIT_DIMENSIONS: readonly LimitDimension[] = ["email", "ip"];

/** Prefix of every stored counter key (Redis keys and rows of the RateLimit table). */
export const LIMIT_KEY_PREFIX = "folio-rl";

/** The IP counted when a request carries neither an email nor an IP. */
export const UNKNOWN_IP = "unknown";

/**
 * The form of an address its counter is keyed on: Folio's one normaliser (lib/auth/email-address.ts),
 * so " Reader@Example.org" and "reader@example.org" share one counter. A string that is no valid
 * address (which can neither receive mail nor sign in) is counted as given, trimmed.
 */
export function normaliseEmail(email: string): string {
  return normalizeEmail(email) ?? email.trim();
}

/**
 * The stored form of an address: the first 32 hex characters of SHA-256 of the normalised address,
 * so the counters hold no email addresses.
 */
export function hashEmail(email: string): string {
  return createHash("sha256").update(normaliseEmail(email), "utf8").digest("hex").slice(0, 32);
}

export interface LimitKey {
  dimension: LimitDimension;
  /** `${action}:${dimension}:${value}`; the store adds LIMIT_KEY_PREFIX in front. */
  key: string;
}

/** The email dimension's key, or null when there is no (non-blank) email. */
export function emailLimitKey(
  action: LimitedAction,
  email: string | null | undefined,
): string | null {
  if (!email || normaliseEmail(email) === "") return null;
  return `${action}:email:${hashEmail(email)}`;
}

/**
 * The counters one attempt touches. A missing (or blank) email or IP skips that dimension; with
 * neither, the attempt still counts, under the IP "unknown", so stripping both is no way around
 * the limits.
 */
export function limitKeys(action: LimitedAction, subject: LimitSubject): LimitKey[] {
  const keys: LimitKey[] = [];
  const emailKey = emailLimitKey(action, subject.email);
  if (emailKey) keys.push({ dimension: "email", key: emailKey });
  const ip = subject.ip?.trim();
  if (ip) keys.push({ dimension: "ip", key: `${action}:ip:${ip}` });
  else if (!emailKey) keys.push({ dimension: "ip", key: `${action}:ip:${UNKNOWN_IP}` });
  return keys;
}

/** Whole seconds until a denied caller may try again (at least 1, so it is never "retry now"). */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}
