import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { connection } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";

export interface SignedInReader {
  id: string;
  email: string | null;
  name: string | null;
}

/**
 * The reader signed in on this request, or null. The session token must still match the reader's
 * session version in the database, so "sign out everywhere" and a password change end every
 * session at once, on the next request. Any error means signed out. Memoised per request: the
 * layout and the page ask for it once each, and pay for one session check.
 */
export const getSignedInReader = cache(loadSignedInReader);

async function loadSignedInReader(): Promise<SignedInReader | null> {
  // Who is signed in is per request: never let a page that asks be prerendered.
  await connection();
  // Without a session secret (only while `next build` runs) nobody can be signed in.
  if (!env().authSecret) return null;
  try {
    const session = await getServerSession(authOptions());
    if (!session?.user?.id) return null;
    const reader = await (
      await db()
    ).user.findUnique({
      where: { id: session.user.id },
      select: { id: true, email: true, name: true, sessionVersion: true },
    });
    if (!reader || reader.sessionVersion !== session.sessionVersion) return null;
    return { id: reader.id, email: reader.email, name: reader.name };
  } catch (error) {
    console.error("[folio] session check failed; treating the request as signed out", error);
    return null;
  }
}
