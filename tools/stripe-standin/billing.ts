/**
 * The subscription lifecycle: starting a subscription from a completed Checkout Session,
 * invoices and payment attempts, renewals, dunning, plan switches and cancellation.
 *
 * Payments: a charge fails when the customer is in `store.failingCustomers`, otherwise succeeds.
 * Schedule (Stripe makes it configurable; this is the stand-in's):
 *   - renewal at the item's `current_period_end` (or at `trial_end` for a trial): a
 *     `subscription_cycle` invoice for the new period, charged at once;
 *   - a failed charge leaves the invoice `open`, the subscription `past_due`, and retries after
 *     `retryScheduleDays` (default 3, then 5 more days: attempts on day 0, 3 and 8);
 *   - when the last retry fails the subscription becomes `unpaid` (the invoice stays open, no
 *     more automatic attempts; unpaid subscriptions do not renew);
 *   - a successful retry pays the invoice and makes the subscription `active` again;
 *   - `cancel_at_period_end` subscriptions are canceled at the period (or trial) end instead.
 */
import type Stripe from "stripe";
import { addIntervals, DAY, nextPeriodEnd, type Interval } from "./clock";
import type { Context } from "./context";
import { badRequest, cardDeclined } from "./errors";
import { NO_REQUEST, type Origin } from "./events";
import { formatDate, priceLabel } from "./format";
import { invoicePrefix, newId } from "./ids";
import {
  customerObject,
  idOf,
  invoiceLineObject,
  invoiceObject,
  invoicePaymentObject,
  planFromPrice,
  subscriptionItemObject,
  subscriptionObject,
  type InvoiceLineInput,
} from "./objects";
import { renderSubscription } from "./views";

export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

const TRIAL_WILL_END_NOTICE = 3 * DAY;
const INTERVALS: readonly Interval[] = ["day", "week", "month", "year"];

