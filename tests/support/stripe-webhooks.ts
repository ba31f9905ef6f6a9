import Stripe from "stripe";
import { checkoutUrlFor, handleStripeWebhook } from "@/lib/billing/subscriptions";

/**
 * Webhook tests against the in-process Stripe stand-in: its events as it recorded them, signed
 * exactly as Stripe signs them (the SDK's own helper) and handed to Folio's webhook handler.
 */
export interface StandinEvent {
  id: string;
  type: string;
  created: number;
  data: { object: { id: string; customer?: string } };
}

export function webhookHarness(options: {
  standinUrl: () => string;
  secretKey: string;
  webhookSecret: string;
}) {
  const signer = new Stripe(options.secretKey, { apiVersion: "2026-10-28.endive" });

  /** Every event the stand-in has made, oldest first. */
  async function events(): Promise<StandinEvent[]> {
    const response = await fetch(`${options.standinUrl()}/v1/events?limit=100`, {
      headers: { Authorization: `Bearer ${options.secretKey}` },
    });
    return ((await response.json()) as { data: StandinEvent[] }).data.reverse();
  }

  function signed(event: unknown, signing: { secret?: string; timestamp?: number } = {}) {
    const payload = JSON.stringify(event, null, 2);
    const header = signer.webhooks.generateTestHeaderString({
      payload,
      secret: signing.secret ?? options.webhookSecret,
      timestamp: signing.timestamp,
    });
    return { payload, header };
  }

  async function deliver(event: unknown) {
    const { payload, header } = signed(event);
    return handleStripeWebhook(payload, header);
  }

  /** Runs `action` and returns the events the stand-in made meanwhile. */
  async function eventsDuring(action: () => Promise<unknown>): Promise<StandinEvent[]> {
    const before = new Set((await events()).map((event) => event.id));
    await action();
    return (await events()).filter((event) => !before.has(event.id));
  }

  /** Subscribes a reader through Checkout on the stand-in's hosted page; returns the events it caused. */
  async function subscribeThroughCheckout(
    reader: { id: string; email: string | null },
    card = "4242424242424242",
  ) {
    let response: Response | undefined;
    const caused = await eventsDuring(async () => {
      const url = await checkoutUrlFor(reader, "month", "/d/gate");
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ card, expiry: "12/34", cvc: "123", name: "Reader" }),
        redirect: "manual",
      });
    });
    if (!response) throw new Error("checkout was not submitted");
    return { response, events: caused };
  }

  /** A test-only control request to the stand-in (clock, failing cards). */
  async function control(path: string, form: Record<string, string>) {
    const response = await fetch(`${options.standinUrl()}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  }

  return { events, signed, deliver, eventsDuring, subscribeThroughCheckout, control };
}
