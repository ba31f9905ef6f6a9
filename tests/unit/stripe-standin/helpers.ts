/**
 * Test harness for the Stripe stand-in: the real `stripe` SDK pointed at an in-process stand-in,
 * and a node:http webhook receiver that verifies every delivery with the SDK's
 * `stripe.webhooks.constructEvent` (a delivery that fails verification is recorded as such).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import {
  startStripeStandin,
  type StripeStandin,
  type StripeStandinOptions,
} from "@/tools/stripe-standin/server";

export const SECRET = "whsec_test_standin_secret";

export interface ReceivedDelivery {
  eventId: string | null;
  type: string | null;
  /** Null when verification failed (see `error`). */
  event: Stripe.Event | null;
  error: string | null;
  payload: string;
  signature: string;
  contentType: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: ReceivedDelivery[];
  /** Verified events, in arrival order (one per successful-or-not attempt). */
  events(): Stripe.Event[];
  /** Decides the HTTP status per delivery; 200 by default. */
  respond: (delivery: { eventId: string | null; attempt: number }) => number;
  waitFor(
    predicate: (event: Stripe.Event) => boolean,
    timeoutMs?: number,
    description?: string,
  ): Promise<Stripe.Event>;
  clear(): void;
  close(): Promise<void>;
}

export async function startReceiver(stripe: Stripe, secret = SECRET): Promise<WebhookReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const attempts = new Map<string, number>();
  const receiver: WebhookReceiver = {
    url: "",
    deliveries,
    events: () =>
      deliveries.flatMap((delivery) =>
        delivery.event && delivery.status === 200 ? [delivery.event] : [],
      ),
    respond: () => 200,
    async waitFor(predicate, timeoutMs = 5_000, description = "webhook event") {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = receiver.events().find(predicate);
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = receiver.events().map((event) => event.type);
          throw new Error(`timed out waiting for ${description}; received: ${seen.join(", ")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    clear: () => {
      deliveries.length = 0;
      attempts.clear();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const payload = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["stripe-signature"] ?? "");
      let event: Stripe.Event | null = null;
      let error: string | null = null;
      try {
        event = stripe.webhooks.constructEvent(payload, signature, secret);
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      let eventId: string | null = null;
      let type: string | null = null;
      try {
        const parsed = JSON.parse(payload) as { id?: string; type?: string };
        eventId = parsed.id ?? null;
        type = parsed.type ?? null;
      } catch {
        // recorded with nulls
      }
      const attempt = (attempts.get(eventId ?? "") ?? 0) + 1;
      attempts.set(eventId ?? "", attempt);
      const status = error ? 400 : receiver.respond({ eventId, attempt });
      deliveries.push({
        eventId,
        type,
        event,
        error,
        payload,
        signature,
        contentType: String(req.headers["content-type"] ?? ""),
        status,
      });
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ received: status === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return receiver;
}

export function sdkFor(port: number, key = "sk_test_folio"): Stripe {
  return new Stripe(key, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    apiVersion: "2026-10-28.endive",
    maxNetworkRetries: 0,
  });
}

export interface Harness {
  standin: StripeStandin;
  stripe: Stripe;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

export async function startHarness(options: StripeStandinOptions = {}): Promise<Harness> {
  const verifier = new Stripe("sk_test_verifier");
  const receiver = await startReceiver(verifier);
  const standin = await startStripeStandin({
    port: 0,
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
    retryDelaysMs: [20, 20, 20],
    ...options,
  });
  return {
    standin,
    stripe: sdkFor(standin.port),
    receiver,
    close: async () => {
      await standin.close();
      await receiver.close();
    },
  };
}

export interface Catalog {
  product: Stripe.Product;
  monthly: Stripe.Price;
  yearly: Stripe.Price;
}

export async function seedCatalog(stripe: Stripe): Promise<Catalog> {
  const product = await stripe.products.create({
    id: "folio_reader",
    name: "Folio Reader",
    description: "Every document, in full.",
  });
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: 900,
    recurring: { interval: "month" },
    lookup_key: "folio_reader_monthly",
  });
  const yearly = await stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: 9000,
    recurring: { interval: "year" },
    lookup_key: "folio_reader_yearly",
  });
  return { product, monthly, yearly };
}

/**
 * Every test starts from a reset stand-in holding the catalog and one customer, with the webhooks
 * they caused delivered and forgotten.
 */
export async function resetWithCustomer(
  harness: Harness,
  email: string,
): Promise<{ catalog: Catalog; customer: Stripe.Customer }> {
  harness.standin.reset();
  const catalog = await seedCatalog(harness.stripe);
  const customer = await harness.stripe.customers.create({ email });
  await harness.standin.webhooksSettled();
  harness.receiver.clear();
  return { catalog, customer };
}

/** Submits the hosted checkout form; returns the raw (unfollowed) response. */
export function submitCheckout(url: string, fields: Record<string, string>): Promise<Response> {
  return submitForm(url, { expiry: "12 / 34", cvc: "123", ...fields });
}

/** Creates a checkout session for `price` and pays it with 4242…; returns the subscription. */
export async function subscribe(
  harness: Harness,
  customer: Stripe.Customer,
  price: Stripe.Price,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Subscription> {
  const session = await harness.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "http://folio.test/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://folio.test/billing",
    ...extra,
  });
  const response = await submitCheckout(session.url ?? "", { card: "4242 4242 4242 4242" });
  if (response.status !== 303) throw new Error(`checkout failed: ${response.status}`);
  const done = await harness.stripe.checkout.sessions.retrieve(session.id);
  return harness.stripe.subscriptions.retrieve(String(done.subscription));
}

/** Posts a form to a hosted page (portal buttons), without following redirects. */
export function submitForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

export const DAY = 86_400;

/** The StripeError a request fails with (fails the test if it succeeds). */
export async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

/** `months` calendar months after `unix`: same UTC day (clamped to the month's end) and time. */
export function addMonths(unix: number, months: number): number {
  const date = new Date(unix * 1000);
  const first = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const year = first.getUTCFullYear();
  const month = first.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const ms = Date.UTC(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  );
  return ms / 1000;
}
