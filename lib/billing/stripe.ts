import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/config/env";

/**
 * The one module that talks to Stripe. It maps Stripe's objects to Folio's own types, so nothing
 * else depends on the shape of Stripe's API (pinned below). The same code talks to the local
 * stand-in (tools/stripe-standin) when STRIPE_API_BASE points at it: only configuration differs.
 */
export const stripeApiVersion = "2026-10-28.endive" as const;

/** Lookup keys of the plan prices, and the product they belong to (npm run stripe:setup). */
export const planLookupKeys = { month: "folio_monthly", year: "folio_yearly" } as const;
export const membershipProductId = "folio_membership";
export type PlanInterval = keyof typeof planLookupKeys;

export class BillingUnavailableError extends Error {
  constructor() {
    super("Subscriptions are not configured (STRIPE_SECRET_KEY)");
  }
}

export interface FolioSubscription {
  id: string;
  customerId: string;
  status: Stripe.Subscription.Status;
  priceId: string;
  interval: PlanInterval;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
}

export interface PlanPrice {
  id: string;
  interval: PlanInterval;
  amount: number;
  currency: string;
}

export interface CheckoutResult {
  id: string;
  url: string;
  /** Not "open" when the idempotency key replayed a session that has since expired or completed. */
  status: "open" | "complete" | "expired";
  created: number;
}

/** A subscription as listed for its customer, with what the duplicate check needs. */
export interface ListedSubscription extends FolioSubscription {
  /** Unix seconds. */
  created: number;
  /** The interface language the reader subscribed in (subscription metadata), if known. */
  locale: string | null;
}

export interface CompletedCheckout {
  status: "open" | "complete" | "expired";
  userId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
}

const state = ((
  globalThis as { __folioStripe?: { client?: Stripe; key?: string } }
).__folioStripe ??= {});

export function isBillingConfigured(): boolean {
  return env().stripe !== null;
}

/** True when payments go to the local stand-in: the site shows a test-payments banner. */
export function isTestPayments(): boolean {
  const stripe = env().stripe;
  return stripe !== null && (stripe.apiBase !== null || stripe.secretKey.startsWith("sk_test_"));
}

function client(): Stripe {
  const settings = env().stripe;
  if (!settings) throw new BillingUnavailableError();
  if (state.client && state.key === settings.secretKey) return state.client;
  const base = settings.apiBase ? new URL(settings.apiBase) : null;
  state.client = new Stripe(settings.secretKey, {
    apiVersion: stripeApiVersion,
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "Folio" },
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol === "https:" ? ("https" as const) : ("http" as const),
        }
      : {}),
  });
  state.key = settings.secretKey;
  return state.client;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === "string" ? value : value.id;

function toInterval(interval: string | undefined): PlanInterval {
  if (interval === "month" || interval === "year") return interval;
  throw new Error(`unexpected price interval ${String(interval)}`);
}

