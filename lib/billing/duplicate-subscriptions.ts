import "server-only";
import { env } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { formatPrice } from "@/lib/billing/format";
import { splitDuplicates, splitOpenCheckouts } from "@/lib/billing/live-subscriptions";
import {
  cancelSubscriptionNow,
  expireCheckoutSession,
  listCustomerSubscriptions,
  listOpenCheckoutSessions,
  refundSubscriptionPayments,
  retrieveSubscription,
  type CheckoutResult,
  type FolioSubscription,
} from "@/lib/billing/stripe";
import { defaultLocale, isLocale, type Locale } from "@/lib/i18n";
import { canSendMail, sendMail } from "@/lib/mail/mailer";
import { duplicateSubscriptionMail } from "@/lib/mail/templates";

/**
 * One reader, one live subscription (issue 9, finding 7). Checkout is the first line: it keeps at
 * most one open Checkout Session per reader (keepOneOpenCheckout). What still slips through (two
 * tabs paid before either webhook arrived, a race) is settled here from the webhook: the reader
 * keeps the oldest live subscription, every newer live one is canceled at once, refunded in full
 * and the reader told by mail.
 *
 * Idempotent by construction: the decision is made from Stripe's own list (not from the event,
 * so order does not matter), the DuplicateSubscription row is the ledger (created once, finished
 * once, mailed once), and every Stripe write carries an idempotency key.
 */

type RecordState = (subscription: FolioSubscription) => Promise<unknown>;

/**
 * Settles the customer's subscriptions. Answers the ids of every subscription of this customer
 * that Folio ever canceled as a duplicate, so the caller re-reads one of them before storing it.
 * Throws when Stripe, the database or the mail fails: the webhook answers 5xx and Stripe retries,
 * and the retry finishes the work from the ledger.
 */
export async function enforceOneLiveSubscription(
  customerId: string,
  database: () => Promise<Db>,
  recordState: RecordState,
): Promise<Set<string>> {
  const client = await database();
  const owner = await client.user.findUnique({
    where: { stripeCustomerId: customerId },
    select: { id: true, email: true },
  });
  // A customer Folio did not create is not Folio's to cancel or refund.
  if (!owner) return new Set();
  const { keep, duplicates } = splitDuplicates(await listCustomerSubscriptions(customerId));
  if (keep) {
    // A subscriber has nothing left to pay: any checkout still open would only be a duplicate.
    for (const session of await listOpenCheckoutSessions(customerId)) {
      await expireCheckoutSession(session.id);
    }
  }
  for (const duplicate of duplicates) {
    if (!keep) break;
    await client.duplicateSubscription
      .create({
        data: {
          subscriptionId: duplicate.id,
          userId: owner.id,
          customerId,
          keptSubscriptionId: keep.id,
        },
      })
      .catch((error: unknown) => {
        // Another delivery recorded it first: the row below is finished all the same.
        if (!isUniqueViolation(error)) throw error;
      });
  }
  const ledger = await client.duplicateSubscription.findMany({ where: { customerId } });
  const locales = new Map<string, string | null>();
  for (const subscription of duplicates) locales.set(subscription.id, subscription.locale);
  for (const row of ledger) {
    if (!row.refundedAt) {
      await cancelSubscriptionNow(row.subscriptionId, `duplicate of ${row.keptSubscriptionId}`);
      const refund = await refundSubscriptionPayments(row.subscriptionId, {
        folioReason: "duplicate-subscription",
        folioKeptSubscriptionId: row.keptSubscriptionId,
      });
      await recordState(await retrieveSubscription(row.subscriptionId));
      await client.duplicateSubscription.updateMany({
        where: { subscriptionId: row.subscriptionId, refundedAt: null },
        data: { refundedAt: new Date(), refundedAmount: refund.amount, currency: refund.currency },
      });
      row.refundedAmount = refund.amount;
      row.currency = refund.currency;
    }
    if (!row.notifiedAt) {
      await notifyOnce(client, row, owner.email, locales.get(row.subscriptionId) ?? null);
    }
  }
  return new Set(ledger.map((row) => row.subscriptionId));
}

/** The mail, at most once per duplicate: the row is claimed first, and released if sending fails. */
async function notifyOnce(
  client: Db,
  row: { subscriptionId: string; refundedAmount: number; currency: string | null },
  email: string | null,
  subscriptionLocale: string | null,
): Promise<void> {
  const claimed = await client.duplicateSubscription.updateMany({
    where: { subscriptionId: row.subscriptionId, notifiedAt: null },
    data: { notifiedAt: new Date() },
  });
  if (claimed.count !== 1) return;
  if (!email || !canSendMail()) {
    console.error(`[folio] duplicate ${row.subscriptionId} refunded; the reader cannot be mailed`);
    return;
  }
  const locale: Locale =
    subscriptionLocale && isLocale(subscriptionLocale) ? subscriptionLocale : defaultLocale;
  const amount = formatPrice(locale, row.refundedAmount, row.currency ?? env().plans.currency);
  try {
    await sendMail(email, duplicateSubscriptionMail(locale, amount, `${env().siteUrl}/account`));
  } catch (error) {
    await client.duplicateSubscription.updateMany({
      where: { subscriptionId: row.subscriptionId },
      data: { notifiedAt: null },
    });
    throw error;
  }
}

/**
 * After creating a Checkout Session: the reader keeps one open session, the newest. Every other
 * one is expired, so it can no longer be paid. Answers the URL to send the reader to: the
 * survivor (a racing request may have created a newer one), or null when one of the reader's
 * sessions was paid meanwhile (then the caller sends them to the portal instead).
 */
export async function keepOneOpenCheckout(
  customerId: string,
  created: CheckoutResult,
): Promise<string | null> {
  const open = await listOpenCheckoutSessions(customerId);
  if (created.status === "open" && !open.some((session) => session.id === created.id)) {
    // Stripe's list can lag a moment behind the create; the session just made is the newest.
    open.unshift(created);
  }
  const { keep, expire } = splitOpenCheckouts(open);
  let paidMeanwhile = false;
  for (const session of expire) {
    if ((await expireCheckoutSession(session.id)) === "complete") paidMeanwhile = true;
  }
  if (paidMeanwhile && keep) {
    await expireCheckoutSession(keep.id);
    return null;
  }
  return keep?.url ?? null;
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002"
  );
}
