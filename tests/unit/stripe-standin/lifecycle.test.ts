import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  addMonths,
  DAY,
  postJson,
  resetWithCustomer,
  startHarness,
  submitForm,
  subscribe,
  type Catalog,
  type Harness,
  rejection,
} from "./helpers";

let harness: Harness;
let catalog: Catalog;
let customer: Stripe.Customer;

const START = Date.parse("2027-01-31T10:00:00Z") / 1000;

beforeAll(async () => {
  harness = await startHarness({ clockStartAt: START });
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  ({ catalog, customer } = await resetWithCustomer(harness, "cycle@example.com"));
});

/** Advances the stand-in clock over HTTP, like a test or script would. */
async function advance(body: Record<string, number>) {
  const response = await postJson(`${harness.standin.url}/_standin/clock/advance`, body);
  expect(response.status).toBe(200);
  return (await response.json()) as { now: number; events: { id: string; type: string }[] };
}

async function advanceTo(unix: number) {
  return advance({ seconds: unix - harness.standin.clock.now() });
}

function periodOf(subscription: Stripe.Subscription) {
  const item = subscription.items.data[0];
  return { start: item?.current_period_start ?? 0, end: item?.current_period_end ?? 0 };
}

async function invoicesOf(subscription: Stripe.Subscription) {
  const list = await harness.stripe.invoices.list({ subscription: subscription.id });
  return list.data;
}

