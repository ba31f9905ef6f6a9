import "server-only";
import { normalizeEmail } from "@/lib/auth/email-address";
import { db } from "@/lib/db/client";

/** Complimentary access, granted and revoked by the publisher (npm run grant). */
export class GrantError extends Error {}

async function readerId(emailInput: string): Promise<string> {
  const email = normalizeEmail(emailInput);
  if (!email) throw new GrantError(`"${emailInput}" is not an email address`);
  const reader = await (await db()).user.findUnique({ where: { email }, select: { id: true } });
  if (!reader)
    throw new GrantError(`no reader has the address ${email}: they need to sign up first`);
  return reader.id;
}

/** Grants full access until the given instant, or without an end date when `until` is null. */
export async function grantAccess(email: string, until: Date | null, note?: string): Promise<void> {
  if (until && until.getTime() <= Date.now()) throw new GrantError("the end date is in the past");
  const userId = await readerId(email);
  await (await db()).accessGrant.create({ data: { userId, until, note: note ?? null } });
}

/** Revokes every active grant of the reader; returns how many were revoked. */
export async function revokeAccess(email: string): Promise<number> {
  const userId = await readerId(email);
  const { count } = await (
    await db()
  ).accessGrant.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count;
}
