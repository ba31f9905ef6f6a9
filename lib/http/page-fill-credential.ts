import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The page cache (server.ts) renders a document page once for every reader with full access by
 * asking Next.js for it over loopback with this credential, which getViewer turns into the
 * entitled rendering (full access, nobody's identity). The credential is 32 random bytes made in
 * memory when server.ts starts and known only to this process (kept on globalThis because server.ts
 * and Next's compiled pages load this module separately); it is never configured, logged or
 * stored. Under `next start` or `next dev` there is none, so the header is ignored.
 */
export const pageFillHeader = "x-folio-page-fill";

const slot = Symbol.for("folio.pageFillCredential");
type Holder = { [slot]?: Buffer };

/** Makes this process's credential (once) and returns it for the fill requests. */
export function createPageFillCredential(): string {
  const holder = globalThis as Holder;
  holder[slot] ??= randomBytes(32);
  return holder[slot].toString("base64url");
}

export function isPageFillCredential(presented: string | null | undefined): boolean {
  const expected = (globalThis as Holder)[slot];
  if (!expected || !presented) return false;
  const given = Buffer.from(presented, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
