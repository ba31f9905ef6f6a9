import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { expect, test } from "@playwright/test";
import { repoRoot } from "../support/test-database";
import { rawRequest, type RawRequest } from "./raw-http";

/**
 * Issue 9 finding 10: malformed paths, cursors, methods and bodies answered 500. Each is now a 4xx
 * with a localised message, and a seeded fuzz run over every route of the build (read from its
 * manifests, so a new route is covered without touching this file) finds no 5xx.
 */
const manifest = JSON.parse(
  fs.readFileSync(path.join(repoRoot, ".next", "server", "app-paths-manifest.json"), "utf8"),
) as Record<string, string>;

/** Route templates such as ["[locale]", "d", "[slug]"], from the build. */
const routes = Object.keys(manifest)
  .map((route) =>
    route
      .replace(/\/(page|route)$/, "")
      .split("/")
      .filter(Boolean),
  )
  .filter((segments) => !segments.some((segment) => segment.startsWith("_")));

const actions = Object.keys(
  (
    JSON.parse(
      fs.readFileSync(
        path.join(repoRoot, ".next", "server", "server-reference-manifest.json"),
        "utf8",
      ),
    ) as { node: Record<string, unknown> }
  ).node,
);
const actionId = actions[0] ?? "00";

const extendedYearCursor = "KzI3NTc2MC0wOS0xM1QwMDowMDowMC4wMDBafHg";

test("the inputs from the issue get a 4xx with a localised message", async () => {
  const cases: { request: RawRequest; status: number }[] = [
    { request: { method: "GET", path: "/d/%ff" }, status: 400 },
    { request: { method: "GET", path: "/en/d/%FF%FE" }, status: 400 },
    { request: { method: "GET", path: "/api/auth/%FF" }, status: 400 },
    { request: { method: "GET", path: "/%c0%af" }, status: 400 },
    { request: { method: "GET", path: `/?older=${extendedYearCursor}` }, status: 404 },
    { request: { method: "GET", path: `/en?newer=${extendedYearCursor}` }, status: 404 },
    { request: { method: "TRACE", path: "/" }, status: 405 },
    { request: { method: "TRACE", path: "/api/health" }, status: 405 },
    {
      request: {
        method: "POST",
        path: "/api/auth/callback/password",
        headers: { "content-type": "application/json" },
        body: '{"email":"a@example.test","pass',
      },
      status: 415,
    },
    {
      request: {
        method: "POST",
        path: "/api/auth/callback/password",
        headers: { "content-type": "multipart/form-data" },
        body: "email=a",
      },
      status: 400,
    },
    {
      request: {
        method: "POST",
        path: "/en/signup",
        headers: { "content-type": "multipart/form-data", "next-action": actionId },
        body: "abc",
      },
      status: 400,
    },
    {
      request: {
        method: "POST",
        path: "/en/signup",
        headers: {
          "content-type": "text/plain;charset=UTF-8",
          "next-action": actionId,
          origin: "http://evil.example",
        },
        body: "[]",
      },
      status: 403,
    },
  ];
  for (const { request, status } of cases) {
    for (const [language, word] of [
      ["en", /[A-Za-z]{4}/],
      ["zh-CN", /[\u4e00-\u9fff]/],
    ] as const) {
      const response = await rawRequest({
        ...request,
        headers: { ...request.headers, "accept-language": language },
      });
      const label = `${request.method} ${request.path} ${JSON.stringify(request.headers ?? {})} (${language})`;
      expect.soft(response.status, label).toBe(status);
      expect.soft(response.body, label).toMatch(word);
    }
  }
});

/**
 * Not fixed yet: a server action whose body is malformed (truncated JSON, broken multipart) and sent
 * with a Content-Length still reaches Next.js, which answers 500. The edge can judge such a body only
 * by reading it before Next.js does; intercepting the stream for that broke next-auth's form reads,
 * so the edge judges chunked bodies only (lib/http/edge.ts).
 */
test("a malformed server-action body with a Content-Length gets a 400", async () => {
  const cases: { request: RawRequest; status: number }[] = [
    {
      request: {
        method: "POST",
        path: "/en/signup",
        headers: { "content-type": "multipart/form-data; boundary=b", "next-action": actionId },
        body: '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated',
      },
      status: 400,
    },
    {
      request: {
        method: "POST",
        path: "/en/signup",
        headers: { "content-type": "text/plain;charset=UTF-8", "next-action": actionId },
        body: '["$K1',
      },
      status: 400,
    },
  ];
  for (const { request, status } of cases)
    expect.soft((await rawRequest(request)).status).toBe(status);
});

// ---- Fuzz: every route, malformed paths, queries, headers and bodies. ----

const segmentNoise = fc.oneof(
  fc.constantFrom(
    "%ff",
    "%FF%FE",
    "%c0%af",
    "%00",
    "%",
    "%zz",
    "%2e%2e",
    "..",
    ".",
    "%2f",
    "%5c",
    "%E2%80%AE",
    "a%20b",
    "x".repeat(400),
    "canary-regions",
    "essay",
    "%F0%9F%93%9A",
    "~",
    "@",
  ),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  fc.stringMatching(/^(%[0-9A-Fa-f]{2}|[A-Za-z0-9._~-]){1,12}$/),
);