describe("stripe stand-in: clock and renewals", () => {
  it("renews an active subscription at period end with invoice.paid", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const first = periodOf(subscription);
    harness.receiver.clear();

    const early = await advanceTo(first.end - 5);
    expect(early.events).toEqual([]);
    const result = await advanceTo(first.end + 60);
    expect(result.events.map((event) => event.type)).toEqual([
      "customer.subscription.updated",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);

    const renewed = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe("active");
    expect(periodOf(renewed)).toEqual({
      start: first.end,
      end: addMonths(subscription.start_date, 2),
    });
    const [latest, original] = await invoicesOf(subscription);
    expect(original?.id).toBe(subscription.latest_invoice);
    expect(renewed.latest_invoice).toBe(latest?.id);
    expect(latest).toMatchObject({
      status: "paid",
      billing_reason: "subscription_cycle",
      amount_due: 900,
      amount_paid: 900,
      attempt_count: 1,
      period_start: first.start,
      period_end: first.end,
      created: first.end,
    });
    expect(latest?.lines.data[0]?.period).toEqual({ start: first.end, end: periodOf(renewed).end });
    expect(latest?.parent?.subscription_details?.subscription).toBe(subscription.id);

    const updated = (await harness.receiver.waitFor(
      (event) => event.type === "customer.subscription.updated",
    )) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(updated.created).toBe(first.end);
    expect(updated.data.previous_attributes?.items?.data[0]?.current_period_start).toBe(
      first.start,
    );
    expect(updated.data.previous_attributes?.items?.data[0]?.current_period_end).toBe(first.end);
    expect(updated.data.previous_attributes?.latest_invoice).toBe(subscription.latest_invoice);
    const paid = (await harness.receiver.waitFor(
      (event) => event.type === "invoice.paid",
    )) as Stripe.InvoicePaidEvent;
    expect(paid.data.object.id).toBe(latest?.id);
  });

  it("goes past_due, retries after 3 and 5 more days, then unpaid", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const { end } = periodOf(subscription);
    const failing = await submitForm(`${harness.standin.url}/_standin/customers/fail-payments`, {
      email: "cycle@example.com",
      fail: "true",
    });
    expect(await failing.json()).toEqual({ customers: [customer.id], fail: true });
    harness.receiver.clear();

    const renewal = await advanceTo(end + 60);
    expect(renewal.events.map((event) => event.type)).toEqual([
      "customer.subscription.updated",
      "invoice.payment_failed",
    ]);
    let current = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(current.status).toBe("past_due");
    const invoiceId = String(current.latest_invoice);
    let invoice = await harness.stripe.invoices.retrieve(invoiceId);
    expect(invoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      attempted: true,
      amount_paid: 0,
      amount_remaining: 900,
      next_payment_attempt: end + 3 * DAY,
      billing_reason: "subscription_cycle",
    });
    expect((await harness.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject(
      { delinquent: true },
    );
    const pastDue = (await harness.receiver.waitFor(
      (event) => event.type === "customer.subscription.updated",
    )) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(pastDue.data.object.status).toBe("past_due");
    expect(pastDue.data.previous_attributes?.status).toBe("active");

    const second = await advanceTo(end + 3 * DAY);
    expect(second.events.map((event) => event.type)).toEqual(["invoice.payment_failed"]);
    invoice = await harness.stripe.invoices.retrieve(invoiceId);
    expect(invoice.attempt_count).toBe(2);
    expect(invoice.next_payment_attempt).toBe(end + 8 * DAY);
    expect((await harness.stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");

    const third = await advanceTo(end + 8 * DAY + 1);
    expect(third.events.map((event) => event.type)).toEqual([
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    invoice = await harness.stripe.invoices.retrieve(invoiceId);
    expect(invoice.attempt_count).toBe(3);
    expect(invoice.next_payment_attempt).toBeNull();
    expect(invoice.status).toBe("open");
    current = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(current.status).toBe("unpaid");
    await harness.standin.webhooksSettled();
    const failures = harness.receiver
      .events()
      .filter((event) => event.type === "invoice.payment_failed")
      .map((event) => (event as Stripe.InvoicePaymentFailedEvent).data.object.attempt_count);
    expect(failures.sort()).toEqual([1, 2, 3]);
    const unpaid = harness.receiver
      .events()
      .filter((event) => event.type === "customer.subscription.updated")
      .map((event) => (event as Stripe.CustomerSubscriptionUpdatedEvent).data.object.status);
    expect(unpaid.sort()).toEqual(["past_due", "unpaid"]);

    const later = await advance({ days: 40 });
    expect(later.events).toEqual([]);
  });

  it("recovers a past_due subscription at the next retry once payments succeed", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const { end } = periodOf(subscription);
    harness.standin.setFailPayments(customer.id, true);
    await advanceTo(end + 1);
    expect((await harness.stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");

    const reset = await postJson(
      `${harness.standin.url}/_standin/customers/${customer.id}/fail-payments`,
      { fail: false },
    );
    expect(await reset.json()).toEqual({ customers: [customer.id], fail: false });
    harness.receiver.clear();
    const retry = await advanceTo(end + 3 * DAY);
    expect(retry.events.map((event) => event.type)).toEqual([
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    const recovered = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(recovered.status).toBe("active");
    const invoice = await harness.stripe.invoices.retrieve(String(recovered.latest_invoice));
    expect(invoice).toMatchObject({ status: "paid", attempt_count: 2, amount_paid: 900 });
    const event = (await harness.receiver.waitFor(
      (candidate) => candidate.type === "customer.subscription.updated",
    )) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(event.data.previous_attributes).toEqual({ status: "past_due" });
  });

  it("cancels a cancel_at_period_end subscription at period end", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const { end } = periodOf(subscription);
    const updated = await harness.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    expect(updated.cancel_at).toBe(end);
    harness.receiver.clear();

    const result = await advanceTo(end + 5);
    expect(result.events.map((event) => event.type)).toEqual(["customer.subscription.deleted"]);
    const ended = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(ended.status).toBe("canceled");
    expect(ended.ended_at).toBe(end);
    expect(ended.canceled_at).toBe(subscription.start_date);
    expect(await invoicesOf(subscription)).toHaveLength(1);
    const deleted = (await harness.receiver.waitFor(
      (event) => event.type === "customer.subscription.deleted",
    )) as Stripe.CustomerSubscriptionDeletedEvent;
    expect(deleted.data.object.status).toBe("canceled");

    const open = await harness.stripe.subscriptions.list({ customer: customer.id });
    expect(open.data).toEqual([]);
    const canceled = await harness.stripe.subscriptions.list({
      customer: customer.id,
      status: "canceled",
    });
    expect(canceled.data.map((entry) => entry.id)).toEqual([subscription.id]);
  });

  it("ends a trial: trial_will_end 3 days before, then active with a paid invoice", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly, {
      subscription_data: { trial_period_days: 7 },
    });
    const trialEnd = subscription.trial_end ?? 0;
    harness.receiver.clear();
    const notice = await advanceTo(trialEnd - 3 * DAY);
    expect(notice.events.map((event) => event.type)).toEqual([
      "customer.subscription.trial_will_end",
    ]);
    const result = await advanceTo(trialEnd + 1);
    expect(result.events.map((event) => event.type)).toEqual([
      "customer.subscription.updated",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const active = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe("active");
    expect(periodOf(active)).toEqual({ start: trialEnd, end: addMonths(trialEnd, 1) });
    const invoice = await harness.stripe.invoices.retrieve(String(active.latest_invoice));
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 900,
      billing_reason: "subscription_cycle",
    });
    const event = (await harness.receiver.waitFor(
      (candidate) => candidate.type === "customer.subscription.updated",
    )) as Stripe.CustomerSubscriptionUpdatedEvent;
    expect(event.data.previous_attributes?.status).toBe("trialing");
  });

  it("turns a trial past_due when the customer's payments fail (card 4000…0341)", async () => {
    const session = await harness.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: catalog.monthly.id, quantity: 1 }],
      success_url: "http://folio.test/ok",
      subscription_data: { trial_period_days: 7 },
    });
    const response = await submitForm(session.url ?? "", { card: "4000 0000 0000 0341" });
    expect(response.status).toBe(303);
    const subscriptionId = String(
      (await harness.stripe.checkout.sessions.retrieve(session.id)).subscription,
    );
    await advance({ days: 8 });
    const subscription = await harness.stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.status).toBe("past_due");
    const invoice = await harness.stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice.status).toBe("open");
  });
});

