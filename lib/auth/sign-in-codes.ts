import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import type { VerificationToken } from "next-auth/adapters";
import { normalizeEmail } from "@/lib/auth/email-address";
import { consumeLimit } from "@/lib/auth/rate-limit";
import { db } from "@/lib/db/client";

/**
 * The six-digit sign-in codes (and the links that carry them), stored and checked in one place.
 *
 * A six-digit code is only safe if it can be tried a few times at most, so the limit lives where
 * the code is compared (next-auth's `useVerificationToken`, which every form of the email callback
 * reaches: GET or POST, `callback/email` or `callback/email/anything`, whichever `email` parameter
 * next-auth picks), never in URL parsing in front of it:
 * - at most one live code per address: a new mailed code replaces the old one, and a request the
 *   mail limit holds back stores nothing;
 * - each try is counted per address (and per client) by the "code-guess" limit before anything is
 *   compared;
 * - each code also counts its own tries in its row; after `maxTriesPerCode` it is deleted, so it
 *   stays dead even if the limit's counters are lost (Redis down, another process, the window end).
 */
export const maxTriesPerCode = 5;

/** next-auth's stored form of a token (core/lib/utils.js hashToken): SHA-256 of token + secret. */
export function hashSignInToken(token: string, secret: string): string {
  return crypto.createHash("sha256").update(`${token}${secret}`).digest("hex");
}

/** Stores the address's one live code, replacing any earlier one (and its count of tries). */
export async function storeSignInCode(identifier: string, hashedToken: string, expires: Date) {
  await (
    await db()
  ).verificationToken.upsert({
    where: { identifier },
    create: { identifier, token: hashedToken, expires, attempts: 0 },
    update: { token: hashedToken, expires, attempts: 0 },
  });
}

interface CodeCheckScope {
  ip: string | null;
  /** Set when the guess limit refused a try, so the route can say so. */
  refused: boolean;
}

const scope = new AsyncLocalStorage<CodeCheckScope>();

/** Runs next-auth for one request, telling the code check the client address; reports refusals. */
export async function withCodeCheckScope<T>(
  ip: string | null,
  run: () => Promise<T>,
): Promise<{ result: T; refused: boolean }> {
  const state: CodeCheckScope = { ip, refused: false };
  const result = await scope.run(state, run);
  return { result, refused: state.refused };
}

/**
 * The one comparison of a sign-in code (the adapter's useVerificationToken). `identifier` is the
 * address exactly as next-auth took it from the request; next-auth accepts the returned token only
 * if its identifier equals that, so any other spelling can never sign in, but it still counts as a
 * try at that address's code. Returns the token (now deleted) or null.
 */
export async function checkSignInCode(params: {
  identifier: unknown;
  token: string;
}): Promise<VerificationToken | null> {
  const email = normalizeEmail(params.identifier);
  const request = scope.getStore();
  const decision = await consumeLimit("code-guess", { email, ip: request?.ip ?? null });
  if (!decision.allowed) {
    if (request) request.refused = true;
    return null;
  }
  if (!email) return null; // no address: no code to try
  const database = await db();
  const now = new Date();
  // Take one of the code's tries first, atomically, so concurrent guesses cannot all be compared.
  const { count: tookTry } = await database.verificationToken.updateMany({
    where: { identifier: email, attempts: { lt: maxTriesPerCode }, expires: { gt: now } },
    data: { attempts: { increment: 1 } },
  });
  if (tookTry === 1 && params.identifier === email) {
    const stored = await database.verificationToken.findUnique({ where: { identifier: email } });
    if (stored && stored.token === params.token) {
      // Of two right tries at once, only the one that deletes the row signs in.
      const { count } = await database.verificationToken.deleteMany({
        where: { identifier: email, token: params.token },
      });
      if (count === 1) return { identifier: email, token: stored.token, expires: stored.expires };
    }
  }
  // A wrong (or unusable) try: the code is gone once its tries are used up or it has expired.
  await database.verificationToken.deleteMany({
    where: {
      identifier: email,
      OR: [{ attempts: { gte: maxTriesPerCode } }, { expires: { lte: now } }],
    },
  });
  return null;
}
