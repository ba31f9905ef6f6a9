import { describe, expect, it } from "vitest";
import {
  PageCache,
  cacheablePageRequest,
  pageCacheKey,
  parsePageCacheKey,
  type CachedPage,
} from "@/lib/http/page-cache";

describe("cacheablePageRequest", () => {
  type Expected = { page: "document" | "library"; locale: string; hasSession: boolean } | null;
  const anonymousDocument = (locale = "zh-CN"): Expected => ({
    page: "document",
    locale,
    hasSession: false,
  });
  it.each<[string, string, string, Record<string, string>, Expected]>([
    ["anonymous document page", "GET", "/d/essay", {}, anonymousDocument()],
    [
      "English reader",
      "GET",
      "/d/essay",
      { "accept-language": "en-US,en;q=0.9" },
      anonymousDocument("en"),
    ],
    [
      "saved locale wins",
      "GET",
      "/d/essay",
      { cookie: "folio-locale=en", "accept-language": "zh-CN" },
      anonymousDocument("en"),
    ],
    // A locale path renders its own language, so the locale it is keyed under is not a
    // requirement (today the negotiated one): only that it is cached as that path's page.
    [
      "explicit locale path",
      "GET",
      "/en/d/essay",
      {},
      { page: "document", locale: expect.any(String) as string, hasSession: false },
    ],
    [
      "signed-in reader: checked before any answer",
      "GET",
      "/d/essay",
      { cookie: "next-auth.session-token=abc" },
      { page: "document", locale: "zh-CN", hasSession: true },
    ],
    [
      "signed-in over https",
      "GET",
      "/d/essay",
      { cookie: "a=1; __Secure-next-auth.session-token=abc" },
      { page: "document", locale: "zh-CN", hasSession: true },
    ],
    [
      "chunked session cookie",
      "GET",
      "/d/essay",
      { cookie: "next-auth.session-token.0=abc" },
      { page: "document", locale: "zh-CN", hasSession: true },
    ],
    ["library", "GET", "/", {}, { page: "library", locale: "zh-CN", hasSession: false }],
    [
      "library, locale path",
      "GET",
      "/en",
      {},
      { page: "library", locale: expect.any(String) as string, hasSession: false },
    ],
    [
      "library, older page",
      "GET",
      "/?older=MjAyNHxhYmM",
      {},
      { page: "library", locale: "zh-CN", hasSession: false },
    ],
    ["library, signed in", "GET", "/", { cookie: "next-auth.session-token=abc" }, null],
    ["library, other query", "GET", "/?checkout=success", {}, null],
    ["library, two parameters", "GET", "/?older=a&newer=b", {}, null],
    ["authorization header", "GET", "/d/essay", { authorization: "Bearer x" }, null],
    ["RSC request", "GET", "/d/essay", { rsc: "1" }, null],
    ["prefetch", "GET", "/d/essay", { "next-router-prefetch": "1" }, null],
    ["router state tree", "GET", "/d/essay", { "next-router-state-tree": "x" }, null],
    ["server action", "GET", "/d/essay", { "next-action": "abc" }, null],
    ["query string on a document", "GET", "/d/essay?_rsc=1", {}, null],
    ["checkout return", "GET", "/d/essay?checkout=success", {}, null],
    ["POST", "POST", "/d/essay", {}, null],
    ["HEAD", "HEAD", "/d/essay", {}, null],
    ["account", "GET", "/account", {}, null],
    ["sign-in page", "GET", "/signin", {}, null],
    ["not a slug", "GET", "/d/Essay%20X", {}, null],
    ["RSS", "GET", "/rss.xml", {}, null],
  ])("%s", (_name, method, url, headers, expected) => {
    const request = cacheablePageRequest(method, url, headers);
    expect(
      request && { page: request.page, locale: request.locale, hasSession: request.hasSession },
    ).toEqual(expected);
    if (request) expect(request.path).toBe(url);
  });

  it("keys a page by viewer class, locale and path, and reads the key back", () => {
    const request = cacheablePageRequest("GET", "/en/d/essay", { "accept-language": "en" });
    if (!request) throw new Error("expected a cacheable request");
    expect(pageCacheKey("anonymous", request)).toBe("anonymous en /en/d/essay");
    expect(pageCacheKey("full", request)).toBe("full en /en/d/essay");
    expect(parsePageCacheKey("full en /en/d/essay")).toEqual({
      variant: "full",
      locale: "en",
      path: "/en/d/essay",
    });
    expect(() => parsePageCacheKey("subscriber en /d/essay")).toThrow(/not a page cache key/);
  });
});

describe("PageCache", () => {
  const page = (body: string, status = 200, storedAt = Date.now()): CachedPage => ({
    status,
    headers: [["content-type", "text/html"]],
    body: Buffer.from(body),
    storedAt,
  });

  it("fills once for concurrent misses, then serves hits", async () => {
    let fills = 0;
    const cache = new PageCache(async () => {
      fills += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return page(`v${fills}`);
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.get("k")));
    expect(fills).toBe(1);
    expect(results.map((result) => result?.hit)).toEqual(Array(10).fill(false));
    expect((await cache.get("k"))?.hit).toBe(true);
  });

  it("serves a stale page once while refreshing it, then the new one", async () => {
    let version = 1;
    const cache = new PageCache(async () => page(`v${version}`), {
      maxAgeMs: 1000,
      maxBytes: 1000,
    });
    await cache.get("k");
    version = 2;
    const stale = await cache.get("k", Date.now() + 1500);
    expect(stale?.page.body.toString()).toBe("v1");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await cache.get("k"))?.page.body.toString()).toBe("v2");
  });

  it("never stores a page that is not a 200, and keeps its bodies within the byte limit", async () => {
    const cache = new PageCache(
      async (key) => (key === "missing" ? page("gone", 404) : page(key.repeat(4))),
      { maxAgeMs: 1000, maxBytes: 10 },
    );
    expect((await cache.get("missing"))?.page.status).toBe(404);
    expect(cache.size).toBe(0);
    await cache.get("a");
    await cache.get("b");
    expect([cache.size, cache.storedBytes]).toEqual([2, 8]);
    await cache.get("c"); // 12 bytes would exceed 10: the oldest ("a") goes
    expect([cache.size, cache.storedBytes]).toEqual([2, 8]);
    expect((await cache.get("b"))?.hit).toBe(true);
    expect((await cache.get("a"))?.hit).toBe(false);
    await cache.get("much too large for the cache".repeat(1));
    expect(cache.storedBytes).toBeLessThanOrEqual(10);
  });

  it("drops an entry when its refresh finds the page gone", async () => {
    let status = 200;
    const cache = new PageCache(async () => page("doc", status), { maxAgeMs: 1000, maxBytes: 100 });
    await cache.get("k");
    status = 404;
    await cache.get("k", Date.now() + 1500); // stale: served once, refreshed in the background
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect([cache.size, cache.storedBytes]).toEqual([0, 0]);
  });
});
