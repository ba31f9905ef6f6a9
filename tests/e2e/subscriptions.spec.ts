import { expect, test, type Page } from "@playwright/test";
import { pastDueGraceSeconds, stripeStandinURL } from "../../playwright.config";
import { messagesFor } from "../../lib/i18n";
import { mail, signInByLink, uniqueEmail, uniqueIp } from "./helpers";

/**
 * Subscribing end to end in Chromium, against the local Stripe stand-in (Folio's own Stripe code,
 * through the SDK, with signed webhooks): checkout, the portal, the test clock moving time on.
 */
const canary = process.env.FOLIO_TEST_CANARY!;

test.beforeEach(async ({ context }) => {
  await context.setExtraHTTPHeaders({ "x-forwarded-for": uniqueIp() });
});

async function standin(path: string, form: Record<string, string> = {}) {
  const response = await fetch(`${stripeStandinURL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
}

/** Moves the stand-in's clock and waits until its webhooks have reached Folio. */
async function advanceClock(days: number) {
  await standin("/_standin/clock/advance", { days: String(days) });
  await expect
    .poll(async () => {
      const response = await fetch(`${stripeStandinURL}/_standin/deliveries`);
      const { data } = (await response.json()) as {
        data: { delivered: boolean; failed: boolean }[];
      };
      return data.every((delivery) => delivery.delivered || delivery.failed);
    })
    .toBe(true);
}

async function paidText(page: Page): Promise<boolean> {
  const html = await (await page.request.get("/d/canary-regions")).text();
  return html.includes(canary);
}

async function subscribe(page: Page, plan: "month" | "year", card = "4242 4242 4242 4242") {
  await page.goto("/d/canary-regions");
  await page.getByTestId("paywall").getByRole("link", { name: "订阅" }).click();
  await expect(page).toHaveURL(/\/pricing\?callbackUrl=%2Fd%2Fcanary-regions/);
  await page.getByTestId(`plan-${plan}`).getByRole("button", { name: "订阅" }).click();
  await expect(page).toHaveURL(new RegExp(`^${stripeStandinURL}/checkout/`));
  await page.locator("input[name=card]").fill(card);
  await page.getByRole("button", { name: "Subscribe" }).click();
}

test("an anonymous reader signs up, subscribes monthly and reads the whole document", async ({
  page,
}) => {
  test.setTimeout(90_000); // the longest journey: 30 s ran out on a loaded machine
  await page.goto("/d/canary-regions");
  await expect(page.getByTestId("test-payments-banner")).toBeVisible();
  await expect(page.getByTestId("paywall")).toContainText("¥30.00 / 月，或 ¥300.00 / 年");
  const email = uniqueEmail("subscriber");
  await signInByLink(page, email, "/d/canary-regions");
  await subscribe(page, "month");
  await expect(page).toHaveURL(/\/d\/canary-regions\?checkout=subscribed$/);
  await expect(page.getByTestId("checkout-status")).toContainText("订阅成功");
  await expect(page.getByTestId("paywall")).toHaveCount(0);
  await expect(page.locator("article")).toHaveAttribute("data-access", "full");
  expect(await paidText(page)).toBe(true);

  // Subscribing again leads to the portal, not a second checkout.
  await page.goto("/pricing?callbackUrl=%2Fd%2Fcanary-regions");
  await page.getByTestId("plan-year").getByRole("button", { name: "订阅" }).click();
  await expect(page).toHaveURL(new RegExp(`^${stripeStandinURL}/portal/`));
  await page.getByRole("link", { name: "Return to Folio" }).click();
  await expect(page).toHaveURL(/\/d\/canary-regions$/);

  // Cancel in the portal (from the account page): still readable until the period ends.
  await page.goto("/account");
  await page.getByRole("button", { name: "管理订阅" }).click();
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await page.getByRole("link", { name: "Return to Folio" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect
    .poll(() => page.reload().then(() => page.getByTestId("account-subscription").innerText()))
    .toContain("将于");
  expect(await paidText(page)).toBe(true);

  // The test clock passes the period end: the subscription ends and the paid part locks.
  await advanceClock(32);
  await expect.poll(() => paidText(page)).toBe(false);
  await page.goto("/d/canary-regions");
  await expect(page.getByTestId("paywall")).toBeVisible();
});

test("a declined card leaves the reader locked with a clear message", async ({ page }) => {
  await signInByLink(page, uniqueEmail("declined"), "/d/canary-regions");
  await subscribe(page, "month", "4000 0000 0000 0002");
  await expect(page.getByText("Your card was declined.")).toBeVisible();
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/\/d\/canary-regions$/);
  await expect(page.getByTestId("paywall")).toBeVisible();
  expect(await paidText(page)).toBe(false);
});

/** The reader's subscription as the stand-in (Stripe) sees it right now. */
async function stripeStatus(email: string): Promise<string | undefined> {
  const response = await fetch(`${stripeStandinURL}/_standin/state`);
  const state = (await response.json()) as {
    customers: { id: string; email: string | null }[];
    subscriptions: { customer: string; status: string }[];
  };
  const customer = state.customers.find((candidate) => candidate.email === email);
  return state.subscriptions.find((subscription) => subscription.customer === customer?.id)?.status;
}

test("a failed renewal keeps access for the grace period, and its end locks the document while Stripe still retries", async ({
  page,
}) => {
  test.setTimeout(60_000 + 3 * pastDueGraceSeconds * 1000);
  const email = uniqueEmail("grace");
  await signInByLink(page, email, "/d/canary-regions");
  await subscribe(page, "month");
  await expect(page).toHaveURL(/checkout=subscribed/);
  expect(await paidText(page)).toBe(true);

  await standin("/_standin/customers/fail-payments", { email, fail: "true" });
  const failedAfter = Date.now(); // Folio's grace counts from its first sight of past_due
  await advanceClock(31);
  await page.goto("/account");
  await expect(page.getByTestId("account-subscription")).toContainText("付款失败");
  expect(await paidText(page)).toBe(true); // within the grace period

  // The reader is told once, at their address, in Folio's language.
  const failedMail = await mail.latest(email, { after: new Date(failedAfter), timeoutMs: 15_000 });
  expect(failedMail.subject).toBe(messagesFor("zh-CN").mail.paymentFailedSubject);
  expect(failedMail.to).toEqual([email]);

  // Only Folio's clock moves now: the grace period runs out, Stripe has not given up.
  await expect
    .poll(() => paidText(page), {
      timeout: 2 * pastDueGraceSeconds * 1000,
      intervals: [1000],
    })
    .toBe(false);
  expect(Date.now() - failedAfter).toBeGreaterThanOrEqual(pastDueGraceSeconds * 1000);
  expect(await stripeStatus(email)).toBe("past_due");
  await page.goto("/account");
  await expect(page.getByTestId("account-link")).toBeVisible(); // still signed in
  await expect(page.getByTestId("account-subscription")).toContainText("付款失败");
  await page.goto("/d/canary-regions");
  await expect(page.getByTestId("paywall")).toBeVisible();
  const failedMails = (await mail.all(email)).filter(
    (message) => message.subject === failedMail.subject,
  );
  expect(failedMails).toHaveLength(1);
});

test("when Stripe's retries run out the subscription is unpaid and locks at once, before the grace ends", async ({
  page,
}) => {
  const email = uniqueEmail("renewal");
  await signInByLink(page, email, "/d/canary-regions");
  await subscribe(page, "month");
  await expect(page).toHaveURL(/checkout=subscribed/);
  expect(await paidText(page)).toBe(true);

  await standin("/_standin/customers/fail-payments", { email, fail: "true" });
  const failedAfter = Date.now();
  await advanceClock(31);
  await page.goto("/account");
  await expect(page.getByTestId("account-subscription")).toContainText("付款失败");
  expect(await paidText(page)).toBe(true); // within the grace period

  await advanceClock(9);
  expect(await stripeStatus(email)).toBe("unpaid");
  await expect.poll(() => paidText(page)).toBe(false);
  expect(Date.now() - failedAfter).toBeLessThan(pastDueGraceSeconds * 1000);
  await page.goto("/account");
  await expect(page.getByTestId("account-subscription")).toContainText("未付款");
});
