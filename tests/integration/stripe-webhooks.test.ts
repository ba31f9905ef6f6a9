import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensurePlans } from "@/lib/billing/stripe";
import {
  handledEvents,
  handleStripeWebhook,
  recordSubscription,
} from "@/lib/billing/subscriptions";
import { db, disconnectDb } from "@/lib/db/client";
import { importDocument } from "@/lib/import/import-document";
import { getDocumentForViewer } from "@/lib/reading/documents";
import { entitlementOf } from "@/lib/reading/viewer";
import { startStripeStandin, type StripeStandin } from "../../tools/stripe-standin/server";
import { clearLibrary } from "../support/library";
import { webhookHarness } from "../support/stripe-webhooks";

/**
 * Webhooks against a real database and the Stripe stand-in, through Folio's own Stripe adapter:
 * signature checks, duplicates, ordering, unknown customers, database outages — and, for every
 * subscription status, whether the paid text reaches the reader (the canary at the gate).
 */
const webhookSecret = "whsec_integration_test";

let standin: StripeStandin;
let stripe: Stripe;
// Folio reads its environment on first use (env()), after these lines and STRIPE_API_BASE below.
process.env.STRIPE_SECRET_KEY = "sk_test_integration";
process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;

const { events, signed, deliver, subscribeThroughCheckout } = webhookHarness({
  standinUrl: () => standin.url,
  secretKey: "sk_test_integration",
  webhookSecret,
});

async function newReader(email: string) {
  return (await db()).user.create({ data: { email, emailVerified: new Date() } });
}

const counts = async () => {
  const database = await db();
  return {
    events: await database.processedStripeEvent.count(),
    subscriptions: await database.subscription.count(),
  };
};

beforeAll(async () => {
  standin = await startStripeStandin({ port: 0, webhookUrl: null });
  process.env.STRIPE_API_BASE = standin.url;
  stripe = new Stripe("sk_test_integration", {
    apiVersion: "2026-10-28.endive",
    host: "127.0.0.1",
    port: standin.port,
    protocol: "http",
  });
  await ensurePlans({ currency: "cny", monthlyAmount: 3000, yearlyAmount: 30000 });
});

afterAll(async () => {
  await standin.close();
  await disconnectDb();
});

beforeEach(async () => {
  const database = await db();
  await database.processedStripeEvent.deleteMany();
  await database.subscription.deleteMany();
  await database.user.deleteMany();
});

