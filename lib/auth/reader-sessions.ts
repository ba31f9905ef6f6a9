import "server-only";
import crypto from "node:crypto";
import { db } from "@/lib/db/client";

/**
 * Server-side session records (the ReaderSession table). A session cookie is only as good as its
 * row: lib/auth/session-token.ts's liveSession checks it on every request, so deleting a row ends
 * that session on its next request. Sign-out deletes its own row, "sign out everywhere" (and a
 * password reset, through the session version) every row of the reader, and removing a linked
 * identity the rows it signed in, through the foreign key — even when the identity row is deleted
 * by hand.
 */

/** How long a session lives from sign-in. Fixed at sign-in: polling /api/auth/session never extends it. */
export const sessionLifetimeSeconds = 30 * 24 * 60 * 60;

export interface StartedSession {
  id: string;
  expiresAt: Date;
}

/** The linked identity (Account row) a provider's account id names, or null. */
export async function identityIdOf(
  provider: string,
  providerAccountId: string,
): Promise<string | null> {
  const account = await (
    await db()
  ).account.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId } },
    select: { id: true },
  });
  return account?.id ?? null;
}

/**
 * Records a new session of a reader, signed in with `accountId` (a linked identity) or not. A
 * sign-in made by a browser already holding a live session of the same reader (linking another
 * identity, or signing in again) replaces that session: its row goes, and the new one keeps the
 * identity the browser was signed in with, since the identity just linked did not sign it in.
 */
export async function startSession(input: {
  userId: string;
  accountId: string | null;
  now: Date;
  /** The id of the live session the signing-in browser holds, if it holds one. */
  replacing?: string | null;
}): Promise<StartedSession> {
  const id = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(input.now.getTime() + sessionLifetimeSeconds * 1000);
  const database = await db();
  const replaced = input.replacing
    ? await database.readerSession.findFirst({
        where: { id: input.replacing, userId: input.userId },
        select: { id: true, accountId: true },
      })
    : null;
  await database.readerSession.create({
    data: {
      id,
      userId: input.userId,
      accountId: replaced ? replaced.accountId : input.accountId,
      expiresAt,
    },
  });
  if (replaced) await database.readerSession.deleteMany({ where: { id: replaced.id } });
  // Housekeeping: the reader's expired sessions are dead already; their rows go.
  await database.readerSession.deleteMany({
    where: { userId: input.userId, expiresAt: { lte: input.now } },
  });
  return { id, expiresAt };
}

/** Ends one session (sign-out). */
export async function endSession(sessionId: string): Promise<void> {
  await (await db()).readerSession.deleteMany({ where: { id: sessionId } });
}

/**
 * Ends every session of a reader, on every device: the rows go, and the session version moves on,
 * so even a token whose row somehow survived is refused.
 */
export async function endAllSessions(userId: string): Promise<void> {
  const database = await db();
  await database.$transaction([
    database.readerSession.deleteMany({ where: { userId } }),
    database.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } }),
  ]);
}
