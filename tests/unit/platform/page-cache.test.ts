import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PageCache,
  cacheablePageRequest,
  pageCacheKey,
  parsePageCacheKey,
  type RenderedPage,
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
  const page = (body: string, status = 200): RenderedPage => ({
    status,
    headers: [["content-type", "text/html"]],
    body: Buffer.from(body),
  });
  /** A clock the test moves by hand. */
  const manualClock = () => {
    const clock = { time: 0, now: () => clock.time };
    return clock;
  };

  /** A cache whose fills ("fill1", "fill2", …) each wait until the test calls their release. */
  const heldFills = () => {
    const clock = manualClock();
    const releases: (() => void)[] = [];
    let fills = 0;
    const cache = new PageCache(
      () => {
        fills += 1;
        const body = `fill${fills}`;
        return new Promise<RenderedPage>((resolve) => releases.push(() => resolve(page(body))));
      },
      { maxAgeMs: 1000, maxBytes: 1000, now: clock.now },
    );
    return { clock, cache, releases, fills: () => fills };
  };

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

  it("never serves an entry whose fill started more than maxAge ago, even after an idle hour", async () => {
    const clock = manualClock();
    let version = 1;
    const cache = new PageCache(async () => page(`v${version}`), {
      maxAgeMs: 1000,
      maxBytes: 1000,
      now: clock.now,
    });
    expect((await cache.get("k"))?.page.body.toString()).toBe("v1");
    clock.time = 1000;
    expect(await cache.get("k")).toMatchObject({ hit: true }); // exactly maxAge: still fresh
    version = 2;
    for (const idle of [1001, 20_000, 60_000, 3_600_000]) {
      clock.time += idle;
      const first = await cache.get("k");
      expect([first?.hit, first?.page.body.toString()]).toEqual([false, "v2"]);
    }
  });

  it("measures age from when the fill started, not when it finished", async () => {
    const clock = manualClock();
    const cache = new PageCache(
      async () => {
        clock.time += 900; // a slow render: the data was read at its start
        return page("slow");
      },
      { maxAgeMs: 1000, maxBytes: 1000, now: clock.now },
    );
    await cache.get("k"); // started at 0, stored at 900
    clock.time = 1001;
    expect((await cache.get("k"))?.hit).toBe(false);
  });

  it("never hands a waiter a fill that started more than maxAge before it arrived", async () => {
    const { clock, cache, releases, fills } = heldFills();
    const early = cache.get("k");
    clock.time = 1000;
    const joins = cache.get("k"); // arrived exactly maxAge after the fill started: joins it
    clock.time = 1001;
    const late = cache.get("k"); // too late to join: a fill of its own
    expect(fills()).toBe(2);
    releases.forEach((release) => release());
    const bodies = (await Promise.all([early, joins, late])).map((r) => r?.page.body.toString());
    expect(bodies).toEqual(["fill1", "fill1", "fill2"]);
  });

  it("keeps the newer fill's page when an older, slower fill finishes last", async () => {
    const { clock, cache, releases } = heldFills();
    const slow = cache.get("k");
    clock.time = 1500;
    const fast = cache.get("k");
    releases[1]?.();
    await fast;
    releases[0]?.();
    await slow;
    expect((await cache.get("k"))?.page.body.toString()).toBe("fill2");
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

  it("drops an entry when its refill finds the page gone", async () => {
    const clock = manualClock();
    let status = 200;
    const cache = new PageCache(async () => page("doc", status), {
      maxAgeMs: 1000,
      maxBytes: 100,
      now: clock.now,
    });
    await cache.get("k");
    status = 404;
    clock.time = 1500;
    expect((await cache.get("k"))?.page.status).toBe(404);
    expect([cache.size, cache.storedBytes]).toEqual([0, 0]);
  });

  /**
   * Any interleaving of requests, re-imports, clock steps and slow fills (each reading the
   * database at some moment between its start and its end): every answer carries a version at
   * least as new as every import committed more than maxAge before the request arrived.
   */
  it("answers with data no older than maxAge before the request, for any interleaving", async () => {
    type Step =
      | { kind: "advance"; ms: number }
      | { kind: "import" }
      | { kind: "request"; key: string }
      | { kind: "read"; fill: number }
      | { kind: "finish"; fill: number; status: number };
    const key = fc.constantFrom("a", "a", "a", "b");
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ kind: fc.constant("import" as const) }),
      fc.record({ kind: fc.constant("request" as const), key }),
      fc.record({ kind: fc.constant("read" as const), fill: fc.nat(8) }),
      fc.record({
        kind: fc.constant("finish" as const),
        fill: fc.nat(8),
        status: fc.constantFrom(200, 200, 200, 404),
      }),
    );
    const maxAgeMs = 1000;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const clock = manualClock();
        let version = 0;
        const commits: { version: number; at: number }[] = [];
        type PendingFill = {
          read: number | null;
          done: boolean;
          resolve: (page: RenderedPage) => void;
        };
        const pending: PendingFill[] = [];
        const cache = new PageCache(
          () =>
            new Promise<RenderedPage>((resolve) =>
              pending.push({ read: null, done: false, resolve }),
            ),
          { maxAgeMs, maxBytes: 1_000_000, now: clock.now },
        );
        const answers: Promise<void>[] = [];
        const settle = () => new Promise((resolve) => setImmediate(resolve));
        for (const current of steps) {
          if (current.kind === "advance") clock.time += current.ms;
          else if (current.kind === "import") commits.push({ version: ++version, at: clock.time });
          else if (current.kind === "request") {
            const arrivedAt = clock.time;
            const mustHave = Math.max(
              0,
              ...commits.filter((commit) => commit.at < arrivedAt - maxAgeMs).map((c) => c.version),
            );
            answers.push(
              cache.get(current.key).then((answer) => {
                if (!answer || answer.page.status !== 200) return;
                const carried = Number(answer.page.body.toString());
                expect(carried, `arrived at ${arrivedAt}`).toBeGreaterThanOrEqual(mustHave);
              }),
            );
          } else {
            const open = pending.filter((fill) => !fill.done);
            const fill = open[current.fill % Math.max(open.length, 1)];
            if (!fill) continue;
            fill.read ??= version;
            if (current.kind === "finish") {
              fill.done = true;
              fill.resolve(page(String(fill.read), current.status));
            }
          }
          await settle();
        }
        for (const fill of pending) {
          fill.read ??= version;
          fill.resolve(page(String(fill.read)));
        }
        await Promise.all(answers);
      }),
      { numRuns: 1000, seed: 9002 },
    );
  });
});
