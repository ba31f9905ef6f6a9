import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelSubscriptionNow,
  createCheckoutSession,
  createCustomer,
  createPortalSession,
  ensurePlans,
  expireCheckoutSession,
  listCustomerSubscriptions,
  listOpenCheckoutSessions,
  listPlanPrices,
  refundSubscriptionPayments,
  retrieveCheckoutSession,
  retrieveSubscription,
} from "@/lib/billing/stripe";
import { startStripeStandin, type StripeStandin } from "../../tools/stripe-standin/server";

/**
 * Contract: every Stripe call Folio makes, through its adapter and the real SDK, against the
 * stand-in — the response parses into Folio's own types with the values Stripe would give.
 */
let standin: StripeStandin;
process.env.STRIPE_SECRET_KEY = "sk_test_contract";

beforeAll(async () => {
  standin = await startStripeStandin({ port: 0, webhookUrl: null });
  process.env.STRIPE_API_BASE = standin.url;
});
afterAll(() => standin.close());

describe("the Stripe adapter", () => {
  it("sets up plans idempotently and lists them", async () => {
    const first = await ensurePlans({ currency: "cny", monthlyAmount: 3000, yearlyAmount: 30000 });
    expect(first).toEqual([
      "product folio_membership: created",
      expect.stringMatching(/^price folio_monthly: created price_/),
      expect.stringMatching(/^price folio_yearly: created price_/),
    ]);
    const again = await ensurePlans({ currency: "cny", monthlyAmount: 3000, yearlyAmount: 30000 });
    expect(again).toEqual([
      "product folio_membership: up to date",
      expect.stringMatching(/^price folio_monthly: up to date/),
      expect.stringMatching(/^price folio_yearly: up to date/),
    ]);
    const changed = await ensurePlans({
      currency: "cny",
      monthlyAmount: 3500,
      yearlyAmount: 30000,
    });
    expect(changed[1]).toMatch(/^price folio_monthly: replaced price_\w+ with price_\w+$/);
    const prices = await listPlanPrices();
    expect(
      prices
        .map(({ interval, amount, currency }) => ({ interval, amount, currency }))
        .sort((a, b) => a.amount - b.amount),
    ).toEqual([
      { interval: "month", amount: 3500, currency: "cny" },
      { interval: "year", amount: 30000, currency: "cny" },
    ]);
  });

  it("creates one customer per reader, however often asked", async () => {
    const first = await createCustomer({ userId: "user_1", email: "one@example.test" });
    const second = await createCustomer({ userId: "user_1", email: "one@example.test" });
    expect(first).toMatch(/^cus_/);
    expect(second).toBe(first);
    expect(await createCustomer({ userId: "user_2", email: "two@example.test" })).not.toBe(first);
  });

  it("runs checkout, reads the session and subscription back, and opens the portal", async () => {
    const customerId = await createCustomer({ userId: "user_3", email: "three@example.test" });
    const [monthly] = (await listPlanPrices()).filter((price) => price.interval === "month");
    const input = {
      userId: "user_3",
      customerId,
      priceId: monthly!.id,
      successUrl: "http://localhost:3000/api/billing/return?session_id={CHECKOUT_SESSION_ID}",
      cancelUrl: "http://localhost:3000/d/x",
      trialDays: 0,
      locale: "en",
      idempotencyKey: "contract-checkout-1",
    };
    const checkout = await createCheckoutSession(input);
    expect(await createCheckoutSession(input)).toEqual(checkout); // a double click: the same session
    expect(await retrieveCheckoutSession(checkout.id)).toEqual({
      status: "open",
      userId: "user_3",
      customerId,
      subscriptionId: null,
    });

    const paid = await fetch(checkout.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ card: "4242424242424242" }),
      redirect: "manual",
    });
    expect(paid.headers.get("location")).toBe(
      `http://localhost:3000/api/billing/return?session_id=${checkout.id}`,
    );
    const completed = await retrieveCheckoutSession(checkout.id);
    expect(completed).toMatchObject({ status: "complete", userId: "user_3", customerId });
    const subscription = await retrieveSubscription(completed.subscriptionId!);
    expect(subscription).toMatchObject({
      customerId,
      status: "active",
      priceId: monthly!.id,
      interval: "month",
      cancelAtPeriodEnd: false,
    });
    expect(subscription.currentPeriodEnd.getTime()).toBeGreaterThan(
      Date.now() + 27 * 24 * 3600 * 1000,
    );

    const portal = await createPortalSession(customerId, "http://localhost:3000/account");
    expect(portal).toMatch(new RegExp(`^${standin.url}/portal/bps_`));
  });

  it("lists, expires, cancels and refunds what a duplicate subscription needs", async () => {
    const customerId = await createCustomer({ userId: "user_4", email: "four@example.test" });
    const [monthly] = (await listPlanPrices()).filter((price) => price.interval === "month");
    const session = (key: string) =>
      createCheckoutSession({
        userId: "user_4",
        customerId,
        priceId: monthly!.id,
        successUrl: "http://localhost:3000/api/billing/return?session_id={CHECKOUT_SESSION_ID}",
        cancelUrl: "http://localhost:3000/d/x",
        trialDays: 0,
        locale: "zh-CN",
        idempotencyKey: key,
      });
    const first = await session("contract-dup-1");
    const second = await session("contract-dup-2");
    expect((await listOpenCheckoutSessions(customerId)).map((open) => open.id)).toEqual([
      second.id,
      first.id,
    ]);
    expect(await expireCheckoutSession(first.id)).toBe("expired");
    // Replaying the key of an expired session answers what it is now, not what it was.
    expect(await session("contract-dup-1")).toMatchObject({ id: first.id, status: "expired" });
    await fetch(second.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ card: "4242424242424242" }),
      redirect: "manual",
    });
    expect(await expireCheckoutSession(second.id)).toBe("complete");
    expect(await listOpenCheckoutSessions(customerId)).toEqual([]);

    const [listed] = await listCustomerSubscriptions(customerId);
    expect(listed).toMatchObject({ customerId, status: "active", locale: "zh-CN" });
    expect(listed!.created).toBeGreaterThan(0);

    const metadata = { folioReason: "contract" };
    expect(await refundSubscriptionPayments(listed!.id, metadata)).toEqual({
      amount: 3500,
      currency: "cny",
    });
    // Again (a retried webhook): the same total, and no second refund at Stripe.
    expect(await refundSubscriptionPayments(listed!.id, metadata)).toEqual({
      amount: 3500,
      currency: "cny",
    });
    expect(standin.state().refunds.map((refund) => refund.amount)).toEqual([3500]);

    await cancelSubscriptionNow(listed!.id, "contract");
    await cancelSubscriptionNow(listed!.id, "contract");
    expect((await retrieveSubscription(listed!.id)).status).toBe("canceled");
    expect((await listCustomerSubscriptions(customerId)).map((s) => s.status)).toEqual([
      "canceled",
    ]);
  });
});
