import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createCheckoutSession,
  ensurePlans,
  listPlanPrices,
  type PlanPrice,
} from "@/lib/billing/stripe";
import { checkoutUrlFor, handleStripeWebhook, handledEvents } from "@/lib/billing/subscriptions";
import { deliverDueMail } from "@/lib/mail/worker";
import { db, disconnectDb, type Db } from "@/lib/db/client";
import { startStripeStandin, type StripeStandin } from "../../tools/stripe-standin/server";

/**
 * One reader, one live subscription (issue 9, finding 7), against a real database and the Stripe
 * stand-in through Folio's own adapter. Checkout lets only one of a reader's sessions be paid; when
 * two are paid anyway (the race checkout cannot close), the newer subscription is canceled and
 * refunded exactly once, however its webhooks arrive, and the reader gets one mail.
 */
const webhookSecret = "whsec_duplicates_test";
const signer = new Stripe("sk_test_duplicates", { apiVersion: "2026-10-28.endive" });
process.env.STRIPE_SECRET_KEY = "sk_test_duplicates";
process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
process.env.FOLIO_DEMO = "true";

let standin: StripeStandin;
let monthly: PlanPrice;

beforeAll(async () => {
  standin = await startStripeStandin({ port: 0, webhookUrl: null });
  process.env.STRIPE_API_BASE = standin.url;
  await ensurePlans({ currency: "cny", monthlyAmount: 3000, yearlyAmount: 30000 });
  monthly = (await listPlanPrices()).find((price) => price.interval === "month")!;
});

afterAll(async () => {
  await standin.close();
  await disconnectDb();
});

beforeEach(async () => {
  const database = await db();
  await database.processedStripeEvent.deleteMany();
  await database.subscription.deleteMany();
  await database.duplicateSubscription.deleteMany();
  await database.outboxMail.deleteMany();
  await database.user.deleteMany();
});

function pay(url: string) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ card: "4242424242424242", expiry: "12/34", cvc: "123" }),
    redirect: "manual",
  });
}

function deliver(event: Stripe.Event, database?: () => Promise<Db>) {
  const payload = JSON.stringify(event, null, 2);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  return handleStripeWebhook(payload, header, database);
}

