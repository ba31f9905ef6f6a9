/**
 * One reader, one live subscription (issue 9, finding 7): which subscriptions count as live, and
 * which one a reader keeps when several slipped through. Pure: no Stripe, no database.
 *
 * Live = every status from which a subscription can charge the reader or grant access again
 * without a new checkout: active, trialing and past_due grant access now; incomplete becomes
 * active once its first payment completes; unpaid and paused become active when the open invoice
 * is paid or the plan resumed. Only canceled and incomplete_expired are final. A second live
 * subscription is therefore always a second charge waiting to happen.
 */
export const liveStatuses = [
  "active",
  "trialing",
  "past_due",
  "incomplete",
  "unpaid",
  "paused",
] as const;

/** The live statuses under which the reader can read paid text now (lib/reading/entitlement.ts). */
export const grantingStatuses: ReadonlySet<string> = new Set(["active", "trialing", "past_due"]);

export function isLiveStatus(status: string): boolean {
  return (liveStatuses as readonly string[]).includes(status);
}

export interface SubscriptionCandidate {
  id: string;
  status: string;
  /** Unix seconds, as Stripe reports `created`. */
  created: number;
}

/**
 * Of one reader's subscriptions, in Stripe's list order (newest first), the live one they keep and
 * the live ones to cancel and refund. The keeper is the oldest live subscription that grants
 * access (so a reader who paid is never left with only an unpaid or paused one), else the oldest
 * live one. `created` has one-second resolution: ties keep Stripe's order, which is exact, so
 * every webhook handler that reads the same list decides the same way.
 */
export function splitDuplicates<T extends SubscriptionCandidate>(
  newestFirst: readonly T[],
): { keep: T | null; duplicates: T[] } {
  const live = [...newestFirst]
    .reverse()
    .filter((subscription) => isLiveStatus(subscription.status))
    // Stable sort: equal keys stay oldest first.
    .sort(
      (a, b) =>
        Number(grantingStatuses.has(b.status)) - Number(grantingStatuses.has(a.status)) ||
        a.created - b.created,
    );
  const [keep = null, ...duplicates] = live;
  return { keep, duplicates };
}

export interface OpenCheckout {
  id: string;
  url: string;
  created: number;
}

/**
 * Of a reader's open Checkout Sessions, in Stripe's list order (newest first), the one that stays
 * open (the newest) and the ones to expire. Ties on `created` keep Stripe's exact order, so two
 * requests that race both pick the same survivor.
 */
export function splitOpenCheckouts<T extends OpenCheckout>(
  newestFirst: readonly T[],
): { keep: T | null; expire: T[] } {
  // Stable sort: a list already newest first (as Stripe's is) keeps its order.
  const [keep = null, ...expire] = [...newestFirst].sort((a, b) => b.created - a.created);
  return { keep, expire };
}
