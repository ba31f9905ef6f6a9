import { expect, test, type APIRequestContext } from "@playwright/test";
import { runScript, signInByLink, uniqueEmail, uniqueIp } from "./helpers";
import { invokeEveryWay, serverActions } from "./server-actions";

/**
 * The canary suite for signed-in readers: without access the paid text is absent from every
 * variant of the page, with a complimentary grant it is present (the positive control over HTTP),
 * and once the grant has expired it is absent again.
 */
const canary = process.env.FOLIO_TEST_CANARY!;
const freeMark = process.env.FOLIO_TEST_FREEMARK!;

const variants: Record<string, string>[] = [
  {},
  { RSC: "1" },
  { "x-middleware-subrequest": Array(5).fill("middleware").join(":") },
  { "User-Agent": "Googlebot/2.1" },
];
const urls = [
  "/d/canary-regions",
  "/en/d/canary-speech",
  "/d/canary-speech?_rsc=x",
  "/",
  "/rss.xml",
  "/sitemap.xml",
  "/account",
];

/** Every variant of every URL, following same-site redirects (RSC cache-busting), as one text. */
async function everything(request: APIRequestContext): Promise<string> {
  const bodies: string[] = [];
  for (const url of urls) {
    for (const headers of variants) {
      let current = url;
      for (let hop = 0; hop < 5; hop += 1) {
        const response = await request.get(current, { headers, maxRedirects: 0 });
        bodies.push(await response.text(), JSON.stringify(response.headersArray()));
        const location = response.headers()["location"];
        if (response.status() < 300 || response.status() >= 400 || !location?.startsWith("/"))
          break;
        current = location;
      }
    }
  }
  return bodies.join("\n");
}

test("signed in without access: no canary; with a grant: canary; after it expires: none", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await page.context().setExtraHTTPHeaders({ "x-forwarded-for": uniqueIp() });
  const email = uniqueEmail("canary-reader");
  await signInByLink(page, email);

  const withoutAccess = await everything(page.request);
  expect(withoutAccess).toContain(freeMark);
  expect(withoutAccess).toContain(email); // really signed in: the account page answered
  expect(withoutAccess).not.toContain(canary);

  const until = new Date(Date.now() + 8_000);
  runScript("scripts/grant.ts", [email, "--until", until.toISOString()]);
  const granted = await (await page.request.get("/d/canary-regions")).text();
  expect(granted.split(canary).length - 1).toBeGreaterThanOrEqual(5);
  const grantedSpeech = await (await page.request.get("/d/canary-speech")).text();
  expect(grantedSpeech).toContain(canary);

  await expect.poll(() => Date.now(), { timeout: 15_000 }).toBeGreaterThan(until.getTime());
  const expired = await everything(page.request);
  expect(expired).toContain(freeMark);
  expect(expired).not.toContain(canary);

  // Every server action of the build, invoked by this signed-in reader; signing out goes last.
  const signsOut = (name: string) => Number(name.includes("signOut"));
  const actions = serverActions().sort((a, b) => signsOut(a.name) - signsOut(b.name));
  for (const action of actions) {
    for (const answer of await invokeEveryWay(page.request, action, baseURL!))
      expect.soft(answer.text, answer.request).not.toContain(canary);
  }
});
