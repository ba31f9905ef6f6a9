import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  addMonths,
  DAY,
  SECRET,
  resetWithCustomer,
  startHarness,
  submitCheckout,
  type Catalog,
  type Harness,
  rejection,
} from "./helpers";

let harness: Harness;
let catalog: Catalog;
let customer: Stripe.Customer;

// A frozen clock on Jan 31: the first monthly period ends on Feb 28 (month-end clamping).
const START = Date.parse("2027-01-31T10:00:00Z") / 1000;

beforeAll(async () => {
  harness = await startHarness({ clockStartAt: START });
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  ({ catalog, customer } = await resetWithCustomer(harness, "reader@example.com"));
});

function createSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return harness.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    client_reference_id: "user_42",
    line_items: [{ price: catalog.monthly.id, quantity: 1 }],
    success_url: "http://folio.test/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://folio.test/pricing",
    metadata: { folioUserId: "user_42" },
    subscription_data: { metadata: { folioUserId: "user_42" } },
    ...extra,
  });
}

describe("stripe stand-in: checkout sessions", () => {
  it("creates an open, unpaid session with a hosted URL", async () => {
    const session = await createSession();
    expect(session.id).toMatch(/^cs_test_a1[A-Za-z0-9]{56}$/);
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      customer: customer.id,
      client_reference_id: "user_42",
      subscription: null,
      amount_total: 900,
      currency: "usd",
      metadata: { folioUserId: "user_42" },
      success_url: "http://folio.test/billing/success?session_id={CHECKOUT_SESSION_ID}",
      livemode: false,
    });
    expect(session.url).toBe(`${harness.standin.url}/checkout/${session.id}`);
    expect(session.expires_at).toBe(session.created + DAY);

    const withLines = await harness.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["line_items"],
    });
    expect(withLines.line_items?.data.map((line) => [line.price?.id, line.quantity])).toEqual([
      [catalog.monthly.id, 1],
    ]);
  });

  it("validates like Stripe: inactive prices, one-time prices, customer vs customer_email", async () => {
    await harness.stripe.prices.update(catalog.yearly.id, { active: false });
    const inactive = await rejection(
      createSession({
        line_items: [{ price: catalog.yearly.id, quantity: 1 }],
      }),
    );
    expect(inactive).toMatchObject({
      message: "The price specified is inactive. This field only accepts active prices.",
      param: "line_items[0][price]",
    });
    const both = await rejection(createSession({ customer_email: "x@example.com" }));
    expect(both).toMatchObject({
      message: "You may only specify one of these parameters: customer, customer_email.",
    });
  });

  it("shows the plan, price and address on the hosted page, and Cancel goes back", async () => {
    const session = await createSession();
    const response = await fetch(session.url ?? "");
    expect(response.status).toBe(200);
    const html = await response.text();
    // What a reader reads, not the markup: the submitting and declining tests below use the form.
    const text = html
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    expect(text).toContain("Subscribe to Folio Reader");
    expect(text).toContain("$9.00 per month");
    expect(text).toContain("reader@example.com");
    expect(/<a [^>]*href="([^"]*)"[^>]*>\s*Cancel\s*<\/a>/.exec(html)?.[1]).toBe(
      "http://folio.test/pricing",
    );
  });

  it("re-shows the page on a declined card and creates nothing", async () => {
    const session = await createSession();
    const response = await submitCheckout(session.url ?? "", { card: "4000 0000 0000 0002" });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain("Your card was declined.");
    const after = await harness.stripe.checkout.sessions.retrieve(session.id);
    expect(after.status).toBe("open");
    expect(after.payment_status).toBe("unpaid");
    expect((await harness.stripe.subscriptions.list({ status: "all" })).data).toEqual([]);
    expect((await harness.stripe.invoices.list()).data).toEqual([]);
    await harness.standin.webhooksSettled();
    expect(harness.receiver.deliveries).toEqual([]);
  });

  it("subscribes with 4242…, redirects, and delivers signed events", async () => {
    const session = await createSession();
    const response = await submitCheckout(session.url ?? "", {
      card: "4242 4242 4242 4242",
      name: "Ada Reader",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(
      `http://folio.test/billing/success?session_id=${session.id}`,
    );

    const done = await harness.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription"],
    });
    expect(done.status).toBe("complete");
    expect(done.payment_status).toBe("paid");
    expect(done.url).toBeNull();
    expect(done.customer_details?.email).toBe("reader@example.com");
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription.object).toBe("subscription");
    expect(subscription.id).toMatch(/^sub_1[A-Za-z0-9]{23}$/);
    expect(subscription.status).toBe("active");
    expect(subscription.customer).toBe(customer.id);
    expect(subscription.metadata).toEqual({ folioUserId: "user_42" });
    expect(subscription.cancel_at_period_end).toBe(false);
    expect(subscription.trial_end).toBeNull();
    expect(subscription).not.toHaveProperty("current_period_end");
    const item = subscription.items.data[0];
    expect(subscription.items.data).toHaveLength(1);
    expect(item?.id).toMatch(/^si_[A-Za-z0-9]{14}$/);
    expect(item?.price.id).toBe(catalog.monthly.id);
    expect(item?.price.unit_amount).toBe(900);
    expect(item?.current_period_start).toBe(subscription.start_date);
    expect(item?.current_period_end).toBe(addMonths(subscription.start_date, 1));
    expect(subscription.start_date).toBe(START);
    expect(item?.current_period_end).toBe(Date.parse("2027-02-28T10:00:00Z") / 1000);

    const invoice = await harness.stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice.id).toMatch(/^in_1[A-Za-z0-9]{23}$/);
    expect(invoice).toMatchObject({
      object: "invoice",
      status: "paid",
      amount_due: 900,
      amount_paid: 900,
      amount_remaining: 0,
      currency: "usd",
      customer: customer.id,
      customer_email: "reader@example.com",
      billing_reason: "subscription_create",
      attempt_count: 1,
      next_payment_attempt: null,
    });
    expect(invoice.parent?.type).toBe("subscription_details");
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.parent?.subscription_details?.metadata).toEqual({ folioUserId: "user_42" });
    expect(invoice.lines.data[0]?.period).toEqual({
      start: item?.current_period_start,
      end: item?.current_period_end,
    });
    const listed = await harness.stripe.invoices.list({ subscription: subscription.id });
    expect(listed.data.map((entry) => entry.id)).toEqual([invoice.id]);

    const completed = (await harness.receiver.waitFor(
      (event) => event.type === "checkout.session.completed",
    )) as Stripe.CheckoutSessionCompletedEvent;
    await harness.receiver.waitFor((event) => event.type === "customer.subscription.created");
    await harness.receiver.waitFor((event) => event.type === "invoice.paid");
    await harness.standin.webhooksSettled();
    expect(completed.data.object.subscription).toBe(subscription.id);
    expect(completed.data.object.client_reference_id).toBe("user_42");
    expect(completed.api_version).toBe("2026-10-28.endive");
    expect(completed.request).toEqual({ id: null, idempotency_key: null });
    expect(completed.livemode).toBe(false);
    expect(completed.id).toMatch(/^evt_1[A-Za-z0-9]{23}$/);
    const types = harness.receiver
      .events()
      .map((event) => event.type)
      .sort();
    expect(types).toEqual([
      "checkout.session.completed",
      "customer.subscription.created",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    for (const delivery of harness.receiver.deliveries) {
      expect(delivery.error).toBeNull();
      expect(delivery.contentType).toBe("application/json; charset=utf-8");
      expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(delivery.payload).toBe(JSON.stringify(JSON.parse(delivery.payload), null, 2));
    }
    expect(SECRET).toMatch(/^whsec_/);

    const again = await submitCheckout(session.url ?? "", { card: "4242 4242 4242 4242" });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(
      `http://folio.test/billing/success?session_id=${session.id}`,
    );
    const all = await harness.stripe.subscriptions.list({ customer: customer.id, status: "all" });
    expect(all.data.map((entry) => entry.id)).toEqual([subscription.id]);
  });

  it("starts a trial with a zero, paid invoice and no_payment_required", async () => {
    const session = await createSession({
      subscription_data: { trial_period_days: 14, metadata: { folioUserId: "user_42" } },
    });
    expect(session.amount_total).toBe(0);
    const page = await (await fetch(session.url ?? "")).text();
    expect(page.replace(/<[^>]*>/g, "")).toContain("14 days free, then $9.00 per month");
    const response = await submitCheckout(session.url ?? "", { card: "4242424242424242" });
    expect(response.status).toBe(303);
    const done = await harness.stripe.checkout.sessions.retrieve(session.id);
    expect(done.payment_status).toBe("no_payment_required");
    const subscription = await harness.stripe.subscriptions.retrieve(String(done.subscription));
    expect(subscription.status).toBe("trialing");
    expect(subscription.trial_start).toBe(subscription.start_date);
    expect(subscription.trial_end).toBe(subscription.start_date + 14 * DAY);
    expect(subscription.items.data[0]?.current_period_end).toBe(subscription.trial_end);
    expect(subscription.billing_cycle_anchor).toBe(subscription.trial_end);
    const invoice = await harness.stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice).toMatchObject({ status: "paid", amount_due: 0, amount_paid: 0 });
    expect(invoice.lines.data[0]?.description).toBe("Trial period for Folio Reader");
    const created = (await harness.receiver.waitFor(
      (event) => event.type === "customer.subscription.created",
    )) as Stripe.CustomerSubscriptionCreatedEvent;
    expect(created.data.object.status).toBe("trialing");
  });

  it("asks for an email when the session has no customer, and creates the customer", async () => {
    const session = await harness.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: catalog.yearly.id, quantity: 1 }],
      success_url: "http://folio.test/done",
    });
    const page = await (await fetch(session.url ?? "")).text();
    expect(page).toContain('name="email"');
    const missing = await submitCheckout(session.url ?? "", { card: "4242424242424242" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Enter a valid email address.");
    const response = await submitCheckout(session.url ?? "", {
      email: "new@example.com",
      card: "4242424242424242",
    });
    expect(response.status).toBe(303);
    const done = await harness.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["customer"],
    });
    const created = done.customer as Stripe.Customer;
    expect(created.email).toBe("new@example.com");
    expect(created.currency).toBe("usd");
    await harness.receiver.waitFor(
      (event) =>
        event.type === "customer.created" &&
        (event as Stripe.CustomerCreatedEvent).data.object.id === created.id,
    );
  });

  it("expires sessions through the API and after 24 hours on the clock", async () => {
    const first = await createSession();
    const expired = await harness.stripe.checkout.sessions.expire(first.id);
    expect(expired.status).toBe("expired");
    expect(expired.url).toBeNull();
    const page = await fetch(`${harness.standin.url}/checkout/${first.id}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("This checkout session has expired.");

    const second = await createSession();
    harness.standin.advance(DAY + 1);
    expect((await harness.stripe.checkout.sessions.retrieve(second.id)).status).toBe("expired");
    await harness.receiver.waitFor(
      (event) =>
        event.type === "checkout.session.expired" &&
        (event as Stripe.CheckoutSessionExpiredEvent).data.object.id === second.id,
    );
  });
});