describe("stripe stand-in: subscription API", () => {
  it("cancels immediately with DELETE", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    harness.standin.advance(DAY);
    harness.receiver.clear();
    const canceled = await harness.stripe.subscriptions.cancel(subscription.id);
    const now = harness.standin.clock.now();
    expect(canceled).toMatchObject({
      status: "canceled",
      canceled_at: now,
      ended_at: now,
      cancellation_details: { reason: "cancellation_requested" },
    });
    const event = (await harness.receiver.waitFor(
      (candidate) => candidate.type === "customer.subscription.deleted",
    )) as Stripe.CustomerSubscriptionDeletedEvent;
    expect(event.request?.id).toMatch(/^req_/);
    const again = await rejection(
      harness.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true }),
    );
    expect(again).toMatchObject({
      statusCode: 400,
      message: "A canceled subscription can only update its cancellation_details and metadata.",
    });
  });

  it("switches plans through the API with proration_behavior=none and expands latest_invoice", async () => {
    const subscription = await subscribe(harness, customer, catalog.monthly);
    const item = subscription.items.data[0];
    const switched = await harness.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item?.id ?? "", price: catalog.yearly.id }],
      proration_behavior: "none",
      expand: ["latest_invoice"],
    });
    const invoice = switched.latest_invoice as Stripe.Invoice;
    expect(invoice.object).toBe("invoice");
    expect(invoice.amount_due).toBe(9000);
    expect(invoice.lines.data).toHaveLength(1);
    expect(switched.items.data[0]?.price.id).toBe(catalog.yearly.id);

    const unknownItem = await rejection(
      harness.stripe.subscriptions.update(subscription.id, {
        items: [{ id: "si_nope", price: catalog.monthly.id }],
      }),
    );
    expect(unknownItem.param).toBe("items[0][id]");
  });

  it("filters the subscription list by status; expands up to 4 levels like Stripe", async () => {
    const active = await subscribe(harness, customer, catalog.monthly);
    const other = await harness.stripe.customers.create({ email: "other@example.com" });
    const trialing = await subscribe(harness, other, catalog.yearly, {
      subscription_data: { trial_period_days: 30 },
    });
    const listed = await harness.stripe.subscriptions.list({ status: "active" });
    expect(listed.data.map((entry) => entry.id)).toEqual([active.id]);
    const all = await harness.stripe.subscriptions.list({ status: "all" });
    expect(all.data.map((entry) => entry.id)).toEqual([trialing.id, active.id]);

    const retrieved = await harness.stripe.subscriptions.retrieve(active.id, {
      expand: ["items.data.price.product", "customer"],
    });
    const product = retrieved.items.data[0]?.price.product as Stripe.Product;
    expect(product.name).toBe("Folio Reader");
    expect((retrieved.customer as Stripe.Customer).email).toBe("cycle@example.com");
    const tooDeep = await rejection(
      harness.stripe.subscriptions.list({ expand: ["data.items.data.price.product"] }),
    );
    expect(tooDeep.message).toBe(
      "You cannot expand more than 4 levels of a property. Property: data.items.data.price.product",
    );
  });

  it("exposes state and resets it over HTTP", async () => {
    await subscribe(harness, customer, catalog.monthly);
    const state = (await (await fetch(`${harness.standin.url}/_standin/state`)).json()) as {
      customers: unknown[];
      subscriptions: Stripe.Subscription[];
      invoices: unknown[];
      clock: { now: number };
    };
    expect(state.customers).toHaveLength(1);
    expect(state.subscriptions.map((entry) => entry.status)).toEqual(["active"]);
    expect(state.invoices).toHaveLength(1);
    expect(state.clock.now).toBe(harness.standin.clock.now());
    const moved = await advance({ days: 2 });
    expect(moved.now).toBe(state.clock.now + 2 * DAY);

    const reset = await fetch(`${harness.standin.url}/_standin/reset`, { method: "POST" });
    expect(await reset.json()).toEqual({ ok: true });
    expect(harness.standin.clock.offset).toBe(0);
    expect(harness.standin.clock.now()).toBe(START);
    expect((await harness.stripe.customers.list()).data).toEqual([]);
  });
});