describe("signature verification", () => {
  it.each<[string, (event: unknown) => { payload: string; header: string | null }]>([
    ["a missing signature", (event) => ({ payload: JSON.stringify(event), header: null })],
    ["a wrong secret", (event) => signed(event, { secret: "whsec_someone_else" })],
    [
      "a body changed by one byte",
      (event) => {
        const { payload, header } = signed(event);
        return { payload: payload.replace('"active"', '"activf"'), header };
      },
    ],
    [
      "a timestamp older than the tolerance",
      (event) => signed(event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    ],
  ])("refuses %s with 400 and changes nothing", async (_name, tamper) => {
    const reader = await newReader("signature@example.test");
    const { events: caused } = await subscribeThroughCheckout(reader);
    const created = caused.find((event) => event.type === "customer.subscription.created")!;
    const before = await counts();
    const { payload, header } = tamper(created);
    const result = await handleStripeWebhook(payload, header);
    expect(result.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe("delivery", () => {
  it("applies checkout's events and grants access; the same event twice changes nothing", async () => {
    const reader = await newReader("subscriber@example.test");
    const { response, events: caused } = await subscribeThroughCheckout(reader);
    expect(response.status).toBe(303);
    expect(
      caused
        .map((event) => event.type)
        .filter((type) => handledEvents.has(type))
        .sort(),
    ).toEqual(
      ["checkout.session.completed", "customer.subscription.created", "invoice.paid"].sort(),
    );
    for (const event of caused) expect((await deliver(event)).status).toBe(200);
    const stored = await (await db()).subscription.findMany();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      userId: reader.id,
      status: "active",
      interval: "month",
      cancelAtPeriodEnd: false,
    });
    expect((await entitlementOf(reader.id, new Date())).kind).toBe("full");

    const again = await deliver(caused.find((event) => event.type === "invoice.paid"));
    expect(again).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    expect((await counts()).events).toBe(
      caused.filter((event) => handledEvents.has(event.type)).length,
    );
  });

  it("applies an event delivered ten times in parallel exactly once", async () => {
    const reader = await newReader("parallel@example.test");
    const { events: caused } = await subscribeThroughCheckout(reader);
    const created = caused.find((event) => event.type === "customer.subscription.created")!;
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(created)));
    expect(results.map((result) => result.status)).toEqual(Array(10).fill(200));
    const outcomes = results.map((result) => result.body.outcome).sort();
    expect(outcomes).toEqual(["applied", ...Array(9).fill("duplicate")]);
    expect(await counts()).toEqual({ events: 1, subscriptions: 1 });
  });

  it("ends in Stripe's current state when updated arrives before created", async () => {
    const reader = await newReader("order@example.test");
    const { events: caused } = await subscribeThroughCheckout(reader);
    const created = caused.find((event) => event.type === "customer.subscription.created")!;
    await stripe.subscriptions.update(created.data.object.id, { cancel_at_period_end: true });
    const updated = (await events()).find(
      (event) => event.type === "customer.subscription.updated",
    )!;
    expect((await deliver(updated)).status).toBe(200);
    expect((await deliver(created)).status).toBe(200);
    const [stored] = await (await db()).subscription.findMany();
    expect(stored).toMatchObject({ status: "active", cancelAtPeriodEnd: true });
  });

  it("grants nobody anything for a customer Folio does not know", async () => {
    const reader = await newReader("known@example.test");
    const { events: caused } = await subscribeThroughCheckout(reader);
    // The customer is unlinked from every reader, as if Folio had never created it.
    await (await db()).user.update({ where: { id: reader.id }, data: { stripeCustomerId: null } });
    const created = caused.find((event) => event.type === "customer.subscription.created")!;
    const result = await deliver(created);
    expect(result).toEqual({ status: 200, body: { received: true, outcome: "unknown-customer" } });
    expect(await counts()).toEqual({ events: 1, subscriptions: 0 });
    expect((await entitlementOf(reader.id, new Date())).kind).toBe("none");
  });

  it("answers 5xx while the database is down, and the retried delivery succeeds", async () => {
    const reader = await newReader("outage@example.test");
    const { events: caused } = await subscribeThroughCheckout(reader);
    const created = caused.find((event) => event.type === "customer.subscription.created")!;
    const { payload, header } = signed(created);
    const down = await handleStripeWebhook(payload, header, () =>
      Promise.reject(new Error("connect ECONNREFUSED")),
    );
    expect(down.status).toBe(503);
    expect(await counts()).toEqual({ events: 0, subscriptions: 0 });
    const retried = await handleStripeWebhook(payload, header);
    expect(retried).toEqual({ status: 200, body: { received: true, outcome: "applied" } });
  });

  it("acknowledges events Folio does not handle without storing them", async () => {
    const result = await deliver({
      id: "evt_unhandled",
      object: "event",
      type: "customer.created",
      data: { object: { id: "cus_x" } },
      created: 1,
    });
    expect(result.status).toBe(200);
    expect(await counts()).toEqual({ events: 0, subscriptions: 0 });
  });
});

describe("the canary for every subscription status", () => {
  const canary = "CANARYsubscription42";
  beforeAll(async () => {
    await clearLibrary();
    const source = `---\ntitle: Gate\nslug: gate\n---\nFree text.\n##paidbegin##\nPaid ${canary}.\n`;
    await importDocument(new TextEncoder().encode(source), "gate.md", { maxBytes: 100_000 });
  });

  it.each([
    ["active", true],
    ["trialing", true],
    ["past_due", true], // within the grace period
    ["canceled", false],
    ["unpaid", false],
    ["incomplete", false],
    ["incomplete_expired", false],
    ["paused", false],
  ] as const)("%s → paid text %s", async (status, visible) => {
    const reader = await newReader(`${status}@example.test`);
    await (
      await db()
    ).user.update({ where: { id: reader.id }, data: { stripeCustomerId: `cus_${status}` } });
    await recordSubscription({
      id: `sub_${status}`,
      customerId: `cus_${status}`,
      status,
      priceId: "price_x",
      interval: "month",
      currentPeriodEnd: new Date(Date.now() + 20 * 24 * 60 * 60 * 1000),
      cancelAtPeriodEnd: false,
    });
    const now = new Date();
    const viewer = {
      kind: "reader" as const,
      userId: reader.id,
      entitlement: await entitlementOf(reader.id, now),
    };
    const document = await getDocumentForViewer("gate", viewer, now);
    expect(JSON.stringify(document).includes(canary)).toBe(visible);
  });
});
