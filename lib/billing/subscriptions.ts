import "server-only";
import { env } from "@/lib/config/env";
import { db, type Db } from "@/lib/db/client";
import {
  enforceOneLiveSubscription,
  keepOneOpenCheckout,
} from "@/lib/billing/duplicate-subscriptions";
import { isLiveStatus, liveStatuses } from "@/lib/billing/live-subscriptions";
import {
  createCheckoutSession,
  createCustomer,
  createPortalSession,
  invoiceSubscriptionId,
  listCustomerSubscriptions,
  listPlanPrices,
  retrieveCheckoutSession,
  retrieveSubscription,
  verifyWebhookEvent,
  type FolioSubscription,
  type PlanInterval,
  type PlanPrice,
  type Stripe,
} from "@/lib/billing/stripe";
import { sendMail } from "@/lib/mail/mailer";
import { paymentFailedMail } from "@/lib/mail/templates";
import { defaultLocale, type Locale } from "@/lib/i18n";

/**
 * Subscriptions: checkout, the customer portal, and recording what Stripe says. Stripe is the
 * source of truth: every event is only a trigger to re-read the subscription and store its
 * absolute state, so duplicates, retries and out-of-order deliveries all end in the same state.
 */

export type RecordOutcome = "applied" | "duplicate" | "unknown-customer";

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002"
  );
}

/**
 * Stores a subscription's state for the reader who owns its customer. With an event, the event id
 * is recorded in the same transaction: a second delivery of it changes nothing.
 */
export async function recordSubscription(
  subscription: FolioSubscription,
  event?: { id: string; type: string },
  database: () => Promise<Db> = db,
): Promise<RecordOutcome> {
  const client = await database();
  try {
    return await client.$transaction(async (transaction) => {
      if (event)
        await transaction.processedStripeEvent.create({ data: { id: event.id, type: event.type } });
      const owner = await transaction.user.findUnique({
        where: { stripeCustomerId: subscription.customerId },
        select: { id: true },
      });
      // A customer Folio did not create: record the event, grant nobody anything.
      if (!owner) return "unknown-customer";
      const stored = await transaction.subscription.findUnique({
        where: { id: subscription.id },
        select: { status: true, pastDueSince: true },
      });
      const pastDueSince =
        subscription.status !== "past_due"
          ? null
          : stored?.status === "past_due" && stored.pastDueSince
            ? stored.pastDueSince
            : new Date();
      const state = {
        userId: owner.id,
        customerId: subscription.customerId,
        status: subscription.status,
        priceId: subscription.priceId,
        interval: subscription.interval,
        currentPeriodEnd: subscription.currentPeriodEnd,
        cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
        pastDueSince,
      };
      await transaction.subscription.upsert({
        where: { id: subscription.id },
        create: { id: subscription.id, ...state },
        update: state,
      });
      return "applied";
    });
  } catch (error) {
    if (event && isUniqueViolation(error)) return "duplicate";
    throw error;
  }
}

/** The events Folio acts on; any other event is acknowledged and ignored. */
export const handledEvents = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
]);

function subscriptionIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as unknown as Record<string, unknown>;
  switch (event.type) {
    case "checkout.session.completed": {
      const subscription = object.subscription;
      return typeof subscription === "string" ? subscription : null;
    }
    case "invoice.paid":
    case "invoice.payment_failed":
      return invoiceSubscriptionId(event.data.object as Stripe.Invoice);
    default:
      return typeof object.id === "string" ? object.id : null;
  }
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Handles one webhook delivery. 400: the signature does not verify (nothing is read or stored).
 * 200: applied, a duplicate, or an event Folio ignores. 5xx: anything failed (Stripe or the
 * database unreachable): nothing was half-applied and Stripe delivers the event again later.
 */
