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
 * Next.js. Freshness is bounded where the cache answers: an entry is served only while its fill
 * started at most `maxAgeMs` (1 s) ago — the fill's start, not its end, is when the data was read
 * — and a request joins a fill in flight only if that fill started at most `maxAgeMs` before the
 * request arrived. Past that the request waits for a new fill; nothing stale is served "once more"
 * while refreshing. So once a re-import has committed, no answer from this cache, on any instance,
 * carries the old rendering for more than a second, however long the cache sat idle.
 */

export type PageVariant = "anonymous" | "full";

/** A rendered page as the fill returns it. */
export interface RenderedPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** A rendered page with the time (on the cache's clock) its fill started, i.e. its data was read. */
export interface CachedPage extends RenderedPage {
  readAt: number;
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
  /** The cache's clock, in milliseconds (monotonic by default, so wall-clock jumps do not matter). */
  now?: () => number;
}

interface Fill {
  startedAt: number;
  done: Promise<CachedPage | null>;
}

export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  private readonly fills = new Map<string, Fill>();
  private readonly now: () => number;
  private bytes = 0;

  constructor(
    /** Renders the page for the key's class of viewer (see the module comment). */
    private readonly fill: (key: string) => Promise<RenderedPage | null>,
    private readonly options: PageCacheOptions = { maxAgeMs: 1000, maxBytes: 64 * 1024 * 1024 },
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * The page for this key: a fresh entry, a fill in flight that started recently enough, or a new
   * fill, shared by however many requests ask at once.
   */
  async get(key: string): Promise<{ page: CachedPage; hit: boolean } | null> {
    const arrivedAt = this.now();
    const cached = this.entries.get(key);
    if (cached && this.isFresh(cached.readAt, arrivedAt)) return { page: cached, hit: true };
    const running = this.fills.get(key);
    const fill = running && this.isFresh(running.startedAt, arrivedAt) ? running : this.start(key);
    const page = await fill.done;
    return page ? { page, hit: false } : null;
  }

  private isFresh(readAt: number, at: number): boolean {
    return at - readAt <= this.options.maxAgeMs;
  }

  private start(key: string): Fill {
    const startedAt = this.now();
    const fill: Fill = {
      startedAt,
      done: this.fill(key)
        .then((rendered) => {
          const page = rendered && { ...rendered, readAt: startedAt };
          // A slower, older fill never replaces what a newer one stored.
          const current = this.entries.get(key);
          if (!current || current.readAt <= startedAt) {
            if (page && page.status === 200) this.store(key, page);
            else this.remove(key);
          }
          return page;
        })
        .catch((error: unknown) => {
          console.error("[folio] page cache fill failed", error);
          return null;
        })
        .finally(() => {
          if (this.fills.get(key) === fill) this.fills.delete(key);
        }),
    };
    this.fills.set(key, fill);
    return fill;
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
