import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { runScript } from "../e2e/helpers";

/**
 * Issue 9 finding 2: the page cache served an expired entry once more while it refreshed, so the
 * first anonymous request after any idle period got the rendering from before a re-import: with
 * the marker moved earlier, text that is now paid (x-folio-cache: HIT), 20, 30 and 60 s later.
 * Library summaries likewise. Now nothing older than a second is ever served.
 */
const movedWord = `MOVEDPAID${Date.now().toString(36)}`;
const slug = "stale-after-reimport";

function write(file: string, markerEarly: boolean) {
  const lead = "The opening sentence stays free for everyone.";
  const moved = `This sentence names ${movedWord} and moves behind the paywall.`;
  const body = markerEarly
    ? `${lead}\n\n##paidbegin##\n${moved}\n\nThe paid tail.\n`
    : `${lead} ${moved}\n\n##paidbegin##\nThe paid tail.\n`;
  // Published in the future, so it heads the library's first page.
  fs.writeFileSync(
    file,
    `---\ntitle: Stale after re-import\nslug: ${slug}\npublished: 2099-01-01\n---\n${body}`,
  );
}

test("the first anonymous request after an idle period never carries text a re-import made paid", async ({
  request,
}) => {
  test.setTimeout(90_000);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "folio-stale-"));
  const file = path.join(folder, `${slug}.md`);
  const urls = [`/d/${slug}`, `/en/d/${slug}`, "/", "/en"];
  for (const idleMs of [1_500, 4_000]) {
    write(file, false);
    runScript("scripts/import.ts", [file]);
    for (const url of urls) {
      await expect.poll(async () => (await request.get(url)).text()).toContain(movedWord);
      const warm = await request.get(url);
      expect(warm.headers()["x-folio-cache"], url).toBe("HIT");
    }

    write(file, true);
    runScript("scripts/import.ts", [file]); // committed when the script exits
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    for (const url of urls) {
      const first = await request.get(url);
      expect(first.status(), url).toBe(200);
      expect(
        await first.text(),
        `${url}, first request ${idleMs} ms after the re-import`,
      ).not.toContain(movedWord);
    }
  }
});

test("no feed, sitemap or page tells a shared cache to keep text longer than a second", async ({
  request,
}) => {
  for (const url of [
    "/rss.xml",
    "/sitemap.xml",
    "/",
    "/d/canary-regions",
    "/en/d/canary-regions",
  ]) {
    const cacheControl = (await request.get(url)).headers()["cache-control"] ?? "";
    const maxAge = Number(/(?:^|,)\s*(?:s-)?max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0);
    expect.soft(maxAge, `${url}: ${cacheControl}`).toBeLessThanOrEqual(1);
    expect.soft(cacheControl, url).not.toMatch(/stale-while-revalidate|stale-if-error|immutable/);
  }
});
