import { expect, test, type Page } from "@playwright/test";

/** The free-preview journey in a real browser: library → document → paywall, in both languages. */
const freeMark = process.env.FOLIO_TEST_FREEMARK!;

function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("a reader opens a document from the library and meets the paywall", async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("文库");
  await page.getByRole("link", { name: "Canary essay with three paid regions" }).click();
  await expect(page).toHaveURL(/\/d\/canary-regions$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Canary essay with three paid regions",
  );
  await expect(page.getByText(freeMark)).toBeVisible();

  const paywall = page.getByTestId("paywall");
  await expect(paywall).toBeVisible();
  await expect(paywall).toContainText("订阅后可阅读剩余");
  await expect(page.getByTestId("locked-section")).toHaveCount(2);
  await expect(paywall.getByRole("link", { name: "订阅" })).toHaveAttribute(
    "href",
    "/pricing?callbackUrl=%2Fd%2Fcanary-regions",
  );
  await expect(page.locator("article")).toHaveAttribute("lang", "en");
  expect(errors).toEqual([]);
});

test("the seeded sample in Chinese reads with Chinese typography and a paywall", async ({
  page,
}) => {
  const errors = collectConsoleErrors(page);
  await page.goto("/d/city-trees");
  const article = page.locator("article");
  await expect(article).toHaveAttribute("lang", "zh-CN");
  await expect(page.locator(".document-body h2").first()).toBeVisible();
  const paragraph = page.locator(".document-body p").first();
  const style = await paragraph.evaluate((element) => {
    const computed = getComputedStyle(element);
    return {
      indent: computed.textIndent,
      lineHeight: parseFloat(computed.lineHeight) / parseFloat(computed.fontSize),
    };
  });
  expect(style.indent).not.toBe("0px");
  expect(style.lineHeight).toBeGreaterThanOrEqual(1.7);
  await expect(page.getByTestId("paywall")).toBeVisible();
  expect(errors).toEqual([]);
});

test("the language switcher changes the interface and remembers the choice", async ({ page }) => {
  await page.goto("/d/canary-speech");
  await expect(page.getByTestId("paywall")).toContainText("以下内容仅限会员阅读");
  await page.getByRole("link", { name: "English" }).click();
  await expect(page).toHaveURL(/\/d\/canary-speech$/);
  await expect(page.getByTestId("paywall")).toContainText("The rest is for members");
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Library");
});

test("Accept-Language picks the interface language", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Library");
  await context.close();
});

test("pages without a locale prefix are rewritten in-process, not proxied back over HTTP", async ({
  request,
}) => {
  // Next.js answers an absolute rewrite URL whose origin differs from its own by proxying the
  // request over HTTP (a second hop through server.ts, and a 500 when a prefetch is dropped).
  // The query string keeps the page cache out of the way, so Next.js routes every request.
  const variants: Record<string, string>[] = [
    {},
    { RSC: "1" },
    { RSC: "1", "Next-Router-Prefetch": "1" },
  ];
  for (const headers of variants) {
    for (const path of ["/?probe=1", "/d/canary-regions?probe=1"]) {
      const response = await request.get(path, { headers, maxRedirects: 0 });
      expect(response.status(), path).toBeLessThan(500);
      expect(response.headers()["x-middleware-rewrite"], path).toMatch(/^\/zh-CN[/?]/);
    }
  }
});

test("unknown documents and paths get the localized 404 page", async ({ page }) => {
  const response = await page.goto("/d/no-such-document");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("页面不存在");
  const other = await page.goto("/no/such/path");
  expect(other?.status()).toBe(404);
});

test("a free document has no paywall", async ({ page }) => {
  await page.goto("/d/reading-notes-free");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByTestId("paywall")).toHaveCount(0);
});
