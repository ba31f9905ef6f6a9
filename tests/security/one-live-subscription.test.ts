import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensurePlans } from "@/lib/billing/stripe";
import { checkoutUrlFor } from "@/lib/billing/subscriptions";
import { db, disconnectDb } from "@/lib/db/client";
import { startStripeStandin, type StripeStandin } from "../../tools/stripe-standin/server";
import { startWebhookEndpoint, type WebhookEndpoint } from "../support/folio-webhook-endpoint";

/**
 * Issue 9, finding 7: a reader opens Checkout in several tabs before paying any of them, then pays
 * every tab. Before the fix each tab became a subscription of its own: several live subscriptions,
 * several charges. The stand-in delivers its signed webhooks to Folio's handler itself
 * (concurrently, in random order), as Stripe would.
 */
process.env.STRIPE_SECRET_KEY = "sk_test_security_tabs";
process.env.STRIPE_WEBHOOK_SECRET = "whsec_security_tabs";
process.env.FOLIO_DEMO = "true";

const monthly = 3000;
let standin: StripeStandin;
let endpoint: WebhookEndpoint;

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  standin = await startStripeStandin({
    port: 0,
    webhookUrl: endpoint.url,
    webhookSecret: "whsec_security_tabs",
    retryDelaysMs: [50, 100, 200, 400],
    deliveryJitterMs: 40,
  });
  process.env.STRIPE_API_BASE = standin.url;
  await ensurePlans({ currency: "cny", monthlyAmount: monthly, yearlyAmount: 30000 });
});

afterAll(async () => {
  await standin.close();
  await endpoint.close();
  await disconnectDb();
});

beforeEach(async () => {
  const database = await db();
  await database.processedStripeEvent.deleteMany();
  await database.subscription.deleteMany();
  await database.user.deleteMany();
});

const liveStatuses = new Set(["active", "trialing", "past_due", "unpaid", "paused", "incomplete"]);

/** Pays a hosted Checkout page with a good card, as the reader would in that tab. */
function pay(url: string) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ card: "4242424242424242", expiry: "12/34", cvc: "123" }),
    redirect: "manual",
  });
}

/** What the reader holds and paid at Stripe once every webhook reached Folio. */
async function settledAccount(readerId: string) {
  // The horizon covers the jittered first attempts and every retry still to come.
  await standin.webhooksSettled(5_000);
  const state = standin.state() as ReturnType<StripeStandin["state"]> & {
    refunds?: { amount: number; payment_intent: string | null }[];
  };
  const reader = await (await db()).user.findUniqueOrThrow({ where: { id: readerId } });
  const customer = reader.stripeCustomerId;
  const charged = state.invoices
    .filter((invoice) => invoice.customer === customer)
    .reduce((sum, invoice) => sum + invoice.amount_paid, 0);
  const refunded = (state.refunds ?? []).reduce((sum, refund) => sum + refund.amount, 0);
  const stored = await (await db()).subscription.findMany({ where: { userId: readerId } });
  return {
    liveAtStripe: state.subscriptions.filter(
      (subscription) => subscription.customer === customer && liveStatuses.has(subscription.status),
    ).length,
    liveInFolio: stored.filter((subscription) => liveStatuses.has(subscription.status)).length,
    netCharged: charged - refunded,
    failedDeliveries: standin.deliveries().filter((delivery) => delivery.failed).length,
  };
}

async function newReader(email: string) {
  return (await db()).user.create({ data: { email, emailVerified: new Date() } });
}

describe("three tabs, each paid", () => {
  it.each([
    ["opened one after another", false],
    ["opened at the same moment", true],
  ])("%s: one live subscription, one charge", async (_name, parallel) => {
    const reader = await newReader(`tabs-${String(parallel)}@example.test`);
    const tabs: [typeof reader, "month" | "year", string][] = [
      [reader, "month", "/d/first"],
      [reader, "month", "/d/second"],
      [reader, "year", "/pricing"],
    ];
    const urls = parallel
      ? await Promise.all(tabs.map((tab) => checkoutUrlFor(...tab)))
      : [
          await checkoutUrlFor(...tabs[0]!),
          await checkoutUrlFor(...tabs[1]!),
          await checkoutUrlFor(...tabs[2]!),
        ];
    for (const url of urls) await pay(url);
    const account = await settledAccount(reader.id);
    expect(account).toMatchObject({ liveAtStripe: 1, liveInFolio: 1, failedDeliveries: 0 });
    expect([monthly, 30000]).toContain(account.netCharged);
  });

  it("a reader who already subscribed is sent to the portal, never to a second checkout", async () => {
    const reader = await newReader("again@example.test");
    // Folio has not heard from Stripe yet (no webhook, no return page): Stripe's own list decides.
    standin.setWebhookUrl(null);
    try {
      await pay(await checkoutUrlFor(reader, "month", "/d/first"));
      const again = await checkoutUrlFor(reader, "year", "/d/second");
      expect(again).toMatch(new RegExp(`^${standin.url}/portal/`));
      const account = await settledAccount(reader.id);
      expect(account).toMatchObject({ liveAtStripe: 1, netCharged: monthly });
    } finally {
      standin.setWebhookUrl(endpoint.url);
    }
  });
});
