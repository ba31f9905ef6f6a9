import type { IncomingHttpHeaders } from "node:http";
import { negotiateLocale, localeCookieName } from "@/lib/i18n/locales";

/**
 * A shared in-memory cache of rendered pages in front of Next.js (server.ts). Every entry is a
 * rendering for a class of viewer, never for a person, and a request is answered from it only
 * after this request was found to belong to that class:
 *
 * - `anonymous`: document and library pages rendered for nobody — the fill request carries no
 *   cookie or credential at all, whoever caused the miss — and served to requests without a
 *   session cookie.
 * - `full`: document pages rendered for the entitled rendering (full access, no identity; see
 *   lib/http/page-fill-credential.ts), served only to a request whose session and entitlement
 *   server.ts has just checked against the database (mayReadAllPaidText in
 *   lib/reading/documents.ts). Signed-in readers without full access always go to Next.js.
 *
 * RSC and prefetch requests, server actions, other query strings and other pages always go to
 * Next.js. Freshness: an entry older than `maxAgeMs` (1 s) is refreshed in the background while
 * the stale copy is served once more, so a re-import shows within about a second.
 */

export type PageVariant = "anonymous" | "full";

export interface CachedPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
  storedAt: number;
}

/** A request the cache may answer, before its viewer is known. */
export interface CacheablePageRequest {
  page: "document" | "library";
  locale: string;
  /** The path as requested (with the library's cursor, if any): part of the key. */
  path: string;
  /** next-auth's session cookie is present: the viewer must be checked before any answer. */
  hasSession: boolean;
}

const documentPath = /^\/(?:(?:zh-CN|en)\/)?d\/[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
const libraryPath = /^\/(?:zh-CN|en)?(?:\?(?:older|newer)=[A-Za-z0-9_-]{1,200})?$/;
const sessionCookie = /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=/;
const savedLocaleCookie = new RegExp(`(?:^|;\\s*)${localeCookieName}=([^;]+)`);

/** Whether the cache may answer this request at all (null: straight to Next.js). */
export function cacheablePageRequest(
  method: string | undefined,
  url: string | undefined,
  headers: IncomingHttpHeaders,
): CacheablePageRequest | null {
  if (method !== "GET" || !url) return null;
  const page = documentPath.test(url) ? "document" : libraryPath.test(url) ? "library" : null;
  if (!page) return null;
  if (headers.authorization) return null;
  if (
    headers.rsc ||
    headers["next-router-prefetch"] ||
    headers["next-router-state-tree"] ||
    headers["next-action"]
  ) {
    return null;
  }
  const cookie = headers.cookie ?? "";
  const hasSession = sessionCookie.test(cookie);
  // Signed-in readers see the library through Next.js (it is no paid text and not worth a variant).
  if (hasSession && page === "library") return null;
  const savedLocale = savedLocaleCookie.exec(cookie)?.[1];
  const acceptLanguage =
    typeof headers["accept-language"] === "string" ? headers["accept-language"] : null;
  return { page, locale: negotiateLocale(savedLocale, acceptLanguage), path: url, hasSession };
}

export function pageCacheKey(variant: PageVariant, request: CacheablePageRequest): string {
  return `${variant} ${request.locale} ${request.path}`;
}

export function parsePageCacheKey(key: string): {
  variant: PageVariant;
  locale: string;
  path: string;
} {
  const [variant, locale, path] = key.split(" ");
  if ((variant !== "anonymous" && variant !== "full") || !locale || !path)
    throw new Error(`not a page cache key: ${key}`);
  return { variant, locale, path };
}

/** Headers a stored page must not carry to other readers, or that are per response. */
// content-encoding: the fill reads the body decoded, and stores and serves it that way.
const perResponseHeaders = new Set([
  "content-encoding",
  "set-cookie",
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
]);

export function storableHeaders(headers: Headers): [string, string][] {
  return [...headers.entries()].filter(([name]) => !perResponseHeaders.has(name.toLowerCase()));
}

export interface PageCacheOptions {
  maxAgeMs: number;
  /** The bodies kept, in bytes; the least recently stored go first. */
  maxBytes: number;
}

export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  private readonly refreshing = new Map<string, Promise<CachedPage | null>>();
  private bytes = 0;

  constructor(
    /** Renders the page for the key's class of viewer (see the module comment). */
    private readonly fill: (key: string) => Promise<CachedPage | null>,
    private readonly options: PageCacheOptions = { maxAgeMs: 1000, maxBytes: 64 * 1024 * 1024 },
  ) {}

  /** The page for this key: from the cache, or filled once however many requests ask at once. */
  async get(key: string, now = Date.now()): Promise<{ page: CachedPage; hit: boolean } | null> {
    const cached = this.entries.get(key);
    if (cached) {
      if (now - cached.storedAt > this.options.maxAgeMs) void this.refresh(key);
      return { page: cached, hit: true };
    }
    const page = await this.refresh(key);
    return page ? { page, hit: false } : null;
  }

  private refresh(key: string): Promise<CachedPage | null> {
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = this.fill(key)
        .then((page) => {
          if (page && page.status === 200) this.store(key, page);
          else this.remove(key);
          return page;
        })
        .catch((error: unknown) => {
          console.error("[folio] page cache fill failed", error);
          return null;
        })
        .finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private store(key: string, page: CachedPage): void {
    this.remove(key);
    if (page.body.length > this.options.maxBytes) return;
    this.entries.set(key, page);
    this.bytes += page.body.length;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.options.maxBytes) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const page = this.entries.get(key);
    if (!page) return;
    this.entries.delete(key);
    this.bytes -= page.body.length;
  }

  get size(): number {
    return this.entries.size;
  }

  get storedBytes(): number {
    return this.bytes;
  }
}