/** The real database, except that claiming the mail fails once (the connection drops there). */
async function databaseFailingAtMailClaim(): Promise<() => Promise<Db>> {
  const real = await db();
  let failed = false;
  const ledger = real.duplicateSubscription;
  const flakyLedger = new Proxy(ledger, {
    get(target, property) {
      if (property === "updateMany") {
        return (args: Parameters<typeof ledger.updateMany>[0]) => {
          if (!failed && args.data.notifiedAt instanceof Date) {
            failed = true;
            return Promise.reject(new Error("Connection terminated unexpectedly"));
          }
          return target.updateMany(args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const client = new Proxy(real, {
    get(target, property) {
      if (property === "duplicateSubscription") return flakyLedger;
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return () => Promise.resolve(client);
}

/** The events Folio handles that the stand-in recorded since `since` (its event count). */
function handledSince(since: number): Stripe.Event[] {
  return standin.store.events.slice(since).filter((event) => handledEvents.has(event.type));
}

async function subscribedReader(email: string) {
  const database = await db();
  const reader = await database.user.create({ data: { email, emailVerified: new Date() } });
  return reader;
}

/** The race checkout cannot close: two sessions created before either was paid, both paid. */
async function twoPaidSessions(email: string, locale: "en" | "zh-CN") {
  const reader = await subscribedReader(email);
  // Folio creates the customer on the first checkout; reuse that path for the customer id.
  const first = await checkoutUrlFor(reader, "month", "/d/one", locale);
  const { stripeCustomerId } = await (
    await db()
  ).user.findUniqueOrThrow({
    where: { id: reader.id },
  });
  const second = await createCheckoutSession({
    userId: reader.id,
    customerId: stripeCustomerId!,
    priceId: monthly.id,
    successUrl: "http://localhost:3000/api/billing/return?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://localhost:3000/d/two",
    trialDays: 0,
    locale,
    idempotencyKey: `race-${reader.id}`,
  });
  const since = standin.store.events.length;
  expect((await pay(first)).status).toBe(303);
  // A second apart, so "older" is unambiguous (ties on the second are broken by id).
  standin.advance(1);
  expect((await pay(second.url)).status).toBe(303);
  const subscriptions = [...standin.store.subscriptions.values()].filter(
    (subscription) => subscription.customer === stripeCustomerId,
  );
  expect(subscriptions).toHaveLength(2);
  const [older, newer] = subscriptions.sort((a, b) => a.created - b.created);
  return { reader, customerId: stripeCustomerId!, older: older!, newer: newer!, since };
}

async function outcome(customerId: string, reader: { id: string; email: string | null }) {
  const database = await db();
  // Mail leaves through the queue: deliver what is due, as the server's worker would.
  await deliverDueMail();
  const subscriptions = [...standin.store.subscriptions.values()].filter(
    (subscription) => subscription.customer === customerId,
  );
  return {
    stripe: Object.fromEntries(subscriptions.map((s) => [s.id, s.status])),
    folio: Object.fromEntries(
      (await database.subscription.findMany({ where: { userId: reader.id } })).map((s) => [
        s.id,
        s.status,
      ]),
    ),
    refunds: [...standin.store.refunds.values()]
      .filter((refund) => refund.customer === customerId)
      .map((refund) => ({
        amount: refund.amount,
        paymentIntent: refund.payment_intent,
        reason: refund.reason,
      })),
    ledger: await database.duplicateSubscription.findMany(),
    mail: await database.outboxMail.findMany({ where: { recipient: reader.email ?? "" } }),
  };
}

/** The PaymentIntent that paid the subscription's first invoice. */
function paymentIntentOf(subscription: Stripe.Subscription): string | null | undefined {
  const invoice = subscription.latest_invoice;
  return [...standin.store.invoicePayments.values()].find((payment) => payment.invoice === invoice)
    ?.payment.payment_intent as string | null | undefined;
}

describe("at checkout", () => {
  it("three checkouts opened before paying any: only the last one can be paid", async () => {
    const reader = await subscribedReader("three-tabs@example.test");
    const urls = [
      await checkoutUrlFor(reader, "month", "/d/one"),
      await checkoutUrlFor(reader, "month", "/d/two"),
      await checkoutUrlFor(reader, "year", "/d/three"),
    ];
    expect(new Set(urls).size).toBe(3);
    const statuses = [];
    for (const url of urls) statuses.push((await pay(url)).status);
    expect(statuses).toEqual([410, 410, 303]);
    const sessions = [...standin.store.checkoutSessions.values()].filter(
      (session) => session.client_reference_id === reader.id,
    );
    expect(sessions.map((session) => session.status)).toEqual(["expired", "expired", "complete"]);
    expect(standin.store.refunds.size).toBe(0);
  });

  it("three checkouts opened at the same moment leave one session open, the same for every tab", async () => {
    const reader = await subscribedReader("same-moment@example.test");
    const urls = await Promise.all(
      ["/d/one", "/d/two", "/d/three"].map((path) => checkoutUrlFor(reader, "month", path)),
    );
    const open = [...standin.store.checkoutSessions.values()].filter(
      (session) => session.client_reference_id === reader.id && session.status === "open",
    );
    expect(open).toHaveLength(1);
    // Every tab that still shows a payable page shows that one session.
    const payable = [];
    for (const url of urls) if ((await pay(url)).status === 303) payable.push(url);
    expect(new Set(payable).size).toBe(1);
  });

  it("a double click gets the same session; a click after another tab expired it gets a new one", async () => {
    const reader = await subscribedReader("double-click@example.test");
    const first = await checkoutUrlFor(reader, "month", "/d/one");
    expect(await checkoutUrlFor(reader, "month", "/d/one")).toBe(first);
    const other = await checkoutUrlFor(reader, "month", "/d/two");
    const back = await checkoutUrlFor(reader, "month", "/d/one");
    expect(new Set([first, other, back]).size).toBe(3);
    expect((await pay(back)).status).toBe(303);
  });
});

describe("two paid sessions", () => {
  type Order = (events: Stripe.Event[]) => Promise<unknown>;
  const orders: [string, Order][] = [
    [
      "in order, each twice",
      async (events) => {
        for (const event of [...events, ...events]) expect((await deliver(event)).status).toBe(200);
      },
    ],
    [
      "all at once, each twice",
      async (events) => {
        const results = await Promise.all([...events, ...events].map((event) => deliver(event)));
        expect(results.map((result) => result.status)).toEqual(results.map(() => 200));
      },
    ],
    [
      "newest first",
      async (events) => {
        for (const event of [...events].reverse()) expect((await deliver(event)).status).toBe(200);
      },
    ],
  ];

  it.each(orders)(
    "delivered %s: the older stays, the newer is canceled and refunded once, one mail",
    async (_name, order) => {
      const { reader, customerId, older, newer, since } = await twoPaidSessions(
        `race-${_name.replace(/\W+/g, "-")}@example.test`,
        "en",
      );
      await order(handledSince(since));
      // And once more, later: a redelivery after everything settled changes nothing.
      for (const event of handledSince(since)) await deliver(event);
      const result = await outcome(customerId, reader);
      expect(result.stripe).toEqual({ [older.id]: "active", [newer.id]: "canceled" });
      expect(result.folio).toEqual({ [older.id]: "active", [newer.id]: "canceled" });
      expect(result.refunds).toEqual([
        { amount: 3000, paymentIntent: paymentIntentOf(newer), reason: "duplicate" },
      ]);
      expect(result.ledger).toEqual([
        expect.objectContaining({
          subscriptionId: newer.id,
          keptSubscriptionId: older.id,
          refundedAmount: 3000,
          currency: "cny",
          refundedAt: expect.any(Date),
          notifiedAt: expect.any(Date),
        }),
      ]);
      expect(result.mail).toHaveLength(1);
      expect(result.mail[0]).toMatchObject({
        subject: "We refunded a duplicate Folio subscription",
      });
      expect(result.mail[0]?.text).toContain("CN¥30.00");
    },
  );

  it("answers 5xx when settling fails half-way; the redelivery finishes it without a second refund", async () => {
    const { reader, customerId, older, newer, since } = await twoPaidSessions(
      "half-way@example.test",
      "en",
    );
    const [first, ...rest] = handledSince(since);
    const failed = await deliver(first!, await databaseFailingAtMailClaim());
    expect(failed.status).toBe(503);
    const halfWay = await outcome(customerId, reader);
    // Canceled and refunded at Stripe and in Folio's table; only the mail is still owed.
    expect(halfWay.stripe).toEqual({ [older.id]: "active", [newer.id]: "canceled" });
    expect(halfWay.folio[newer.id]).toBe("canceled");
    expect(halfWay.refunds).toHaveLength(1);
    expect(halfWay.mail).toEqual([]);
    for (const event of [first!, ...rest]) expect((await deliver(event)).status).toBe(200);
    const done = await outcome(customerId, reader);
    expect(done.refunds).toHaveLength(1);
    expect(done.mail).toHaveLength(1);
  });

  it("writes the mail in the language the reader subscribed in", async () => {
    const { reader, customerId, since } = await twoPaidSessions("zh@example.test", "zh-CN");
    for (const event of handledSince(since)) await deliver(event);
    const [mail] = (await outcome(customerId, reader)).mail;
    expect(mail?.subject).toBe("我们已退还你重复订阅的费用");
    expect(mail?.text).toContain("¥30.00");
  });

  it("settles from the return page too, before any webhook", async () => {
    const { reader, customerId, older, newer } = await twoPaidSessions("return@example.test", "en");
    const { confirmCheckout } = await import("@/lib/billing/subscriptions");
    const newest = [...standin.store.checkoutSessions.values()].find(
      (session) => session.subscription === newer.id,
    )!;
    expect(await confirmCheckout(newest.id, reader.id)).toBe("recorded");
    const result = await outcome(customerId, reader);
    expect(result.stripe).toEqual({ [older.id]: "active", [newer.id]: "canceled" });
    expect(result.refunds).toHaveLength(1);
    expect(result.mail).toHaveLength(1);
  });

  it("leaves a customer Folio does not know alone", async () => {
    const { reader, customerId, since } = await twoPaidSessions("stranger@example.test", "en");
    await (await db()).user.update({ where: { id: reader.id }, data: { stripeCustomerId: null } });
    for (const event of handledSince(since)) await deliver(event);
    const result = await outcome(customerId, reader);
    expect(Object.values(result.stripe)).toEqual(["active", "active"]);
    expect(result.refunds).toEqual([]);
    expect(result.mail).toEqual([]);
  });
});
