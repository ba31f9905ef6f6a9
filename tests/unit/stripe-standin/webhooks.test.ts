import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandin, type StripeStandin } from "@/tools/stripe-standin/server";
import { signatureHeader } from "@/tools/stripe-standin/webhooks";
import { SECRET, sdkFor, startHarness, type Harness } from "./helpers";

interface DeliveryJson {
  event_id: string;
  type: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  delivered: boolean;
  failed: boolean;
}

async function deliveries(url: string): Promise<DeliveryJson[]> {
  const response = await fetch(`${url}/_standin/deliveries`);
  return ((await response.json()) as { data: DeliveryJson[] }).data;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ retryDelaysMs: [30, 30, 30] });
});

afterAll(async () => {
  await harness?.close();
});

afterEach(async () => {
  harness.receiver.respond = () => 200;
  harness.standin.reset();
  harness.receiver.clear();
});

describe("stripe stand-in: webhook signing", () => {
  it("signs like Stripe: t=<seconds>,v1=HMAC-SHA256(secret, t.payload)", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event" }, null, 2);
    const header = signatureHeader(payload, SECRET, 1_700_000_000);
    const expected = createHmac("sha256", SECRET).update(`1700000000.${payload}`).digest("hex");
    expect(header).toBe(`t=1700000000,v1=${expected}`);
    const verifier = new Stripe("sk_test_verifier");
    const now = Math.floor(Date.now() / 1000);
    const fresh = signatureHeader(payload, SECRET, now);
    expect(verifier.webhooks.constructEvent(payload, fresh, SECRET).id).toBe("evt_1");
    expect(() => verifier.webhooks.constructEvent(payload, fresh, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it("delivers every event verified by the SDK, even with the clock far ahead", async () => {
    harness.standin.advance(90 * 86_400);
    const customer = await harness.stripe.customers.create({ email: "hook@example.com" });
    const event = (await harness.receiver.waitFor(
      (candidate) => candidate.type === "customer.created",
    )) as Stripe.CustomerCreatedEvent;
    expect(event.data.object.id).toBe(customer.id);
    expect(event.created).toBe(customer.created);
    expect(event.pending_webhooks).toBe(1);
    expect(event.request?.id).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(event.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect(harness.receiver.deliveries[0]?.error).toBeNull();

    await harness.standin.webhooksSettled();
    const stored = await harness.stripe.events.retrieve(event.id);
    expect(stored.pending_webhooks).toBe(0);
    expect(stored.type).toBe("customer.created");
  });
});

describe("stripe stand-in: webhook retries", () => {
  it("retries a 500 and delivers on the third attempt", async () => {
    harness.receiver.respond = ({ attempt }) => (attempt <= 2 ? 500 : 200);
    const customer = await harness.stripe.customers.create({ email: "retry@example.com" });
    const record = await until(async () =>
      (await deliveries(harness.standin.url)).find((entry) => entry.delivered),
    );
    expect(record).toMatchObject({
      type: "customer.created",
      attempts: 3,
      last_status: 200,
      delivered: true,
      failed: false,
    });
    const attempts = harness.receiver.deliveries.filter(
      (delivery) => delivery.eventId === record.event_id,
    );
    expect(attempts.map((delivery) => delivery.status)).toEqual([500, 500, 200]);
    expect(attempts.every((delivery) => delivery.error === null)).toBe(true);
    const events = harness.receiver.events();
    expect(events).toHaveLength(1);
    expect((events[0] as Stripe.CustomerCreatedEvent).data.object.id).toBe(customer.id);
  });

  it("gives up after the last delay, keeps the failure, and re-delivers on demand", async () => {
    harness.receiver.respond = () => 503;
    await harness.stripe.customers.create({ email: "down@example.com" });
    const failed = await until(async () =>
      (await deliveries(harness.standin.url)).find((entry) => entry.failed),
    );
    expect(failed).toMatchObject({ attempts: 4, last_status: 503, delivered: false });
    const pending = await harness.stripe.events.list({ delivery_success: false });
    expect(pending.data.map((event) => event.id)).toEqual([failed.event_id]);
    expect(pending.data[0]?.pending_webhooks).toBe(1);

    harness.receiver.respond = () => 200;
    const retried = await fetch(`${harness.standin.url}/_standin/deliveries/retry`, {
      method: "POST",
    });
    const body = (await retried.json()) as { data: DeliveryJson[] };
    expect(body.data).toMatchObject([
      { event_id: failed.event_id, attempts: 5, last_status: 200, delivered: true, failed: false },
    ]);
    expect((await harness.stripe.events.retrieve(failed.event_id)).pending_webhooks).toBe(0);
  });
});

describe("stripe stand-in: delivery edge cases", () => {
  let standin: StripeStandin | undefined;

  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });

  it("records network errors and filters by webhookEvents", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    standin = await startStripeStandin({
      webhookUrl: `http://127.0.0.1:${port}/gone`,
      retryDelaysMs: [5],
      webhookEvents: ["customer.created"],
    });
    const stripe = sdkFor(standin.port);
    await stripe.products.create({ name: "Not delivered" });
    await stripe.customers.create({ email: "nobody@example.com" });
    await standin.webhooksSettled(1_000);
    const records = standin.deliveries();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: "customer.created",
      attempts: 2,
      last_status: null,
      delivered: false,
      failed: true,
    });
    expect(records[0]?.last_error).toBeTruthy();
  });

  it("lists events newest first with type filters and has_more", async () => {
    standin = await startStripeStandin();
    const stripe = sdkFor(standin.port);
    for (let i = 0; i < 3; i++) await stripe.customers.create({ email: `e${i}@example.com` });
    await stripe.products.create({ name: "P" });
    const page = await stripe.events.list({ type: "customer.created", limit: 2 });
    expect(page.data.map((event) => event.type)).toEqual(["customer.created", "customer.created"]);
    expect(page.has_more).toBe(true);
    const newest = page.data[0] as Stripe.CustomerCreatedEvent;
    expect(newest.data.object.email).toBe("e2@example.com");
    expect(newest.api_version).toBe("2026-10-28.endive");
    expect(newest.pending_webhooks).toBe(0);
    const all = await stripe.events.list();
    expect(all.data.map((event) => event.type)).toEqual([
      "product.created",
      "customer.created",
      "customer.created",
      "customer.created",
    ]);
    expect(standin.deliveries()).toEqual([]);
  });
});
