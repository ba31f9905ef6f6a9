/**
 * Webhook delivery, signed like Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<payload>" keyed with the endpoint secret>`, payload `JSON.stringify(event, null, 2)`.
 * The timestamp is real time (not the stand-in clock), as the SDK checks it against its own clock.
 *
 * Every event is posted asynchronously as soon as it exists (several may be in flight at once,
 * so arrival order is not guaranteed, as with Stripe). A non-2xx answer (redirects included) or a
 * network error is retried after each of `retryDelaysMs` in turn, then the delivery is given up
 * and kept as failed; `retryFailed()` tries every undelivered one once more, now.
 */
import { createHmac } from "node:crypto";
import type Stripe from "stripe";

export interface WebhookOptions {
  /** Where to POST events; null disables delivery. */
  url: string | null;
  secret: string;
  retryDelaysMs: readonly number[];
  /** Event types to deliver ("*" for all), like an endpoint's `enabled_events`. */
  enabledEvents: readonly string[];
  /** Delay each first attempt by a random 0…jitterMs, to shake out ordering assumptions. */
  jitterMs: number;
  timeoutMs: number;
  log: (message: string) => void;
}

export interface DeliveryRecord {
  event_id: string;
  type: string;
  url: string;
  attempts: number;
  /** HTTP status of the last attempt, null if it never got one (network error, not tried yet). */
  last_status: number | null;
  last_error: string | null;
  delivered: boolean;
  /** True once every automatic retry failed (until a manual retry succeeds). */
  failed: boolean;
  /** ISO time of the next automatic attempt, if one is scheduled. */
  next_attempt_at: string | null;
}

interface DeliveryState {
  event: Stripe.Event;
  record: DeliveryRecord;
  /** Automatic retries used so far (index into retryDelaysMs). */
  retries: number;
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void> | null;
}

export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export class WebhookDispatcher {
  private readonly deliveries = new Map<string, DeliveryState>();
  private readonly controllers = new Set<AbortController>();
  private closed = false;

  constructor(private options: WebhookOptions) {}

  get url(): string | null {
    return this.options.url;
  }

  setUrl(url: string | null): void {
    this.options = { ...this.options, url };
  }

  private wants(type: string): boolean {
    const enabled = this.options.enabledEvents;
    return enabled.includes("*") || enabled.includes(type);
  }

  publish(event: Stripe.Event): void {
    const url = this.options.url;
    if (url === null || this.closed || !this.wants(event.type)) return;
    event.pending_webhooks = 1;
    const state: DeliveryState = {
      event,
      record: {
        event_id: event.id,
        type: event.type,
        url,
        attempts: 0,
        last_status: null,
        last_error: null,
        delivered: false,
        failed: false,
        next_attempt_at: null,
      },
      retries: 0,
      timer: null,
      inFlight: null,
    };
    this.deliveries.set(event.id, state);
    const jitter = this.options.jitterMs > 0 ? Math.random() * this.options.jitterMs : 0;
    this.schedule(state, jitter);
  }

  private schedule(state: DeliveryState, delayMs: number): void {
    state.record.next_attempt_at = new Date(Date.now() + delayMs).toISOString();
    state.timer = setTimeout(() => {
      state.timer = null;
      void this.run(state, true);
    }, delayMs);
  }

  private run(state: DeliveryState, automatic: boolean): Promise<void> {
    const promise = this.attempt(state, automatic).finally(() => {
      state.inFlight = null;
    });
    state.inFlight = promise;
    return promise;
  }

  private async attempt(state: DeliveryState, automatic: boolean): Promise<void> {
    if (this.closed) return;
    const { event, record } = state;
    record.next_attempt_at = null;
    record.attempts += 1;
    const payload = JSON.stringify(event, null, 2);
    const header = signatureHeader(payload, this.options.secret, Math.floor(Date.now() / 1000));
    const controller = new AbortController();
    this.controllers.add(controller);
    let ok = false;
    try {
      const response = await fetch(record.url, {
        method: "POST",
        body: payload,
        redirect: "manual",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "Stripe-Signature": header,
          "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          Accept: "*/*; q=0.5, application/xml",
          "Cache-Control": "no-cache",
        },
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      record.last_status = response.status;
      record.last_error = null;
      ok = response.status >= 200 && response.status < 300;
    } catch (error) {
      record.last_status = null;
      record.last_error = error instanceof Error ? error.message : String(error);
    } finally {
      this.controllers.delete(controller);
    }
    // Closed or reset while the request was out: this delivery is no longer tracked.
    if (this.closed || this.deliveries.get(event.id) !== state) return;
    const outcome = ok ? `${record.last_status}` : (record.last_error ?? `${record.last_status}`);
    this.options.log(`webhook ${event.type} ${event.id} attempt ${record.attempts}: ${outcome}`);
    if (ok) {
      record.delivered = true;
      record.failed = false;
      event.pending_webhooks = 0;
      return;
    }
    if (!automatic && record.failed) return;
    const delay = this.options.retryDelaysMs[state.retries];
    if (delay === undefined) {
      record.failed = true;
      this.options.log(`webhook ${event.type} ${event.id}: giving up after ${record.attempts}`);
      return;
    }
    state.retries += 1;
    this.schedule(state, delay);
  }

  list(): DeliveryRecord[] {
    return [...this.deliveries.values()].map((state) => ({ ...state.record }));
  }

  /** Attempts every undelivered event once, now, and resolves when those attempts finished. */
  async retryFailed(): Promise<DeliveryRecord[]> {
    const retried: DeliveryState[] = [];
    for (const state of this.deliveries.values()) {
      if (state.record.delivered || state.inFlight) continue;
      if (state.timer) {
        clearTimeout(state.timer);
        state.timer = null;
      }
      retried.push(state);
    }
    await Promise.all(retried.map((state) => this.run(state, false)));
    return retried.map((state) => ({ ...state.record }));
  }

  /** Resolves once no attempt is in flight or scheduled within `horizonMs`. */
  async settled(horizonMs = 0): Promise<void> {
    for (;;) {
      const busy = [...this.deliveries.values()].filter(
        (state) =>
          state.inFlight !== null ||
          (state.timer !== null &&
            state.record.next_attempt_at !== null &&
            Date.parse(state.record.next_attempt_at) - Date.now() <= horizonMs),
      );
      if (busy.length === 0) return;
      await Promise.all(busy.map((state) => state.inFlight));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  reset(): void {
    for (const state of this.deliveries.values()) {
      if (state.timer) clearTimeout(state.timer);
    }
    this.deliveries.clear();
  }

  close(): void {
    this.closed = true;
    this.reset();
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
  }
}
