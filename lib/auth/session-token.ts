import "server-only";
import { parse as parseCookieHeader } from "cookie";
import { decode, encode, type JWT, type JWTEncodeParams } from "next-auth/jwt";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";

/**
 * Who a session cookie names, without Next.js: the pages (lib/auth/session.ts) and the page cache in
 * front of them (server.ts) both ask here, so a session is checked the same way on every path.
 */

export interface SignedInReader {
  id: string;
  email: string | null;
  name: string | null;
}

/** next-auth's session cookie: "__Secure-" prefixed on an https site, split into .0, .1… when large. */
function sessionCookieName(): string {
  return env().siteUrl.startsWith("https://")
    ? "__Secure-next-auth.session-token"
    : "next-auth.session-token";
}

/** The session token among a request's cookies (chunks joined in order), or null. */
export function sessionTokenFromCookies(
  cookies: Iterable<{ name: string; value: string }>,
): string | null {
  const name = sessionCookieName();
  const chunks: [number, string][] = [];
  for (const cookie of cookies) {
    if (cookie.name === name) chunks.push([-1, cookie.value]);
    else if (cookie.name.startsWith(`${name}.`)) {
      const index = Number(cookie.name.slice(name.length + 1));
      if (Number.isInteger(index) && index >= 0) chunks.push([index, cookie.value]);
    }
  }
  if (chunks.length === 0) return null;
  return chunks
    .sort((first, second) => first[0] - second[0])
    .map(([, value]) => value)
    .join("");
}

/** The same, from a raw Cookie header (server.ts sees the request before Next.js does). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | null {
  if (!header) return null;
  const parsed = parseCookieHeader(header);
  return sessionTokenFromCookies(
    Object.entries(parsed).flatMap(([name, value]) =>
      value === undefined ? [] : [{ name, value }],
    ),
  );
}

/** The claims Folio puts in a session token (next-auth adds name, email, sub, iat, exp, jti). */
export interface SessionClaims extends JWT {
  /** The reader's id. */
  uid: string;
  /** The reader's session version when the session began. */
  sv: number;
  /** The session's row in ReaderSession. */
  sid: string;
  /** When the session ends, in seconds since the epoch: fixed at sign-in. */
  sexp: number;
}

export interface LiveSession {
  reader: SignedInReader;
  claims: SessionClaims;
}

function sessionClaims(claims: JWT | null): SessionClaims | null {
  if (!claims) return null;
  const { uid, sv, sid, sexp } = claims;
  if (typeof uid !== "string" || uid === "" || typeof sid !== "string" || sid === "") return null;
  if (typeof sv !== "number" || typeof sexp !== "number") return null;
  return { ...claims, uid, sv, sid, sexp };
}

/**
 * THE check of who is signed in: every page, server action and route (lib/auth/session.ts), the
 * page cache in front of them (server.ts through lib/reading/viewer.ts) and next-auth's own
 * endpoints (its jwt.decode is this function, lib/auth/options.ts) ask here. A token names a live
 * session only if it decrypts with this site's secret, has not expired, and names a ReaderSession
 * row of the same reader that has not expired either, while the reader's session version still
 * equals the token's. Signing out deletes the row; "sign out everywhere", a password reset and
 * removing the identity that signed the session in delete it or move the version on (the identity
 * is also checked here, so a deletion that skipped the foreign key's cascade still counts). Anything
 * else, any error included, means signed out.
 */
export async function liveSession(
  token: string | null | undefined,
  now: Date = new Date(),
): Promise<LiveSession | null> {
  if (!token) return null;
  // Without a session secret (only while `next build` runs) nobody can be signed in.
  const secret = env().authSecret;
  if (!secret) return null;
  // A token that does not decrypt or has expired is no session; not worth a log line per request.
  const claims = sessionClaims(await decode({ token, secret }).catch(() => null));
  if (!claims) return null;
  try {
    // Plain SQL for the same reason as entitlementOf (lib/reading/viewer.ts): every page view.
    const [row] = await (
      await db()
    ).$queryRaw<(SignedInReader & { sessionVersion: number; expiresAt: Date | string })[]>`
      SELECT u."id", u."email", u."name", u."sessionVersion", s."expiresAt"
      FROM "ReaderSession" s JOIN "User" u ON u."id" = s."userId"
      WHERE s."id" = ${claims.sid} AND s."userId" = ${claims.uid}
        AND (s."accountId" IS NULL OR EXISTS (SELECT 1 FROM "Account" a WHERE a."id" = s."accountId"))`;
    if (!row || Number(row.sessionVersion) !== claims.sv) return null;
    if (!(new Date(row.expiresAt).getTime() > now.getTime())) return null;
    return { reader: { id: row.id, email: row.email, name: row.name }, claims };
  } catch (error) {
    console.error("[folio] session check failed; treating the request as signed out", error);
    return null;
  }
}

/** The reader a session token names, or null: liveSession's reader. */
export async function readerForSessionToken(token: string | null): Promise<SignedInReader | null> {
  return (await liveSession(token))?.reader ?? null;
}

/**
 * Encrypts a session token that expires when its session does (claim sexp), never later: next-auth
 * re-encodes the token on every /api/auth/session poll, and with its default a fresh 30 days each
 * time. A token without a session, or whose session is over, is not encoded at all.
 */
export async function encodeSessionToken(params: JWTEncodeParams): Promise<string> {
  const claims = sessionClaims(params.token ?? null);
  const remaining = claims ? claims.sexp - Math.floor(Date.now() / 1000) : 0;
  if (!claims || remaining <= 0) throw new Error("no live session to encode");
  return encode({ ...params, maxAge: Math.min(remaining, params.maxAge ?? remaining) });
}
