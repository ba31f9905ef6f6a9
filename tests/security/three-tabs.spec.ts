import { expect, test, type Page } from "@playwright/test";
import { stripeStandinURL } from "../../playwright.config";
import { mail, signInByLink, uniqueEmail, uniqueIp } from "../e2e/helpers";

/**
 * Issue 9, finding 7, in Chromium against the production server and the Stripe stand-in (signed
 * webhooks to /api/stripe/webhook): a reader opens Checkout in three tabs before paying any and
 * then pays every tab. Before the fix: three live subscriptions and three charges.
 */
const live = new Set(["active", "trialing", "past_due", "unpaid", "paused", "incomplete"]);

// Sign-in, several tabs and webhooks each way: longer than one page's journey.
test.describe.configure({ timeout: 120_000 });

test.beforeEach(async ({ context }) => {
  await context.setExtraHTTPHeaders({ "x-forwarded-for": uniqueIp() });
});

interface StandinState {
  customers: { id: string; email: string | null }[];
  prices: { id: string; lookup_key: string | null; active: boolean }[];
  subscriptions: { id: string; customer: string; status: string; created: number }[];
  invoices: { customer: string; amount_paid: number }[];
  refunds?: { amount: number; customer: string | null }[];
}

async function standinState(): Promise<StandinState> {
  return (await (await fetch(`${stripeStandinURL}/_standin/state`)).json()) as StandinState;
}

/** What the reader holds and paid at Stripe (refunds subtracted). */
async function account(email: string) {
  const state = await standinState();
  const customer = state.customers.find((candidate) => candidate.email === email)?.id;
  const charged = state.invoices
    .filter((invoice) => invoice.customer === customer)
    .reduce((sum, invoice) => sum + invoice.amount_paid, 0);
  const refunded = (state.refunds ?? [])
    .filter((refund) => refund.customer === customer)
    .reduce((sum, refund) => sum + refund.amount, 0);
  const subscriptions = state.subscriptions.filter((s) => s.customer === customer);
  return {
    live: subscriptions.filter((s) => live.has(s.status)).length,
    canceled: subscriptions.filter((s) => s.status === "canceled").length,
    netCharged: charged - refunded,
  };
}

async function openCheckout(tab: Page, callbackPath: string, plan: "month" | "year") {
  await tab.goto(`/pricing?callbackUrl=${encodeURIComponent(callbackPath)}`);
  await tab.getByTestId(`plan-${plan}`).getByRole("button", { name: "订阅" }).click();
  await expect(tab).toHaveURL(new RegExp(`^${stripeStandinURL}/checkout/`));
}

async function payIn(tab: Page) {
  await tab.locator("input[name=card]").fill("4242 4242 4242 4242");
  await tab.getByRole("button", { name: "Subscribe" }).click();
}

test("three tabs opened before paying any: one subscription, one charge", async ({
  context,
  page,
}) => {
  const email = uniqueEmail("three-tabs");
  await signInByLink(page, email, "/d/canary-regions");
  const tabs = [page, await context.newPage(), await context.newPage()] as const;
  await openCheckout(tabs[0], "/d/canary-regions", "month");
  await openCheckout(tabs[1], "/", "month");
  await openCheckout(tabs[2], "/d/canary-regions", "year");
  for (const tab of tabs) await payIn(tab);

  await expect(tabs[0].getByText("This checkout session has expired.")).toBeVisible();
  await expect(tabs[1].getByText("This checkout session has expired.")).toBeVisible();
  await expect(tabs[2]).toHaveURL(/\/d\/canary-regions\?checkout=subscribed$/);
  await expect.poll(() => account(email)).toEqual({ live: 1, canceled: 0, netCharged: 30000 });

  // A fourth tab, now that the reader subscribes: the portal, not another checkout.
  const fourth = await context.newPage();
  await fourth.goto("/pricing?callbackUrl=%2F");
  await fourth.getByTestId("plan-month").getByRole("button", { name: "订阅" }).click();
  await expect(fourth).toHaveURL(new RegExp(`^${stripeStandinURL}/portal/`));
});

test("two paid checkouts that slipped past the check: the newer is canceled, refunded once, the reader mailed", async ({
  page,
}) => {
  const email = uniqueEmail("slipped");
  await signInByLink(page, email, "/d/canary-regions");
  await openCheckout(page, "/d/canary-regions", "month");
  // A second session for the same customer, created as a racing request would have created it
  // (after Folio's check, before either is paid): straight at Stripe.
  const state = await standinState();
  const customer = state.customers.find((candidate) => candidate.email === email)!.id;
  const price = state.prices.find((p) => p.lookup_key === "folio_monthly" && p.active)!.id;
  const created = await fetch(`${stripeStandinURL}/v1/checkout/sessions`, {
    method: "POST",
    headers: {
      Authorization: "Bearer sk_test_folio_e2e",
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      mode: "subscription",
      customer,
      "line_items[0][price]": price,
      "line_items[0][quantity]": "1",
      success_url: "http://127.0.0.1/done",
    }),
  });
  const racing = (await created.json()) as { url: string };
  const started = new Date();

  // Both paid at the same moment, before Folio hears of either (once it hears of one, it expires
  // the reader's other open sessions, and the second payment would be refused instead).
  const paid = await Promise.all(
    [page.url(), racing.url].map((url) =>
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ card: "4242424242424242", expiry: "12/34", cvc: "123" }),
        redirect: "manual",
      }),
    ),
  );
  expect(paid.map((response) => response.status)).toEqual([303, 303]);

  await expect
    .poll(() => account(email), { timeout: 20_000 })
    .toEqual({ live: 1, canceled: 1, netCharged: 3000 });
  const message = await mail.latest(email, { after: started, timeoutMs: 15_000 });
  expect(message.subject).toBe("我们已退还你重复订阅的费用");
  expect(message.text).toContain("¥30.00");
  await page.goto("/account");
  await expect(page.getByTestId("account-subscription")).not.toContainText("已取消");
  // The redeliveries Stripe may still make change nothing: still one refund, one mail.
  await fetch(`${stripeStandinURL}/_standin/deliveries/retry`, { method: "POST" });
  await expect.poll(() => account(email)).toEqual({ live: 1, canceled: 1, netCharged: 3000 });
  expect((await mail.all(email)).filter((m) => m.subject === message.subject)).toHaveLength(1);
});
