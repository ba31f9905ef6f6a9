import os from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { createWorkSlots, type WorkSlots } from "@/lib/auth/work-slots";

/** Length limits: long passphrases are welcome, but hashing megabytes is a denial of service. */
export const passwordLength = { min: 10, max: 128 } as const;

export type PasswordProblem = "too-short" | "too-long";

export function checkPassword(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < passwordLength.min) return "too-short";
  if (length > passwordLength.max) return "too-long";
  return null;
}

/**
 * At most one argon2 computation per core but one runs at a time (at least one), so a flood of
 * sign-ins leaves a core to the event loop and libuv pool threads to file and DNS work; up to
 * ARGON2_MAX_QUEUED more wait their turn, and beyond that a sign-in is refused at once
 * (PasswordWorkBusy) instead of queueing without end. Shared by the process (globalThis), like
 * the thread pool it protects.
 */
export const ARGON2_CONCURRENCY = Math.max(1, os.availableParallelism() - 1);
export const ARGON2_MAX_QUEUED = 64;
const argon2Slots = ((globalThis as { __folioArgon2Slots?: WorkSlots }).__folioArgon2Slots ??=
  createWorkSlots({ concurrency: ARGON2_CONCURRENCY, maxQueued: ARGON2_MAX_QUEUED }));

/** argon2id with the library's defaults (OWASP's recommended minimum: 19 MiB, 2 passes). */
export function hashPassword(password: string): Promise<string> {
  return argon2Slots.run(() => hash(password));
}

// A real hash of a random password, so a sign-in for an unknown address costs the same time.
const unknownUserHash = hashPassword(crypto.randomUUID());

/** Verifies a password; with no stored hash it still spends the time a verification takes. */
export async function verifyPassword(
  storedHash: string | null,
  password: string,
): Promise<boolean> {
  if (!storedHash || [...password].length > passwordLength.max) {
    const decoy = await unknownUserHash;
    await argon2Slots.run(() =>
      verify(decoy, password.slice(0, passwordLength.max)).catch(() => false),
    );
    return false;
  }
  return argon2Slots.run(() => verify(storedHash, password).catch(() => false));
}
