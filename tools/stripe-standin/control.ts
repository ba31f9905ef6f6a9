/**
 * Test-only endpoints (no API key needed), JSON or form bodies:
 *   GET  /health                               200 "ok"
 *   GET  /_standin/clock                        { now, iso, offset_seconds }
 *   POST /_standin/clock/advance                seconds=<n> | days=<n>: moves the clock forward
 *                                               and runs everything that fell due, in time order
 *   POST /_standin/customers/:id/fail-payments  fail=true|false (`:id` may also be an email)
 *   POST /_standin/customers/fail-payments      email=<address> (or customer=<id>), fail=…
 *   GET  /_standin/deliveries                   webhook deliveries
 *   POST /_standin/deliveries/retry             re-delivers every undelivered event now
 *   GET  /_standin/state                        everything, for debugging (refunds included)
 *   POST /_standin/reset                        forgets all state, clock back to real time
 */
import type Stripe from "stripe";
import { processDue } from "./billing";
import { DAY } from "./clock";
import type { Context } from "./context";
import { badRequest, noSuch } from "./errors";
import { optBool, optInt, optString, type FormMap } from "./form";
import type { Reply, Router } from "./http";
import { renderSubscription } from "./views";

function clockJson(ctx: Context) {
  const now = ctx.clock.now();
  return { now, iso: new Date(now * 1000).toISOString(), offset_seconds: ctx.clock.offset };
}

export function advanceClock(ctx: Context, seconds: number) {
  if (!Number.isFinite(seconds) || seconds < 0) throw badRequest("seconds must be >= 0", "seconds");
  const firstNew = ctx.store.events.length;
  const target = ctx.clock.now() + Math.floor(seconds);
  processDue(ctx, target);
  ctx.clock.advance(seconds);
  processDue(ctx, ctx.clock.now());
  const events = ctx.store.events.slice(firstNew).map((event) => ({
    id: event.id,
    type: event.type,
    created: event.created,
  }));
  return { ...clockJson(ctx), events };
}

function advanceSeconds(input: FormMap): number {
  const seconds = optInt(input, "seconds");
  const days = optString(input, "days");
  if (seconds === undefined && days === undefined) {
    throw badRequest("Pass seconds=<n> or days=<n>.", "seconds");
  }
  const dayCount = days === undefined ? 0 : Number(days);
  if (!Number.isFinite(dayCount) || dayCount < 0) throw badRequest("Invalid days", "days");
  return (seconds ?? 0) + Math.round(dayCount * DAY);
}

export function setFailPayments(ctx: Context, idOrEmail: string, fail: boolean): string[] {
  const customers: Stripe.Customer[] = idOrEmail.includes("@")
    ? ctx.store.customersByEmail(idOrEmail)
    : [ctx.store.customer(idOrEmail)];
  if (customers.length === 0) throw noSuch(idOrEmail, "customer with email", "email");
  for (const customer of customers) {
    if (fail) ctx.store.failingCustomers.add(customer.id);
    else ctx.store.failingCustomers.delete(customer.id);
  }
  return customers.map((customer) => customer.id);
}

function failPayments(ctx: Context, idOrEmail: string, input: FormMap): Reply {
  const fail = optBool(input, "fail") ?? true;
  return { json: { customers: setFailPayments(ctx, idOrEmail, fail), fail } };
}

export function stateJson(ctx: Context) {
  const { store } = ctx;
  return {
    clock: clockJson(ctx),
    webhook_url: ctx.webhooks.url,
    customers: [...store.customers.values()],
    failing_customers: [...store.failingCustomers],
    products: [...store.products.values()],
    prices: [...store.prices.values()],
    checkout_sessions: [...store.checkoutSessions.values()],
    portal_sessions: [...store.portalSessions.values()],
    subscriptions: [...store.subscriptions.values()].map((sub) => renderSubscription(store, sub)),
    invoices: [...store.invoices.values()],
    invoice_payments: [...store.invoicePayments.values()],
    refunds: [...store.refunds.values()],
    events: store.events.map((event) => ({
      id: event.id,
      type: event.type,
      created: event.created,
    })),
  };
}

export function registerControl(router: Router, ctx: Context, reset: () => void): void {
  router.on("GET", "/health", () => ({ text: "ok" }));
  router.on("GET", "/_standin/clock", () => ({ json: clockJson(ctx) }));
  router.on("POST", "/_standin/clock/advance", (request) => ({
    json: advanceClock(ctx, advanceSeconds(request.body)),
  }));
  router.on("POST", "/_standin/customers/fail-payments", (request) => {
    const target = optString(request.body, "email") ?? optString(request.body, "customer");
    if (!target) throw badRequest("Pass email=<address> or customer=<id>.", "email");
    return failPayments(ctx, target, request.body);
  });
  router.on("POST", "/_standin/customers/:id/fail-payments", (request) =>
    failPayments(ctx, optString(request.body, "email") ?? request.params.id ?? "", request.body),
  );
  router.on("GET", "/_standin/deliveries", () => ({
    json: { webhook_url: ctx.webhooks.url, data: ctx.webhooks.list() },
  }));
  router.on("POST", "/_standin/deliveries/retry", async () => ({
    json: { data: await ctx.webhooks.retryFailed() },
  }));
  router.on("GET", "/_standin/state", () => ({ json: stateJson(ctx) }));
  router.on("POST", "/_standin/reset", () => {
    reset();
    return { json: { ok: true } };
  });
}
