import { expect, test } from "@playwright/test";

/**
 * Issue 9, finding 3 over HTTP: tests/fixtures/canary/canary-boundaries.md defines reference links and
 * opens a code fence inside a paid region (with the canary in URLs, a title, the fence info string and a
 * heading) and uses them from the free part. An anonymous viewer gets the free text (FREEMARK) with the
 * references unresolved and no canary in the page, its RSC payload, the feed or the sitemap.
 */
const canary = process.env.FOLIO_TEST_CANARY!;
const freeMark = process.env.FOLIO_TEST_FREEMARK!;

const requests: { path: string; headers: Record<string, string> }[] = [
  { path: "/d/canary-boundaries", headers: {} },
  { path: "/en/d/canary-boundaries", headers: {} },
  { path: "/d/canary-boundaries", headers: { RSC: "1" } },
  { path: "/d/canary-boundaries?_rsc=boundaries", headers: { RSC: "1" } },
  {
    path: "/d/canary-boundaries",
    headers: { "User-Agent": "facebookexternalhit/1.1" },
  },
  { path: "/rss.xml", headers: {} },
  { path: "/sitemap.xml", headers: {} },
  { path: "/", headers: {} },
];

for (const { path, headers } of requests) {
  test(`${path} ${JSON.stringify(headers)} carries no paid source`, async ({ request }) => {
    const response = await request.get(path, { headers });
    expect(response.status()).toBe(200);
    const body = await response.text();
    expect(body.toLowerCase()).not.toContain(canary.toLowerCase());
  });
}

test("the free part shows its own text, with the paid references left unresolved", async ({
  request,
}) => {
  const html = await (await request.get("/d/canary-boundaries")).text();
  expect(html).toContain(freeMark);
  expect(html).toContain("[the report][src]");
  expect(html).toContain("free code after the cut");
  expect(html).toContain("https://example.com/free");
});
