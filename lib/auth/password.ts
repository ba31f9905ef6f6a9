import { hash, verify } from "@node-rs/argon2";

/** Length limits: long passphrases are welcome, but hashing megabytes is a denial of service. */
export const passwordLength = { min: 10, max: 128 } as const;

export type PasswordProblem = "too-short" | "too-long";

export function checkPassword(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < passwordLength.min) return "too-short";
  if (length > passwordLength.max) return "too-long";
  return null;
}

/** argon2id with the library's defaults (OWASP's recommended minimum: 19 MiB, 2 passes). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real hash of a random password, so a sign-in for an unknown address costs the same time.
const unknownUserHash = hash(crypto.randomUUID());

/** Verifies a password; with no stored hash it still spends the time a verification takes. */
export async function verifyPassword(
  storedHash: string | null,
  password: string,
): Promise<boolean> {
  if (!storedHash || [...password].length > passwordLength.max) {
    await verify(await unknownUserHash, password.slice(0, passwordLength.max)).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
