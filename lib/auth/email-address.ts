/**
 * Email addresses as Folio stores and compares them: trimmed and lowercased. Anything that is not
 * exactly one plain address is refused — lists ("a@x,b@y"), quoted local parts ('"e@evil"@victim'),
 * look-alike at signs (＠, U+FF20) and other non-ASCII tricks — because an address that mail
 * software reads differently from Folio could deliver a sign-in link to someone else.
 */
const plainAddress =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !plainAddress.test(email)) return null;
  return email;
}
