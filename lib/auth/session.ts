import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { connection } from "next/server";
import {
  readerForSessionToken,
  sessionTokenFromCookies,
  type SignedInReader,
} from "@/lib/auth/session-token";
import { isPageFillCredential, pageFillHeader } from "@/lib/http/page-fill-credential";
import { anonymousViewer, entitledRendering, type Viewer } from "@/lib/reading/access";
import { viewerForReader } from "@/lib/reading/viewer";

export type { SignedInReader };

/**
 * The reader signed in on this request, or null (lib/auth/session-token.ts checks the token and
 * the reader's session version). Memoised per request: the layout and the page share one check.
 */
export const getSignedInReader = cache(async (): Promise<SignedInReader | null> => {
  // Who is signed in is per request: never let a page that asks be prerendered.
  await connection();
  return readerForSessionToken(sessionTokenFromCookies((await cookies()).getAll()));
});

/** This request is the page cache's own fill for the entitled rendering. */
const isEntitledRendering = cache(async (): Promise<boolean> => {
  await connection();
  return isPageFillCredential((await headers()).get(pageFillHeader));
});

/**
 * The viewer of this request: anonymous, a signed-in reader with the entitlement their grants and
 * subscriptions give them right now, or — only for the page cache's own fill requests, which carry
 * this process's in-memory credential — the entitled rendering (full access, nobody's identity).
 * No other header, query parameter or environment variable makes a viewer. Memoised per request.
 */
export const getViewer = cache(async (): Promise<Viewer> => {
  if (await isEntitledRendering()) return entitledRendering;
  const reader = await getSignedInReader();
  return reader ? viewerForReader(reader.id, new Date()) : anonymousViewer;
});

/**
 * Signed in as far as the page around the content goes (the account link): a reader, or the
 * entitled rendering, which is signed in as nobody in particular. Costs no entitlement lookup.
 */
export const isSignedIn = cache(
  async (): Promise<boolean> =>
    (await isEntitledRendering()) || (await getSignedInReader()) !== null,
);