export function toFolioSubscription(subscription: Stripe.Subscription): FolioSubscription {
  const item = subscription.items.data[0];
  const customerId = idOf(subscription.customer);
  if (!item || !customerId)
    throw new Error(`subscription ${subscription.id} has no item or customer`);
  return {
    id: subscription.id,
    customerId,
    status: subscription.status,
    priceId: item.price.id,
    interval: toInterval(item.price.recurring?.interval),
    currentPeriodEnd: new Date(item.current_period_end * 1000),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}

export async function createCustomer(input: {
  userId: string;
  email: string | null;
}): Promise<string> {
  const customer = await client().customers.create(
    { email: input.email ?? undefined, metadata: { folioUserId: input.userId } },
    // One customer per reader, even when two requests race to create it.
    { idempotencyKey: `folio-customer-${input.userId}` },
  );
  return customer.id;
}

export async function listPlanPrices(): Promise<PlanPrice[]> {
  // Shown on reading pages: a slow Stripe must not hold a page for long (the caller caches).
  const prices = await client().prices.list(
    { lookup_keys: Object.values(planLookupKeys), active: true },
    { timeout: 3_000, maxNetworkRetries: 0 },
  );
  return prices.data.map((price) => ({
    id: price.id,
    interval: toInterval(price.recurring?.interval),
    amount: price.unit_amount ?? 0,
    currency: price.currency,
  }));
}

function checkoutStatus(status: Stripe.Checkout.Session.Status | null): CheckoutResult["status"] {
  return status === "complete" ? "complete" : status === "expired" ? "expired" : "open";
}

export async function createCheckoutSession(input: {
  userId: string;
  customerId: string;
  priceId: string;
  successUrl: string;
  cancelUrl: string;
  trialDays: number;
  /** Kept on the subscription, so mail about it can be written in the reader's language. */
  locale: string;
  idempotencyKey: string;
}): Promise<CheckoutResult> {
  const session = await client().checkout.sessions.create(
    {
      mode: "subscription",
      customer: input.customerId,
      client_reference_id: input.userId,
      line_items: [{ price: input.priceId, quantity: 1 }],
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      subscription_data: {
        metadata: { folioUserId: input.userId, folioLocale: input.locale },
        ...(input.trialDays > 0 ? { trial_period_days: input.trialDays } : {}),
      },
      metadata: { folioUserId: input.userId },
    },
    { idempotencyKey: input.idempotencyKey },
  );
  // A replayed answer is the session as it was first created: read what it is now.
  const replayed = session.lastResponse.headers["idempotent-replayed"] === "true";
  const status = checkoutStatus(
    replayed ? (await client().checkout.sessions.retrieve(session.id)).status : session.status,
  );
  // Only an open session has a URL; a replayed one that has since finished answers without one.
  if (status === "open" && !session.url)
    throw new Error(`checkout session ${session.id} has no URL`);
  return { id: session.id, url: session.url ?? "", status, created: session.created };
}

/** The customer's Checkout Sessions that can still be paid. */
export async function listOpenCheckoutSessions(customerId: string): Promise<CheckoutResult[]> {
  const open: CheckoutResult[] = [];
  for await (const session of client().checkout.sessions.list({
    customer: customerId,
    status: "open",
    limit: 100,
  })) {
    if (session.url)
      open.push({ id: session.id, url: session.url, status: "open", created: session.created });
  }
  return open;
}

/**
 * Expires an open Checkout Session so it can no longer be paid. Answers the status it ends in:
 * "expired", or "complete" when the reader paid it first (Stripe then refuses to expire it).
 */
export async function expireCheckoutSession(sessionId: string): Promise<"expired" | "complete"> {
  try {
    await client().checkout.sessions.expire(sessionId);
    return "expired";
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    const status = checkoutStatus((await client().checkout.sessions.retrieve(sessionId)).status);
    if (status === "open") throw error;
    return status;
  }
}

export async function retrieveCheckoutSession(sessionId: string): Promise<CompletedCheckout> {
  const session = await client().checkout.sessions.retrieve(sessionId);
  const status: CompletedCheckout["status"] =
    session.status === "complete" ? "complete" : session.status === "expired" ? "expired" : "open";
  return {
    status,
    userId: session.client_reference_id,
    customerId: idOf(session.customer),
    subscriptionId: idOf(session.subscription),
  };
}

export async function createPortalSession(customerId: string, returnUrl: string): Promise<string> {
  const session = await client().billingPortal.sessions.create({
    customer: customerId,
    return_url: returnUrl,
  });
  return session.url;
}

export async function retrieveSubscription(subscriptionId: string): Promise<FolioSubscription> {
  return toFolioSubscription(await client().subscriptions.retrieve(subscriptionId));
}

/** Every subscription of the customer, whatever its status: Stripe's list, not Folio's table. */
export async function listCustomerSubscriptions(customerId: string): Promise<ListedSubscription[]> {
  const listed: ListedSubscription[] = [];
  for await (const subscription of client().subscriptions.list({
    customer: customerId,
    status: "all",
    limit: 100,
  })) {
    listed.push({
      ...toFolioSubscription(subscription),
      created: subscription.created,
      locale: subscription.metadata.folioLocale ?? null,
    });
  }
  return listed;
}

/** Cancels a subscription at once (no further charges). Already ended: nothing to do. */
export async function cancelSubscriptionNow(subscriptionId: string, reason: string): Promise<void> {
  const ended = async () => {
    const { status } = await client().subscriptions.retrieve(subscriptionId);
    return status === "canceled" || status === "incomplete_expired";
  };
  if (await ended()) return;
  try {
    await client().subscriptions.cancel(
      subscriptionId,
      { cancellation_details: { comment: reason } },
      { idempotencyKey: `folio-cancel-${subscriptionId}` },
    );
  } catch (error) {
    // A parallel call canceled it first: Stripe refuses to cancel it again, and that is fine.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || !(await ended()))
      throw error;
  }
}

export interface RefundTotal {
  /** Everything refunded on the subscription's payments, in the currency's smallest unit. */
  amount: number;
  currency: string | null;
}

/**
 * Refunds every payment of the subscription's paid invoices in full. Safe to repeat and to run
 * twice at once: what is already refunded is read from Stripe first, and each refund carries an
 * idempotency key naming the payment and the amount, so a parallel or retried call replays the
 * same refund instead of making a second one (and Stripe refuses to refund past the charge).
 */
export async function refundSubscriptionPayments(
  subscriptionId: string,
  metadata: Record<string, string>,
): Promise<RefundTotal> {
  const stripe = client();
  const total: RefundTotal = { amount: 0, currency: null };
  for await (const invoice of stripe.invoices.list({
    subscription: subscriptionId,
    status: "paid",
    limit: 100,
  })) {
    for await (const payment of stripe.invoicePayments.list({
      invoice: invoice.id,
      status: "paid",
      limit: 100,
    })) {
      const intent = idOf(payment.payment.payment_intent);
      const paid = payment.amount_paid ?? 0;
      if (!intent || paid <= 0) continue;
      let refunded = 0;
      for await (const refund of stripe.refunds.list({ payment_intent: intent, limit: 100 })) {
        if (refund.status !== "failed" && refund.status !== "canceled") refunded += refund.amount;
      }
      const left = paid - refunded;
      if (left > 0) {
        try {
          await stripe.refunds.create(
            { payment_intent: intent, amount: left, reason: "duplicate", metadata },
            { idempotencyKey: `folio-refund-${intent}-${left}` },
          );
        } catch (error) {
          // A parallel call refunded it between our read and our request: it is refunded.
          const alreadyRefunded =
            error instanceof Stripe.errors.StripeInvalidRequestError &&
            error.code === "charge_already_refunded";
          if (!alreadyRefunded) throw error;
        }
      }
      total.amount += paid;
      total.currency = payment.currency;
    }
  }
  return total;
}

/** The subscription an invoice belongs to (API 2026-10-28: under parent.subscription_details). */
export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription);
}

