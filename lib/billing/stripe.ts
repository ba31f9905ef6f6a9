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

export async function createCheckoutSession(input: {
  userId: string;
  customerId: string;
  priceId: string;
  successUrl: string;
  cancelUrl: string;
  trialDays: number;
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
      ...(input.trialDays > 0 ? { subscription_data: { trial_period_days: input.trialDays } } : {}),
      metadata: { folioUserId: input.userId },
    },
    { idempotencyKey: input.idempotencyKey },
  );
  if (!session.url) throw new Error(`checkout session ${session.id} has no URL`);
  return { id: session.id, url: session.url };
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
