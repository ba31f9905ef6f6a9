import "server-only";
import { parse as parseCookieHeader } from "cookie";
import { decode } from "next-auth/jwt";
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

/**
 * The reader a session token names, or null. The token must decrypt with this site's secret, be
 * unexpired, and carry the reader's current session version, so "sign out everywhere" and a
 * password change end every session at once, on the next request. Any error means signed out.
 */
export async function readerForSessionToken(token: string | null): Promise<SignedInReader | null> {
  if (!token) return null;
  // Without a session secret (only while `next build` runs) nobody can be signed in.
  const secret = env().authSecret;
  if (!secret) return null;
  // A token that does not decrypt or has expired is no session; not worth a log line per request.
  const claims = await decode({ token, secret }).catch(() => null);
  const id = claims?.uid;
  if (typeof id !== "string" || id === "" || typeof claims?.sv !== "number") return null;
  try {
    // Plain SQL for the same reason as entitlementOf (lib/reading/viewer.ts): every page view.
    const [reader] = await (
      await db()
    ).$queryRaw<(SignedInReader & { sessionVersion: number })[]>`
      SELECT "id", "email", "name", "sessionVersion" FROM "User" WHERE "id" = ${id}`;
    if (!reader || Number(reader.sessionVersion) !== claims.sv) return null;
    return { id: reader.id, email: reader.email, name: reader.name };
  } catch (error) {
    console.error("[folio] session check failed; treating the request as signed out", error);
    return null;
  }
}