/** Verifies a webhook's signature over the raw body; throws Stripe's error when it does not match. */
export function verifyWebhookEvent(rawBody: string, signature: string | null): Stripe.Event {
  const secret = env().stripe?.webhookSecret;
  if (!secret) throw new BillingUnavailableError();
  if (!signature) {
    throw new Stripe.errors.StripeSignatureVerificationError("", rawBody, {
      message: "missing Stripe-Signature header",
    });
  }
  return client().webhooks.constructEvent(rawBody, signature, secret);
}

/** Product and prices, created or updated idempotently by lookup key (npm run stripe:setup). */
export async function ensurePlans(plans: {
  currency: string;
  monthlyAmount: number;
  yearlyAmount: number;
}): Promise<string[]> {
  const stripe = client();
  const actions: string[] = [];
  try {
    await stripe.products.update(membershipProductId, { name: "Folio membership", active: true });
    actions.push(`product ${membershipProductId}: up to date`);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.statusCode !== 404)
      throw error;
    await stripe.products.create({ id: membershipProductId, name: "Folio membership" });
    actions.push(`product ${membershipProductId}: created`);
  }
  const existing = await stripe.prices.list({
    lookup_keys: Object.values(planLookupKeys),
    active: true,
  });
  for (const interval of ["month", "year"] as const) {
    const lookupKey = planLookupKeys[interval];
    const amount = interval === "month" ? plans.monthlyAmount : plans.yearlyAmount;
    const current = existing.data.find((price) => price.lookup_key === lookupKey);
    if (
      current &&
      current.unit_amount === amount &&
      current.currency === plans.currency &&
      current.recurring?.interval === interval
    ) {
      actions.push(`price ${lookupKey}: up to date (${current.id})`);
      continue;
    }
    // Prices are immutable: a new one takes over the lookup key, the old one is archived.
    const created = await stripe.prices.create({
      product: membershipProductId,
      currency: plans.currency,
      unit_amount: amount,
      recurring: { interval },
      lookup_key: lookupKey,
      transfer_lookup_key: true,
    });
    if (current) await stripe.prices.update(current.id, { active: false });
    actions.push(
      `price ${lookupKey}: ${current ? `replaced ${current.id} with` : "created"} ${created.id}`,
    );
  }
  return actions;
}

export type { Stripe };
