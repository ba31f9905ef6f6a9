import { describe, expect, it } from "vitest";
import { AnonymousPageCache, cacheKeyFor, type CachedPage } from "@/lib/http/anonymous-page-cache";

describe("cacheKeyFor", () => {
  it.each<[string, string, string, Record<string, string>, string | null]>([
    ["anonymous document page", "GET", "/d/essay", {}, "zh-CN /d/essay"],
    ["English reader", "GET", "/d/essay", { "accept-language": "en-US,en;q=0.9" }, "en /d/essay"],
    [
      "saved locale wins",
      "GET",
      "/d/essay",
      { cookie: "folio-locale=en", "accept-language": "zh-CN" },
      "en /d/essay",
    ],
    ["explicit locale path", "GET", "/en/d/essay", {}, "zh-CN /en/d/essay"],
    ["signed-in reader", "GET", "/d/essay", { cookie: "next-auth.session-token=abc" }, null],
    [
      "signed-in over https",
      "GET",
      "/d/essay",
      { cookie: "a=1; __Secure-next-auth.session-token=abc" },
      null,
    ],
    [
      "chunked session cookie",
      "GET",
      "/d/essay",
      { cookie: "next-auth.session-token.0=abc" },
      null,
    ],
    ["authorization header", "GET", "/d/essay", { authorization: "Bearer x" }, null],
    ["RSC request", "GET", "/d/essay", { rsc: "1" }, null],
    ["prefetch", "GET", "/d/essay", { "next-router-prefetch": "1" }, null],
    ["server action", "GET", "/d/essay", { "next-action": "abc" }, null],
    ["query string", "GET", "/d/essay?_rsc=1", {}, null],
    ["POST", "POST", "/d/essay", {}, null],
    ["library", "GET", "/", {}, null],
    ["account", "GET", "/account", {}, null],
    ["not a slug", "GET", "/d/Essay%20X", {}, null],
  ])("%s", (_name, method, url, headers, expected) => {
    expect(cacheKeyFor(method, url, headers)).toBe(expected);
  });
});

describe("AnonymousPageCache", () => {
  const page = (body: string, status = 200, storedAt = Date.now()): CachedPage => ({
    status,
    headers: [["content-type", "text/html"]],
    body: Buffer.from(body),
    storedAt,
  });

  it("fills once for concurrent misses, then serves hits", async () => {
    let fills = 0;
    const cache = new AnonymousPageCache(async () => {
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
    const cache = new AnonymousPageCache(async () => page(`v${version}`), {
      maxAgeMs: 1000,
      maxEntries: 10,
    });
    await cache.get("k");
    version = 2;
    const stale = await cache.get("k", Date.now() + 1500);
    expect(stale?.page.body.toString()).toBe("v1");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await cache.get("k"))?.page.body.toString()).toBe("v2");
  });

  it("never stores a page that is not a 200, and evicts the oldest beyond the limit", async () => {
    const cache = new AnonymousPageCache(
      async (key) => (key === "missing" ? page("gone", 404) : page(key)),
      {
        maxAgeMs: 1000,
        maxEntries: 2,
      },
    );
    expect((await cache.get("missing"))?.page.status).toBe(404);
    expect(cache.size).toBe(0);
    await cache.get("a");
    await cache.get("b");
    await cache.get("c");
    expect(cache.size).toBe(2);
    expect((await cache.get("a"))?.hit).toBe(false);
  });
});
