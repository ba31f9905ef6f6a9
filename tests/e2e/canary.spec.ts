import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { sharedSample } from "../support/samples";
import { invokeEveryWay, serverActions } from "./server-actions";

/**
 * The invariant, proved over HTTP: as an anonymous viewer, request every page and route in every
 * variant Next.js answers (HTML, RSC payloads, prefetches, bot user agents, spoofed middleware
 * headers) and find the paid-text canary in no body and no header. The free marker must be there,
 * so a broken page cannot pass by showing nothing. The positive control (an entitled viewer does
 * get the canary) runs at the data-access layer: tests/integration/document-access.test.ts.
 */
const canary = process.env.FOLIO_TEST_CANARY!;
const freeMark = process.env.FOLIO_TEST_FREEMARK!;
const canarySlugs = ["canary-speech", "canary-regions"];

// A prefetch answers with the route's shell only, so it is the one variant without the free text.
const variants: {
  name: string;
  headers: Record<string, string>;
  query?: string;
  prefetch?: true;
}[] = [
  { name: "html", headers: {} },
  { name: "rsc", headers: { RSC: "1" } },
  { name: "rsc prefetch", headers: { RSC: "1", "Next-Router-Prefetch": "1" }, prefetch: true },
  {
    name: "rsc segment prefetch",
    headers: { RSC: "1", "Next-Router-Prefetch": "1", "Next-Router-Segment-Prefetch": "/_tree" },
    prefetch: true,
  },
  { name: "_rsc query", headers: {}, query: "_rsc=canary1" },
  { name: "rsc with _rsc query", headers: { RSC: "1" }, query: "_rsc=canary2" },
  {
    name: "middleware subrequest",
    headers: { "x-middleware-subrequest": Array(5).fill("middleware").join(":") },
  },
  {
    name: "proxy subrequest",
    headers: { "x-middleware-subrequest": Array(5).fill("proxy").join(":") },
  },
  {
    name: "googlebot",
    headers: {
      "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    },
  },
  { name: "facebook", headers: { "User-Agent": "facebookexternalhit/1.1" } },
  { name: "english", headers: { "Accept-Language": "en-US,en;q=0.9" } },
  {
    name: "spoofed auth headers",
    headers: {
      Authorization: "Bearer subscriber",
      Cookie: "folio-locale=en; next-auth.session-token=forged; subscriber=1",
    },
  },
];

function routeHandlerPaths(): string[] {
  // Every route handler of the production build, so a new API route is covered without editing this test.
  const manifest = path.join(process.cwd(), ".next", "server", "app-paths-manifest.json");
  const entries = Object.keys(
    JSON.parse(fs.readFileSync(manifest, "utf8")) as Record<string, string>,
  );
  return entries
    .filter((entry) => entry.endsWith("/route"))
    .map((entry) => entry.replace(/\/route$/, ""))
    .filter((route) => !route.includes("["));
}

/**
 * Requests `url` and follows same-site redirects by hand (Next answers an RSC request without a
 * valid `_rsc` cache-buster with a redirect), checking the body and headers of every hop.
 */
async function expectNoCanary(
  request: APIRequestContext,
  url: string,
  headers: Record<string, string> = {},
) {
  let current = url;
  for (let hop = 0; hop < 5; hop += 1) {
    const response = await request.get(current, { headers, maxRedirects: 0 });
    const body = await response.text();
    const headerText = JSON.stringify(response.headersArray());
    expect.soft(body, `${current} ${JSON.stringify(headers)} body`).not.toContain(canary);
    expect.soft(headerText, `${current} ${JSON.stringify(headers)} headers`).not.toContain(canary);
    const location = response.headers()["location"];
    if (response.status() < 300 || response.status() >= 400 || !location?.startsWith("/")) {
      return { status: response.status(), body };
    }
    current = location;
  }
  throw new Error(`${url}: too many redirects`);
}

test.describe("anonymous responses never carry paid text", () => {
  for (const slug of canarySlugs) {
    for (const variant of variants) {
      for (const prefix of ["", "/zh-CN", "/en"]) {
        test(`${prefix}/d/${slug} as ${variant.name}`, async ({ request }) => {
          const url = `${prefix}/d/${slug}${variant.query ? `?${variant.query}` : ""}`;
          const { status, body } = await expectNoCanary(request, url, variant.headers);
          expect(status).toBe(200);
          if (!variant.prefetch) expect(body).toContain(freeMark);
        });
      }
    }
  }

  for (const variant of variants) {
    test(`library as ${variant.name}`, async ({ request }) => {
      const { status, body } = await expectNoCanary(
        request,
        `/${variant.query ? `?${variant.query}` : ""}`,
        variant.headers,
      );
      expect(status).toBe(200);
      if (!variant.prefetch) expect(body).toContain("canary-regions");
    });
  }

  test("feeds, sitemap, robots and .rsc URLs", async ({ request }) => {
    const rss = await expectNoCanary(request, "/rss.xml");
    expect(rss.status).toBe(200);
    expect(rss.body).toContain(freeMark);
    const sitemap = await expectNoCanary(request, "/sitemap.xml");
    expect(sitemap.status).toBe(200);
    expect(sitemap.body).toContain("/d/canary-regions");
    for (const url of [
      "/robots.txt",
      "/llms.txt",
      "/d/canary-regions.rsc",
      "/en/d/canary-regions.rsc",
      "/d/canary-regions/opengraph-image",
    ]) {
      await expectNoCanary(request, url);
    }
  });

  test("every route handler in the build", async ({ request }) => {
    const routes = routeHandlerPaths();
    expect(routes).toEqual(expect.arrayContaining(["/api/health", "/api/locale", "/rss.xml"]));
    for (const route of routes) {
      for (const query of ["", "?slug=canary-regions&to=en&next=/d/canary-regions"]) {
        await expectNoCanary(request, `${route}${query}`);
        const post = await request.post(`${route}${query}`, {
          data: { slug: "canary-regions" },
          maxRedirects: 0,
        });
        expect.soft(await post.text()).not.toContain(canary);
      }
    }
  });

  test("the seed speech's paid part reaches no anonymous response", async ({ request }) => {
    // Fails loudly when the sample is missing (tests/support/samples.ts); the server imported it.
    test.skip(sharedSample("seed-speech.txt") === null, "FOLIO_SKIP_SHARED_SAMPLES=1");
    const paidOpening = "二要坚持出实招求实效";
    for (const variant of variants) {
      const response = await request.get(
        `/d/seed-speech${variant.query ? `?${variant.query}` : ""}`,
        {
          headers: variant.headers,
        },
      );
      const body = await response.text();
      expect.soft(body, variant.name).not.toContain(paidOpening);
      expect.soft(body, variant.name).not.toContain(JSON.stringify(paidOpening).slice(1, -1));
    }
    for (const url of ["/", "/rss.xml", "/sitemap.xml"]) {
      expect.soft(await (await request.get(url)).text(), url).not.toContain(paidOpening);
    }
    const page = await (await request.get("/d/seed-speech")).text();
    expect(page).toContain("党员干部在主题教育“以学促干”专题研讨会上的体会发言");
    expect(page).toContain('data-testid="paywall"');
  });

  test("no server action of the build answers with paid text, however it is invoked", async ({
    request,
    baseURL,
  }) => {
    const actions = serverActions();
    // lib/auth/actions.ts and lib/billing/actions.ts: an empty list means the manifest moved.
    expect(actions.map((action) => action.name)).toEqual(
      expect.arrayContaining([
        "lib/billing/actions.ts#subscribeAction",
        "lib/auth/actions.ts#signUpAction",
      ]),
    );
    for (const action of actions) {
      const answers = await invokeEveryWay(request, action, baseURL!);
      for (const answer of answers) expect.soft(answer.text, answer.request).not.toContain(canary);
      // The real action ran (it redirects: 303, or an RSC answer naming the redirect), so this
      // probes Folio's code and not only Next's "action not found".
      expect(
        answers.some((answer) => /x-action-redirect|"location"/i.test(answer.text)),
        `${action.name} was never invoked`,
      ).toBe(true);
    }
    // A forged id reaches no action at all.
    const forged = await request.post("/d/canary-regions", {
      headers: { "Next-Action": "0".repeat(42), "Content-Type": "text/plain;charset=UTF-8" },
      data: '["canary-regions"]',
      maxRedirects: 0,
    });
    expect(await forged.text()).not.toContain(canary);
  });

  test("metadata and structured data describe the paywall without paid text", async ({
    request,
  }) => {
    const response = await request.get("/d/canary-regions", {
      headers: { "User-Agent": "facebookexternalhit/1.1" },
    });
    const html = await response.text();
    const jsonLd = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1];
    expect(jsonLd).toBeDefined();
    const article = JSON.parse(jsonLd!) as Record<string, unknown>;
    expect(article).toMatchObject({
      "@type": "Article",
      isAccessibleForFree: false,
      hasPart: { "@type": "WebPageElement", isAccessibleForFree: false, cssSelector: ".paywall" },
    });
    expect(html).toMatch(/<meta property="og:description" content="[^"]*"/);
    expect(html).not.toContain(canary);
  });
});