export async function handleStripeWebhook(
  rawBody: string,
  signature: string | null,
  database: () => Promise<Db> = db,
): Promise<WebhookResponse> {
  let event: Stripe.Event;
  try {
    event = verifyWebhookEvent(rawBody, signature);
  } catch (error) {
    return {
      status: 400,
      body: { error: error instanceof Error ? error.message : "invalid signature" },
    };
  }
  if (!handledEvents.has(event.type))
    return { status: 200, body: { received: true, ignored: event.type } };
  try {
    const subscriptionId = subscriptionIdOf(event);
    if (!subscriptionId)
      return { status: 200, body: { received: true, ignored: "no subscription" } };
    const { subscription, unsettled } = await settledSubscription(subscriptionId, database);
    const outcome = await recordSubscription(
      subscription,
      { id: event.id, type: event.type },
      database,
    );
    if (outcome === "applied" && event.type === "invoice.payment_failed") {
      await notifyPaymentFailed(subscription.customerId, database).catch((error: unknown) =>
        console.error("[folio] payment-failed mail not sent", error),
      );
    }
    // The state is stored either way; a 5xx makes Stripe deliver again, and the redelivery
    // (a "duplicate" for the event ledger) settles the duplicate from where it stopped.
    if (unsettled) throw unsettled;
    return { status: 200, body: { received: true, outcome } };
  } catch (error) {
    console.error(`[folio] webhook ${event.id} (${event.type}) failed; Stripe will retry`, error);
    return { status: 503, body: { error: "temporarily unavailable" } };
  }
}

/**
 * The subscription's state once the reader holds at most one live subscription: a newer duplicate
 * is canceled and refunded first (lib/billing/duplicate-subscriptions.ts) and then read again, so
 * Folio never stores it as live. When settling fails (Stripe or the mail unreachable), the state
 * as read is still returned, with the error: one stuck refund must not stop Folio from recording
 * what happens to the reader's subscriptions.
 */
async function settledSubscription(
  subscriptionId: string,
  database: () => Promise<Db>,
): Promise<{ subscription: FolioSubscription; unsettled: unknown }> {
  const subscription = await retrieveSubscription(subscriptionId);
  try {
    const duplicates = await enforceOneLiveSubscription(
      subscription.customerId,
      database,
      (state) => recordSubscription(state, undefined, database),
    );
    return {
      subscription: duplicates.has(subscription.id)
        ? await retrieveSubscription(subscriptionId)
        : subscription,
      unsettled: null,
    };
  } catch (error) {
    return { subscription, unsettled: error ?? new Error("duplicate subscriptions unsettled") };
  }
}

async function notifyPaymentFailed(customerId: string, database: () => Promise<Db>): Promise<void> {
  const reader = await (
    await database()
  ).user.findUnique({
    where: { stripeCustomerId: customerId },
    select: { email: true },
  });
  if (!reader?.email) return;
  await sendMail(reader.email, paymentFailedMail(defaultLocale, `${env().siteUrl}/account`));
}

/** The reader's Stripe customer, created once. */
async function customerFor(reader: { id: string; email: string | null }): Promise<string> {
  const database = await db();
  const stored = await database.user.findUnique({
    where: { id: reader.id },
    select: { stripeCustomerId: true },
  });
  if (stored?.stripeCustomerId) return stored.stripeCustomerId;
  const customerId = await createCustomer({ userId: reader.id, email: reader.email });
  // The idempotency key makes a racing second request get the same customer back.
  await database.user.updateMany({
    where: { id: reader.id, stripeCustomerId: null },
    data: { stripeCustomerId: customerId },
  });
  return customerId;
}

/**
 * The subscription the account page shows: the reader's live one, else the most recently changed
 * (a duplicate Folio canceled a moment ago must not hide the subscription the reader keeps).
 */
export async function latestSubscription(userId: string) {
  const database = await db();
  const select = {
    status: true,
    currentPeriodEnd: true,
    cancelAtPeriodEnd: true,
    interval: true,
  } as const;
  return (
    (await database.subscription.findFirst({
      where: { userId, status: { in: [...liveStatuses] } },
      orderBy: { updatedAt: "desc" },
      select,
    })) ??
    (await database.subscription.findFirst({
      where: { userId },
      orderBy: { updatedAt: "desc" },
      select,
    }))
  );
}

/** Whether the reader has a subscription that is still running (portal, not a second checkout). */
export async function hasLiveSubscription(userId: string): Promise<boolean> {
  const count = await (
    await db()
  ).subscription.count({
    where: {
      userId,
      status: { in: [...liveStatuses] },
    },
  });
  return count > 0;
}

interface PriceCache {
  at: number;
  failedAt: number;
  prices: PlanPrice[];
}
const priceCache = ((globalThis as { __folioPrices?: PriceCache }).__folioPrices ??= {
  at: 0,
  failedAt: 0,
  prices: [],
});
const priceCacheMs = 5 * 60 * 1000;
const priceRetryMs = 30 * 1000;