function firstItem(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscription.id} has no items`);
  return item;
}

function recurringOf(price: Stripe.Price): { interval: Interval; count: number } {
  const interval = INTERVALS.find((candidate) => candidate === price.recurring?.interval);
  if (!interval) throw badRequest(`Price ${price.id} is not a recurring price.`, "price");
  return { interval, count: price.recurring?.interval_count ?? 1 };
}

function productName(ctx: Context, price: Stripe.Price): string {
  return ctx.store.products.get(idOf(price.product))?.name ?? idOf(price.product);
}

function subscriptionOf(ctx: Context, invoice: Stripe.Invoice): Stripe.Subscription | undefined {
  const ref = invoice.parent?.subscription_details?.subscription;
  return ref ? ctx.store.subscriptions.get(idOf(ref)) : undefined;
}

/** An invoice line before its invoice exists: the ids come from `createInvoice`. */
type LineSpec = Omit<InvoiceLineInput, "invoice" | "subscription" | "subscriptionItem"> & {
  item: Stripe.SubscriptionItem;
};

/** A line charging `quantity` × `price` in full for the period. */
function fullPriceLine(
  ctx: Context,
  item: Stripe.SubscriptionItem,
  price: Stripe.Price,
  quantity: number,
  periodStart: number,
  periodEnd: number,
): LineSpec {
  return {
    item,
    price,
    quantity,
    amount: (price.unit_amount ?? 0) * quantity,
    description: lineDescription(ctx, price, quantity),
    proration: false,
    periodStart,
    periodEnd,
  };
}

function createInvoice(
  ctx: Context,
  subscription: Stripe.Subscription,
  billingReason: Stripe.Invoice.BillingReason,
  lines: LineSpec[],
  period: { start: number; end: number },
  at: number,
): Stripe.Invoice {
  const customer = ctx.store.customer(idOf(subscription.customer));
  const id = newId("invoice");
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  const invoice = invoiceObject({
    id,
    created: at,
    customer,
    subscription,
    billingReason,
    currency: subscription.currency,
    number: `${customer.invoice_prefix ?? "STANDIN"}-${String(sequence).padStart(4, "0")}`,
    lines: lines.map(({ item, ...line }) =>
      invoiceLineObject({
        ...line,
        invoice: id,
        subscription: subscription.id,
        subscriptionItem: item.id,
      }),
    ),
    periodStart: period.start,
    periodEnd: period.end,
    hostedInvoiceUrl: `${ctx.publicUrl}/invoice/${id}`,
  });
  ctx.store.invoices.set(id, invoice);
  return invoice;
}

function markPaid(ctx: Context, invoice: Stripe.Invoice, at: number): void {
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.attempted = true;
  invoice.auto_advance = false;
  invoice.next_payment_attempt = null;
  invoice.status = "paid";
  invoice.status_transitions.paid_at = at;
  if (invoice.amount_paid > 0) {
    const payment = invoicePaymentObject({ invoice, paidAt: at });
    ctx.store.invoicePayments.set(payment.id, payment);
  }
}

/** One payment attempt. Zero-amount invoices are paid without a charge. */
function charge(ctx: Context, invoice: Stripe.Invoice, at: number): boolean {
  if (invoice.amount_due === 0) {
    markPaid(ctx, invoice, at);
    return true;
  }
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (ctx.store.failingCustomers.has(idOf(invoice.customer ?? ""))) return false;
  markPaid(ctx, invoice, at);
  return true;
}

function hasUnpaidInvoices(ctx: Context, customerId: string): boolean {
  return [...ctx.store.invoices.values()].some(
    (invoice) =>
      invoice.status === "open" && invoice.attempt_count > 0 && invoice.customer === customerId,
  );
}

/** customer.subscription.updated, with the subscription as it is now and what changed. */
export function emitSubscriptionUpdated(
  ctx: Context,
  subscription: Stripe.Subscription,
  origin: Origin,
  previous: Partial<Stripe.Subscription>,
): void {
  const rendered = renderSubscription(ctx.store, subscription);
  ctx.events.emit("customer.subscription.updated", rendered, origin, previous);
}

function emitPaid(ctx: Context, invoice: Stripe.Invoice, origin: Origin): void {
  ctx.events.emit("invoice.paid", invoice, origin);
  ctx.events.emit("invoice.payment_succeeded", invoice, origin);
}

function lineDescription(ctx: Context, price: Stripe.Price, quantity: number): string {
  return `${quantity} × ${productName(ctx, price)} (at ${priceLabel(price)})`;
}

// ---------------------------------------------------------------------------------------------
// Checkout

export interface CheckoutPayment {
  /** Email typed on the page (used when the session has no customer yet). */
  email: string | null;
  /** Cardholder name typed on the page. */
  name: string | null;
  /** Stripe's 4000 0000 0000 0341: the card attaches, later charges fail. */
  failsLater: boolean;
}

export function completeCheckout(
  ctx: Context,
  session: Stripe.Checkout.Session,
  payment: CheckoutPayment,
  at: number,
): Stripe.Subscription {
  const { store, events } = ctx;
  const origin: Origin = { at, request: NO_REQUEST };
  const plan = store.checkoutPlan(session.id);
  const price = store.price(plan.price);
  const { interval, count } = recurringOf(price);

  let customer: Stripe.Customer;
  if (session.customer) {
    customer = store.customer(idOf(session.customer));
  } else {
    customer = customerObject({
      created: at,
      email: payment.email ?? session.customer_email,
      name: payment.name,
      description: null,
      phone: null,
      metadata: {},
      invoicePrefix: invoicePrefix(),
    });
    store.customers.set(customer.id, customer);
    events.emit("customer.created", customer, origin);
  }
  if (payment.failsLater) store.failingCustomers.add(customer.id);
  customer.currency = price.currency;

  const trialEnd = plan.trialEnd ?? (plan.trialPeriodDays ? at + plan.trialPeriodDays * DAY : null);
  const periodEnd = trialEnd ?? addIntervals(at, interval, count);
  const id = newId("subscription");
  const item = subscriptionItemObject({
    created: at,
    subscription: id,
    price,
    quantity: plan.quantity,
    periodStart: at,
    periodEnd,
  });
  const subscription = subscriptionObject({
    id,
    created: at,
    customer: customer.id,
    currency: price.currency,
    status: trialEnd ? "trialing" : "active",
    billingCycleAnchor: trialEnd ?? at,
    item,
    trialStart: trialEnd ? at : null,
    trialEnd,
    metadata: { ...plan.subscriptionMetadata },
    description: plan.subscriptionDescription,
  });
  store.subscriptions.set(id, subscription);

  const amount = trialEnd ? 0 : (price.unit_amount ?? 0) * plan.quantity;
  const invoice = createInvoice(
    ctx,
    subscription,
    "subscription_create",
    [
      {
        item,
        price,
        quantity: plan.quantity,
        amount,
        description: trialEnd
          ? `Trial period for ${productName(ctx, price)}`
          : lineDescription(ctx, price, plan.quantity),
        proration: false,
        periodStart: at,
        periodEnd,
      },
    ],
    { start: at, end: at },
    at,
  );
  // The card was checked on the page: the first charge succeeds.
  if (invoice.amount_due > 0) invoice.attempt_count = 1;
  markPaid(ctx, invoice, at);
  subscription.latest_invoice = invoice.id;

  session.status = "complete";
  session.payment_status = trialEnd ? "no_payment_required" : "paid";
  session.customer = customer.id;
  session.subscription = subscription.id;
  session.invoice = invoice.id;
  session.url = null;
  session.customer_details = {
    address: null,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: payment.name ?? customer.name ?? null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  session.collected_information = {
    business_name: null,
    individual_name: null,
    shipping_details: null,
  };

  events.emit("customer.subscription.created", renderSubscription(store, subscription), origin);
  emitPaid(ctx, invoice, origin);
  events.emit("checkout.session.completed", session, origin);
  return subscription;
}

export function expireCheckout(ctx: Context, session: Stripe.Checkout.Session, at: number): void {
  session.status = "expired";
  session.url = null;
  ctx.events.emit("checkout.session.expired", session, { at, request: NO_REQUEST });
}

// ---------------------------------------------------------------------------------------------
// Renewal and dunning

/** After a failed attempt: schedule the next retry, or give up and mark the subscription unpaid. */
function afterFailedAttempt(
  ctx: Context,
  invoice: Stripe.Invoice,
  subscription: Stripe.Subscription,
  origin: Origin,
): Partial<Stripe.Subscription> {
  const delayDays = ctx.retryScheduleDays[invoice.attempt_count - 1];
  invoice.next_payment_attempt = delayDays === undefined ? null : origin.at + delayDays * DAY;
  const customer = ctx.store.customers.get(idOf(subscription.customer));
  if (customer) customer.delinquent = true;
  const previous: Partial<Stripe.Subscription> = {};
  const status = delayDays === undefined ? "unpaid" : "past_due";
  if (subscription.status !== status && subscription.status !== "unpaid") {
    previous.status = subscription.status;
    subscription.status = status;
  }
  return previous;
}

function renew(ctx: Context, subscription: Stripe.Subscription, at: number): void {
  const origin: Origin = { at, request: NO_REQUEST };
  const before = renderSubscription(ctx.store, subscription);
  const item = firstItem(subscription);
  const price = ctx.store.prices.get(item.price.id) ?? item.price;
  const { interval, count } = recurringOf(price);
  const oldStart = item.current_period_start;
  const start = item.current_period_end;
  const end = nextPeriodEnd(subscription.billing_cycle_anchor, interval, count, start);
  item.current_period_start = start;
  item.current_period_end = end;
  const quantity = item.quantity ?? 1;
  const invoice = createInvoice(
    ctx,
    subscription,
    "subscription_cycle",
    [fullPriceLine(ctx, item, price, quantity, start, end)],
    { start: oldStart, end: start },
    at,
  );
  const previous: Partial<Stripe.Subscription> = {
    items: before.items,
    latest_invoice: before.latest_invoice,
  };
  subscription.latest_invoice = invoice.id;
  const paid = charge(ctx, invoice, at);
  if (paid) {
    if (subscription.status === "trialing") {
      previous.status = "trialing";
      subscription.status = "active";
    }
  } else {
    Object.assign(previous, afterFailedAttempt(ctx, invoice, subscription, origin));
  }
  emitSubscriptionUpdated(ctx, subscription, origin, previous);
  if (paid) emitPaid(ctx, invoice, origin);
  else ctx.events.emit("invoice.payment_failed", invoice, origin);
}

function retry(ctx: Context, invoice: Stripe.Invoice, origin: Origin): boolean {
  const subscription = subscriptionOf(ctx, invoice);
  const paid = charge(ctx, invoice, origin.at);
  if (paid) {
    emitPaid(ctx, invoice, origin);
    const customerId = idOf(invoice.customer ?? "");
    const customer = ctx.store.customers.get(customerId);
    if (customer) customer.delinquent = hasUnpaidInvoices(ctx, customerId);
    if (
      subscription &&
      (subscription.status === "past_due" || subscription.status === "unpaid") &&
      !hasUnpaidInvoices(ctx, customerId)
    ) {
      const previous: Partial<Stripe.Subscription> = { status: subscription.status };
      subscription.status = "active";
      emitSubscriptionUpdated(ctx, subscription, origin, previous);
    }
    return true;
  }
  const previous = subscription ? afterFailedAttempt(ctx, invoice, subscription, origin) : {};
  ctx.events.emit("invoice.payment_failed", invoice, origin);
  if (subscription && previous.status !== undefined) {
    emitSubscriptionUpdated(ctx, subscription, origin, previous);
  }
  return false;
}

function endAtPeriodEnd(ctx: Context, subscription: Stripe.Subscription, at: number): void {
  subscription.status = "canceled";
  subscription.ended_at = at;
  stopCollecting(ctx, subscription);
  ctx.events.emit("customer.subscription.deleted", renderSubscription(ctx.store, subscription), {
    at,
    request: NO_REQUEST,
  });
}

function stopCollecting(ctx: Context, subscription: Stripe.Subscription): void {
  for (const invoice of ctx.store.invoices.values()) {
    if (invoice.status === "open" && subscriptionOf(ctx, invoice) === subscription) {
      invoice.next_payment_attempt = null;
    }
  }
}

interface DueAction {
  at: number;
  run: () => void;
}

function nextDue(ctx: Context): DueAction | undefined {
  const actions: DueAction[] = [];
  for (const subscription of ctx.store.subscriptions.values()) {
    const item = subscription.items.data[0];
    if (!item) continue;
    const periodEnd = item.current_period_end;
    const status = subscription.status;
    if (
      status === "trialing" &&
      subscription.trial_end !== null &&
      !ctx.store.trialWillEndSent.has(subscription.id)
    ) {
      // Three days before the trial ends (at once for shorter trials), like Stripe.
      const at = Math.max(subscription.trial_end - TRIAL_WILL_END_NOTICE, subscription.created);
      actions.push({
        at,
        run: () => {
          ctx.store.trialWillEndSent.add(subscription.id);
          const object = renderSubscription(ctx.store, subscription);
          ctx.events.emit("customer.subscription.trial_will_end", object, {
            at,
            request: NO_REQUEST,
          });
        },
      });
    }
    if (status === "canceled" || status === "incomplete_expired" || status === "incomplete") {
      continue;
    }
    if (subscription.cancel_at_period_end) {
      actions.push({ at: periodEnd, run: () => endAtPeriodEnd(ctx, subscription, periodEnd) });
    } else if (status === "active" || status === "trialing" || status === "past_due") {
      actions.push({ at: periodEnd, run: () => renew(ctx, subscription, periodEnd) });
    }
  }
  for (const invoice of ctx.store.invoices.values()) {
    const at = invoice.next_payment_attempt;
    if (invoice.status === "open" && at !== null) {
      actions.push({ at, run: () => void retry(ctx, invoice, { at, request: NO_REQUEST }) });
    }
  }
  for (const session of ctx.store.checkoutSessions.values()) {
    if (session.status === "open") {
      const at = session.expires_at;
      actions.push({ at, run: () => expireCheckout(ctx, session, at) });
    }
  }
  let earliest: DueAction | undefined;
  for (const action of actions) if (!earliest || action.at < earliest.at) earliest = action;
  return earliest;
}

/** Runs everything due up to `until` (stand-in clock), earliest first. Returns how many ran. */
export function processDue(ctx: Context, until: number): number {
  let ran = 0;
  for (;;) {
    const action = nextDue(ctx);
    if (!action || action.at > until) return ran;
    action.run();
    ran += 1;
    if (ran > 100_000) throw new Error("processDue: runaway schedule");
  }
}

// ---------------------------------------------------------------------------------------------
// Changes through the API or the portal

function assertNotCanceled(subscription: Stripe.Subscription): void {
  if (subscription.status === "canceled" || subscription.status === "incomplete_expired") {
    throw badRequest(
      "A canceled subscription can only update its cancellation_details and metadata.",
    );
  }
}

export function setCancelAtPeriodEnd(
  ctx: Context,
  subscription: Stripe.Subscription,
  cancel: boolean,
  origin: Origin,
): void {
  assertNotCanceled(subscription);
  if (subscription.cancel_at_period_end === cancel) return;
  const previous: Partial<Stripe.Subscription> = {
    cancel_at: subscription.cancel_at,
    cancel_at_period_end: subscription.cancel_at_period_end,
    canceled_at: subscription.canceled_at,
    cancellation_details: structuredClone(subscription.cancellation_details),
  };
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? firstItem(subscription).current_period_end : null;
  subscription.canceled_at = cancel ? origin.at : null;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: cancel ? "cancellation_requested" : null,
  };
  emitSubscriptionUpdated(ctx, subscription, origin, previous);
}

/**
 * Switches the (single) item to another price. During a trial only the price changes. Same
 * interval: the price changes now and is billed from the next renewal (no proration). Other
 * interval: a new period starts now, invoiced at once (`subscription_update`), with a credit for
 * the unused time of the old period unless `proration_behavior=none`.
 */
export function changePrice(
  ctx: Context,
  subscription: Stripe.Subscription,
  price: Stripe.Price,
  quantity: number,
  prorationBehavior: ProrationBehavior,
  origin: Origin,
): void {
  assertNotCanceled(subscription);
  const item = firstItem(subscription);
  const oldPrice = ctx.store.prices.get(item.price.id) ?? item.price;
  const oldQuantity = item.quantity ?? 1;
  if (oldPrice.id === price.id && oldQuantity === quantity) return;
  if (price.currency !== subscription.currency) {
    throw badRequest(
      `The price specified (${price.id}) has currency ${price.currency}, but the subscription uses ${subscription.currency}.`,
      "items[0][price]",
    );
  }
  const next = recurringOf(price);
  const old = recurringOf(oldPrice);
  const before = renderSubscription(ctx.store, subscription);
  const previous: Partial<Stripe.Subscription> = { items: before.items };
  item.price = price;
  item.plan = planFromPrice(price);
  item.quantity = quantity;
  const at = origin.at;
  const newCycle =
    subscription.status !== "trialing" &&
    (next.interval !== old.interval || next.count !== old.count);
  let invoice: Stripe.Invoice | null = null;
  let paid = false;
  if (newCycle) {
    const oldStart = item.current_period_start;
    const oldEnd = item.current_period_end;
    const end = addIntervals(at, next.interval, next.count);
    const lines: LineSpec[] = [];
    const lastPaid = subscription.latest_invoice
      ? ctx.store.invoices.get(idOf(subscription.latest_invoice))
      : undefined;
    if (prorationBehavior !== "none" && lastPaid?.status === "paid" && oldEnd > at) {
      const unused = Math.round(
        ((oldPrice.unit_amount ?? 0) * oldQuantity * (oldEnd - at)) / (oldEnd - oldStart),
      );
      lines.push({
        item,
        price: oldPrice,
        quantity: oldQuantity,
        amount: -unused,
        description: `Unused time on ${productName(ctx, oldPrice)} after ${formatDate(at)}`,
        proration: true,
        periodStart: at,
        periodEnd: oldEnd,
      });
    }
    lines.push(fullPriceLine(ctx, item, price, quantity, at, end));
    previous.billing_cycle_anchor = subscription.billing_cycle_anchor;
    previous.latest_invoice = subscription.latest_invoice;
    subscription.billing_cycle_anchor = at;
    item.current_period_start = at;
    item.current_period_end = end;
    if (subscription.cancel_at_period_end) subscription.cancel_at = end;
    invoice = createInvoice(
      ctx,
      subscription,
      "subscription_update",
      lines,
      { start: at, end: at },
      at,
    );
    subscription.latest_invoice = invoice.id;
    paid = charge(ctx, invoice, at);
    if (!paid) Object.assign(previous, afterFailedAttempt(ctx, invoice, subscription, origin));
  }
  emitSubscriptionUpdated(ctx, subscription, origin, previous);
  if (invoice && paid) emitPaid(ctx, invoice, origin);
  else if (invoice) ctx.events.emit("invoice.payment_failed", invoice, origin);
}

export function cancelNow(
  ctx: Context,
  subscription: Stripe.Subscription,
  details: {
    comment: string | null;
    feedback: Stripe.Subscription.CancellationDetails.Feedback | null;
  },
  origin: Origin,
): void {
  if (subscription.status === "canceled") {
    throw badRequest(`No such subscription: '${subscription.id}'`, "id", "resource_missing");
  }
  subscription.status = "canceled";
  subscription.canceled_at = origin.at;
  subscription.ended_at = origin.at;
  subscription.cancellation_details = {
    comment: details.comment,
    feedback: details.feedback,
    feedback_option: null,
    reason: "cancellation_requested",
  };
  stopCollecting(ctx, subscription);
  ctx.events.emit(
    "customer.subscription.deleted",
    renderSubscription(ctx.store, subscription),
    origin,
  );
}

/** `POST /v1/invoices/:id/pay`: one attempt now; a failure is a 402 card error. */
export function payInvoice(ctx: Context, invoice: Stripe.Invoice, origin: Origin): void {
  if (invoice.status === "paid")
    throw badRequest("Invoice is already paid.", undefined, "invoice_already_paid");
  if (invoice.status !== "open") throw badRequest(`Invoice ${invoice.id} is ${invoice.status}.`);
  if (!retry(ctx, invoice, origin)) {
    throw cardDeclined("Your card was declined.", "generic_decline");
  }
}
