import type { IncomingHttpHeaders } from "node:http";
import { negotiateLocale, localeCookieName } from "@/lib/i18n/locales";

/**
 * A shared in-memory cache for anonymous document pages, in front of Next.js (server.ts).
 *
 * Why it cannot leak paid text: a page is only ever stored from a fill request that the server
 * makes itself, with no cookie or credentials at all, so it is rendered for an anonymous viewer
 * whoever caused the miss; and only requests without a session cookie are answered from it.
 * Signed-in readers, RSC and prefetch requests, server actions and anything with a query string
 * always go to Next.js.
 *
 * Freshness: an entry older than `maxAgeMs` (1 s) is refreshed in the background while the stale
 * copy is served once more, so a re-imported document shows within about a second.
 */

export interface CachedPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
  storedAt: number;
}

const documentPath = /^\/(?:(?:zh-CN|en)\/)?d\/[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
const sessionCookie = /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token(?:\.\d+)?=/;

/** The cache key of a request, or null when the request must not be answered from the cache. */
export function cacheKeyFor(
  method: string | undefined,
  url: string | undefined,
  headers: IncomingHttpHeaders,
): string | null {
  if (method !== "GET" || !url || url.includes("?")) return null;
  if (!documentPath.test(url)) return null;
  const cookie = headers.cookie ?? "";
  if (sessionCookie.test(cookie) || headers.authorization) return null;
  if (
    headers.rsc ||
    headers["next-router-prefetch"] ||
    headers["next-router-state-tree"] ||
    headers["next-action"]
  ) {
    return null;
  }
  const savedLocale = new RegExp(`(?:^|;\\s*)${localeCookieName}=([^;]+)`).exec(cookie)?.[1];
  const acceptLanguage =
    typeof headers["accept-language"] === "string" ? headers["accept-language"] : null;
  return `${negotiateLocale(savedLocale, acceptLanguage)} ${url}`;
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

export class AnonymousPageCache {
  private readonly entries = new Map<string, CachedPage>();
  private readonly refreshing = new Map<string, Promise<CachedPage | null>>();

  constructor(
    /** Renders the page for an anonymous viewer (a request without cookies). */
    private readonly fill: (key: string) => Promise<CachedPage | null>,
    private readonly options: { maxAgeMs: number; maxEntries: number } = {
      maxAgeMs: 1000,
      maxEntries: 5000,
    },
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
          else this.entries.delete(key);
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
    this.entries.delete(key);
    this.entries.set(key, page);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