function fill(template: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      ...template.map((segment) =>
        segment === "[locale]"
          ? fc.constantFrom("", "zh-CN", "en", "xx", "EN")
          : segment.startsWith("[...")
            ? fc.array(segmentNoise, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("/"))
            : segment.startsWith("[")
              ? segmentNoise
              : fc.constant(segment),
      ),
    )
    .map((parts) => `/${parts.filter(Boolean).join("/")}`);
}

const cursorText = fc.oneof(
  fc.constantFrom(
    "+275760-09-13T00:00:00.000Z|x",
    "-000001-01-01T00:00:00.000Z|x",
    "2026-01-01T00:00:00.000Z|x",
    "2026-13-45T99:99:99.999Z|x",
    "|",
    "",
  ),
  fc.string({ maxLength: 40 }),
);
const base64url = (text: string) => Buffer.from(text).toString("base64url") || "A";
const queryValue = fc.oneof(
  fc.constantFrom(
    "%ff",
    "/.//evil.example",
    "%2F%2Fevil",
    "cs_test_123",
    "en",
    "zh-CN",
    "",
    "a%00b",
  ),
  fc.stringMatching(/^[A-Za-z0-9%._~-]{0,30}$/),
);
const query = fc.oneof(
  fc.constant(""),
  cursorText.map((text) => `?older=${base64url(text)}`),
  cursorText.map((text) => `?newer=${base64url(text)}`),
  fc.tuple(queryValue, queryValue).map(([to, next]) => `?to=${to}&next=${next}`),
  queryValue.map((value) => `?callbackUrl=${value}`),
  queryValue.map((value) => `?session_id=${value}&next=${value}`),
  fc.constantFrom(
    "?%ff=1",
    "?older=a&older=b",
    "?a[]=1&a[]=2",
    "?email=%ff&token=%ff",
    "?=&=&",
    "?_rsc=x",
  ),
);

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const headers = fc.record(
  {
    "accept-language": fc.oneof(
      fc.constantFrom("*", "en", "zh-CN,en;q=0.5", "xx-YY;q=abc", ""),
      headerValue,
    ),
    cookie: fc.oneof(
      fc.constantFrom(
        "next-auth.session-token=garbage",
        "__Secure-next-auth.session-token=a.b.c",
        "folio-locale=%ff",
        "folio-locale=xx",
        "next-auth.callback-url=%2F%2Fevil.example",
        "next-auth.csrf-token=abc%7Cdef",
      ),
      headerValue,
    ),
    "content-type": fc.constantFrom(
      "multipart/form-data",
      "multipart/form-data; boundary=b",
      "application/json",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "garbage/;;;",
      "",
    ),
    origin: fc.constantFrom("http://evil.example", "null", "not a url", "http://127.0.0.1"),
    "next-action": fc.constantFrom(actionId, "abc", "", "0".repeat(42)),
    rsc: fc.constant("1"),
    "next-router-state-tree": fc.oneof(fc.constant("%5B%22%22%5D"), headerValue),
    "next-router-prefetch": fc.constant("1"),
    range: fc.constantFrom("bytes=abc", "bytes=0-1", "bytes=-5"),
    "if-none-match": headerValue,
    "x-forwarded-host": fc.constantFrom("evil.example", "a b", ""),
    authorization: headerValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    '{"email":"a',
    '["$K1',
    "[]",
    "abc",
    "email=%ff&password=x",
    '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n',
    "--b\r\nbroken",
    "\u0000\u0001",
  ),
  fc.string({ maxLength: 200 }),
);
const method = fc.constantFrom(
  "GET",
  "GET",
  "GET",
  "HEAD",
  "POST",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
  "FOO",
);

const fuzzRequest: fc.Arbitrary<RawRequest> = fc
  .tuple(fc.constantFrom(...routes).chain(fill), query, method, headers, body)
  .map(([pathname, search, verb, chosen, payload]) => ({
    method: verb,
    path: `${pathname}${search}`,
    headers: Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined)),
    body: payload,
  }));

test("seeded fuzz over every route of the build finds no 5xx", async () => {
  test.setTimeout(120_000);
  const seed = Number(process.env.FOLIO_FUZZ_SEED ?? 20261201);
  const budgetMs = Number(process.env.FOLIO_FUZZ_MS ?? 8_000);
  const requests = fc.sample(fuzzRequest, { seed, numRuns: 2_000 });
  const failures: string[] = [];
  const started = Date.now();
  let sent = 0;
  const worker = async () => {
    while (Date.now() - started < budgetMs) {
      const request = requests[sent++];
      if (!request) return;
      const response = await rawRequest({ ...request, timeoutMs: 10_000 }).catch(
        (error: Error) => ({
          status: 599,
          body: error.message,
        }),
      );
      if (response.status >= 500)
        failures.push(
          `${response.status} ${JSON.stringify(request)} → ${response.body.slice(0, 120)}`,
        );
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  console.log(
    `fuzz seed ${seed}: ${sent} requests over ${routes.length} routes in ${Date.now() - started} ms`,
  );
  expect(failures, failures.slice(0, 10).join("\n")).toEqual([]);
  expect(sent).toBeGreaterThan(100);
});
