import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  addMonths,
  DAY,
  resetWithCustomer,
  startHarness,
  submitForm,
  subscribe,
  type Catalog,
  type Harness,
} from "./helpers";

let harness: Harness;
let catalog: Catalog;
let customer: Stripe.Customer;
let subscription: Stripe.Subscription;
let portal: Stripe.BillingPortal.Session;

const START = Date.parse("2027-03-15T09:30:00Z") / 1000;

beforeAll(async () => {
  harness = await startHarness({ clockStartAt: START });
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  ({ catalog, customer } = await resetWithCustomer(harness, "portal@example.com"));
  subscription = await subscribe(harness, customer, catalog.monthly);
  portal = await harness.stripe.billingPortal.sessions.create({
    customer: customer.id,
    return_url: "http://folio.test/account",
  });
  await harness.standin.webhooksSettled();
  harness.receiver.clear();
});

async function portalHtml(): Promise<string> {
  const response = await fetch(portal.url);
  expect(response.status).toBe(200);
  return response.text();
}

async function press(action: string): Promise<void> {
  const response = await submitForm(portal.url, { subscription: subscription.id, action });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe(`/portal/${portal.id}`);
}

async function nextUpdate(): Promise<Stripe.CustomerSubscriptionUpdatedEvent> {
  const event = await harness.receiver.waitFor(
    (candidate) => candidate.type === "customer.subscription.updated",
  );
  return event as Stripe.CustomerSubscriptionUpdatedEvent;
}

describe("stripe stand-in: billing portal", () => {
  it("creates a portal session shaped like Stripe's", () => {
    expect(portal.id).toMatch(/^bps_1[A-Za-z0-9]{23}$/);
    expect(portal).toMatchObject({
      object: "billing_portal.session",
      customer: customer.id,
      return_url: "http://folio.test/account",
      url: `${harness.standin.url}/portal/${portal.id}`,
      livemode: false,
    });
  });

  it("lists the plan with Cancel plan, Switch to yearly and Return to Folio", async () => {
    const html = await portalHtml();
    expect(html.replace(/<[^>]*>/g, " ")).toContain("Folio Reader");
    expect(html).toContain("$9.00 per month");
    expect(html).toContain(">Cancel plan</button>");
    expect(html).toContain(">Switch to yearly</button>");
    expect(html).not.toContain("Resume plan");
    expect(html).toContain('<a href="http://folio.test/account">Return to Folio</a>');
  });

  it("cancels at period end and resumes, each with customer.subscription.updated", async () => {
    const periodEnd = subscription.items.data[0]?.current_period_end;
    await press("cancel");
    const canceled = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe("active");
    expect(canceled.cancel_at_period_end).toBe(true);
    expect(canceled.cancel_at).toBe(periodEnd);
    expect(canceled.canceled_at).toBe(START);
    expect(canceled.cancellation_details?.reason).toBe("cancellation_requested");
    const cancelEvent = await nextUpdate();
    expect(cancelEvent.data.object.cancel_at_period_end).toBe(true);
    expect(cancelEvent.data.previous_attributes).toEqual({
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    });
    const html = await portalHtml();
    expect(html).toContain(">Resume plan</button>");
    expect(html).not.toContain("Cancel plan");

    harness.receiver.clear();
    await press("resume");
    const resumed = await harness.stripe.subscriptions.retrieve(subscription.id);
    expect(resumed.cancel_at_period_end).toBe(false);
    expect(resumed.cancel_at).toBeNull();
    expect(resumed.canceled_at).toBeNull();
    const resumeEvent = await nextUpdate();
    expect(resumeEvent.data.previous_attributes?.cancel_at_period_end).toBe(true);
    expect(resumeEvent.data.previous_attributes?.cancel_at).toBe(periodEnd);
  });

  it("switches to yearly with a prorated invoice, then offers monthly", async () => {
    harness.standin.advance(10 * DAY);
    const before = subscription.items.data[0];
    await press("switch");
    const switched = await harness.stripe.subscriptions.retrieve(subscription.id);
    const at = START + 10 * DAY;
    const item = switched.items.data[0];
    expect(item?.id).toBe(before?.id);
    expect(item?.price.id).toBe(catalog.yearly.id);
    expect(item?.plan.interval).toBe("year");
    expect(item?.current_period_start).toBe(at);
    expect(switched.billing_cycle_anchor).toBe(at);
    expect(item?.current_period_end).toBe(addMonths(at, 12));

    const start = before?.current_period_start ?? 0;
    const end = before?.current_period_end ?? 0;
    const credit = Math.round((900 * (end - at)) / (end - start));
    const invoice = await harness.stripe.invoices.retrieve(String(switched.latest_invoice));
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(invoice.status).toBe("paid");
    expect(invoice.amount_due).toBe(9000 - credit);
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([-credit, 9000]);

    const event = await nextUpdate();
    expect(event.data.object.items.data[0]?.price.id).toBe(catalog.yearly.id);
    expect(event.data.previous_attributes?.items?.data[0]?.price.id).toBe(catalog.monthly.id);
    expect(event.data.previous_attributes?.items?.data[0]?.current_period_end).toBe(end);
    await harness.receiver.waitFor(
      (candidate) =>
        candidate.type === "invoice.paid" &&
        (candidate as Stripe.InvoicePaidEvent).data.object.id === invoice.id,
    );
    const html = await portalHtml();
    expect(html).toContain("$90.00 per year");
    expect(html).toContain(">Switch to monthly</button>");
  });

  it("refuses a subscription of another customer", async () => {
    const other = await harness.stripe.customers.create({ email: "other@example.com" });
    const otherSubscription = await subscribe(harness, other, catalog.monthly);
    const response = await submitForm(portal.url, {
      subscription: otherSubscription.id,
      action: "cancel",
    });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("That subscription was not found.");
    const untouched = await harness.stripe.subscriptions.retrieve(otherSubscription.id);
    expect(untouched.cancel_at_period_end).toBe(false);
  });
});