/**
 * The plan prices, monthly first; read from Stripe at most every five minutes. When Stripe cannot
 * be reached the last known prices are used (or none), and Stripe is asked again after 30 s, so
 * an outage never slows every reading page down.
 */
export async function planPrices(): Promise<PlanPrice[]> {
  const now = Date.now();
  const fresh = now - priceCache.at < priceCacheMs && priceCache.prices.length > 0;
  if (fresh || now - priceCache.failedAt < priceRetryMs) return priceCache.prices;
  try {
    const prices = await listPlanPrices();
    priceCache.prices = (["month", "year"] as const).flatMap((interval) =>
      prices.filter((price) => price.interval === interval),
    );
    priceCache.at = now;
  } catch (error) {
    priceCache.failedAt = now;
    if (priceCache.prices.length === 0) throw error;
    console.error("[folio] Stripe prices unavailable; showing the last known ones", error);
  }
  return priceCache.prices;
}

/**
 * Where to send a reader who chose a plan: Stripe Checkout for a new subscription, or the portal
 * when they already have one. `returnPath` is a same-site path they come back to.
 */
export async function checkoutUrlFor(
  reader: { id: string; email: string | null },
  interval: PlanInterval,
  returnPath: string,
  locale: Locale = defaultLocale,
): Promise<string> {
  const site = env().siteUrl;
  if (await hasLiveSubscription(reader.id)) return portalUrlFor(reader.id, returnPath);
  const price = (await planPrices()).find((candidate) => candidate.interval === interval);
  if (!price) throw new Error(`no active price for the ${interval} plan: run npm run stripe:setup`);
  const customerId = await customerFor(reader);
  // Folio's table lags behind Stripe until the webhook arrives: Stripe's own list decides too.
  const live = (await listCustomerSubscriptions(customerId)).filter((subscription) =>
    isLiveStatus(subscription.status),
  );
  if (live.length > 0) {
    for (const subscription of live) await recordSubscription(subscription);
    return portalUrlFor(reader.id, returnPath);
  }
  const next = encodeURIComponent(returnPath);
  // Double clicks within ten minutes get the same session back (Stripe replays the response).
  const window = Math.floor(Date.now() / 600_000);
  const key = `folio-checkout-${reader.id}-${price.id}-${locale}-${returnPath}-${window}`;
  const input = {
    userId: reader.id,
    customerId,
    priceId: price.id,
    successUrl: `${site}/api/billing/return?session_id={CHECKOUT_SESSION_ID}&next=${next}`,
    cancelUrl: `${site}${returnPath}`,
    trialDays: env().plans.trialDays,
    locale,
  };
  let checkout = await createCheckoutSession({ ...input, idempotencyKey: key.slice(0, 255) });
  if (checkout.status !== "open") {
    // The replayed session was expired by a later tab (or paid): this click gets a new one.
    checkout = await createCheckoutSession({
      ...input,
      idempotencyKey: `${key.slice(0, 180)}-after-${checkout.id}`.slice(0, 255),
    });
  }
  // One open checkout per reader: the others are expired, so at most one can be paid.
  const url = await keepOneOpenCheckout(customerId, checkout);
  return url ?? portalUrlFor(reader.id, returnPath);
}

/** A portal session for the reader's own stored customer, never one named by the request. */
export async function portalUrlFor(userId: string, returnPath: string): Promise<string> {
  const reader = await (
    await db()
  ).user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } });
  if (!reader?.stripeCustomerId) throw new Error("this reader has no Stripe customer yet");
  return createPortalSession(reader.stripeCustomerId, `${env().siteUrl}${returnPath}`);
}

/**
 * The return from Checkout: records the subscription through the same function the webhook uses,
 * so the page unlocks at once. Only for the reader the session was created for.
 */
export async function confirmCheckout(
  sessionId: string,
  userId: string,
): Promise<"recorded" | "pending" | "refused"> {
  const session = await retrieveCheckoutSession(sessionId);
  if (session.userId !== userId) return "refused";
  if (session.status !== "complete" || !session.subscriptionId) return "pending";
  const { subscription, unsettled } = await settledSubscription(session.subscriptionId, db);
  // The webhook settles it again; the reader's return is recorded all the same.
  if (unsettled) console.error("[folio] duplicate subscriptions not settled yet", unsettled);
  const outcome = await recordSubscription(subscription);
  return outcome === "applied" ? "recorded" : "refused";
}
