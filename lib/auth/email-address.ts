/**
 * Email addresses as Folio stores and compares them: trimmed and lowercased. This is the project's
 * one normaliser (accounts, sign-in, OAuth linking and the rate-limit counters all use it).
 * Anything that is not exactly one plain ASCII address is refused — lists ("a@x,b@y"), quoted
 * local parts ('"e@evil"@victim'), look-alike at signs (＠, U+FF20) and other non-ASCII tricks —
 * because an address that mail software reads differently from Folio could deliver a sign-in link
 * to someone else. The ASCII check comes before lowercasing: toLowerCase() folds some non-ASCII
 * letters into ASCII ("K", U+212A KELVIN SIGN, becomes "k"), which would let a look-alike
 * address join the plain one's account.
 */
const plainAddress =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const printableAscii = /^[\x21-\x7e]*$/;

export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  if (!printableAscii.test(trimmed)) return null;
  const email = trimmed.toLowerCase();
  if (email.length > 254 || !plainAddress.test(email)) return null;
  return email;
}
