import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  rejection,
  resetWithCustomer,
  startHarness,
  subscribe,
  type Catalog,
  type Harness,
} from "./helpers";

/** Invoice payments and refunds, through the real SDK, as Folio's duplicate handling uses them. */
let harness: Harness;
let catalog: Catalog;
let customer: Stripe.Customer;

beforeAll(async () => {
  harness = await startHarness({ clockStartAt: Date.parse("2027-03-01T08:00:00Z") / 1000 });
});
afterAll(async () => {
  await harness?.close();
});
beforeEach(async () => {
  ({ catalog, customer } = await resetWithCustomer(harness, "refunds@example.com"));
});

/** The one payment of a subscription's first invoice. */
async function firstPayment(subscription: Stripe.Subscription) {
  const invoices = await harness.stripe.invoices.list({ subscription: subscription.id });
  const [invoice] = invoices.data;
  const payments = await harness.stripe.invoicePayments.list({ invoice: invoice!.id });
  return { invoice: invoice!, payments: payments.data };
}

describe("stripe stand-in: invoice payments", () => {
  it("records one paid payment per charged invoice, with a PaymentIntent", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const { invoice, payments } = await firstPayment(subscription);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      object: "invoice_payment",
      invoice: invoice.id,
      amount_paid: 900,
      amount_requested: 900,
      currency: "usd",
      status: "paid",
      is_default: true,
      payment: { type: "payment_intent", payment_intent: expect.stringMatching(/^pi_3\w{23}$/) },
    });
    const byId = await harness.stripe.invoicePayments.retrieve(payments[0]!.id, {
      expand: ["invoice"],
    });
    expect((byId.invoice as Stripe.Invoice).id).toBe(invoice.id);
  });

  it("records none for a trial's zero invoice (nothing was charged)", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly, {
      subscription_data: { trial_period_days: 7 },
    });
    expect((await firstPayment(subscription)).payments).toEqual([]);
  });
});

describe("stripe stand-in: refunds", () => {
  it("refunds a payment in full once; a second refund is refused as Stripe refuses it", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const intent = String((await firstPayment(subscription)).payments[0]!.payment.payment_intent);
    const refund = await harness.stripe.refunds.create({
      payment_intent: intent,
      reason: "duplicate",
      metadata: { folioSubscriptionId: subscription.id },
    });
    expect(refund).toMatchObject({
      object: "refund",
      amount: 900,
      currency: "usd",
      status: "succeeded",
      reason: "duplicate",
      payment_intent: intent,
      customer: customer.id,
      metadata: { folioSubscriptionId: subscription.id },
    });
    expect(refund.id).toMatch(/^re_3\w{23}$/);
    const again = await rejection(harness.stripe.refunds.create({ payment_intent: intent }));
    expect(again).toMatchObject({ statusCode: 400, code: "charge_already_refunded" });
    expect((await harness.stripe.refunds.list({ payment_intent: intent })).data).toHaveLength(1);
    await harness.receiver.waitFor(
      (event) => event.type === "refund.created" && event.data.object.id === refund.id,
    );
  });

  it("replays the same refund for the same idempotency key instead of refunding twice", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const intent = String((await firstPayment(subscription)).payments[0]!.payment.payment_intent);
    const options = { idempotencyKey: `refund-${intent}` };
    const [first, second] = await Promise.all([
      harness.stripe.refunds.create({ payment_intent: intent }, options),
      harness.stripe.refunds.create({ payment_intent: intent }, options),
    ]);
    expect(second.id).toBe(first.id);
    expect(harness.standin.state().refunds).toHaveLength(1);
  });

  it("refunds part, then the rest, and never more than was charged", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const intent = String((await firstPayment(subscription)).payments[0]!.payment.payment_intent);
    await harness.stripe.refunds.create({ payment_intent: intent, amount: 300 });
    const tooMuch = await rejection(
      harness.stripe.refunds.create({ payment_intent: intent, amount: 601 }),
    );
    expect(tooMuch).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    const rest = await harness.stripe.refunds.create({ payment_intent: intent });
    expect(rest.amount).toBe(600);
  });

  it.each<[string, Stripe.RefundCreateParams, number, string | undefined]>([
    ["no payment named", {}, 400, undefined],
    ["an unknown PaymentIntent", { payment_intent: "pi_3unknown" }, 404, "resource_missing"],
    ["a charge (not modelled)", { charge: "ch_3x" }, 400, undefined],
  ])("answers %s with %i", async (_name, params, status, code) => {
    const error = await rejection(harness.stripe.refunds.create(params));
    expect(error.statusCode).toBe(status);
    expect(error.code).toBe(code);
    expect(harness.standin.state().refunds).toHaveLength(0);
  });
});
