import type { Entitlement } from "@/lib/reading/access";

/**
 * A reader's entitlement from what the database holds about them — complimentary grants and Stripe
 * subscriptions — as one pure function, evaluated on every request that could show paid text and
 * never stored in a session. The longest access wins.
 */
export interface GrantRecord {
  until: Date | null;
  revokedAt: Date | null;
}

export interface SubscriptionRecord {
  status: string;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  /** When the subscription was first seen past_due (the grace period counts from here). */
  pastDueSince: Date | null;
}

export interface EntitlementPolicy {
  /** How long a past_due subscription (Stripe still retrying the payment) keeps access. */
  pastDueGraceDays: number;
}

/**
 * A renewing subscription's period may end a little before the webhook that renews it arrives;
 * access continues for this long past the period end so a late event never locks out a payer.
 * A subscription set to cancel at period end gets no such leeway.
 */
export const renewalLeewayMs = 2 * 24 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

const none: Entitlement = { kind: "none" };

export function entitlementFromGrant(grant: GrantRecord, now: Date): Entitlement {
  if (grant.revokedAt !== null) return none;
  if (grant.until === null) return { kind: "full", until: null, source: "grant" };
  return now.getTime() < grant.until.getTime()
    ? { kind: "full", until: grant.until, source: "grant" }
    : none;
}

/** Stripe's statuses: active and trialing grant, past_due grants for the grace period, the rest do not. */
export function entitlementFromSubscription(
  subscription: SubscriptionRecord,
  now: Date,
  policy: EntitlementPolicy,
): Entitlement {
  let end: number;
  switch (subscription.status) {
    case "active":
    case "trialing":
      end =
        subscription.currentPeriodEnd.getTime() +
        (subscription.cancelAtPeriodEnd ? 0 : renewalLeewayMs);
      break;
    case "past_due":
      if (!subscription.pastDueSince) return none;
      end = subscription.pastDueSince.getTime() + policy.pastDueGraceDays * dayMs;
      break;
    default:
      // canceled, unpaid, incomplete, incomplete_expired, paused, and anything Stripe adds later
      return none;
  }
  return Number.isFinite(end) && now.getTime() < end
    ? { kind: "full", until: new Date(end), source: "subscription" }
    : none;
}

/** The longer of two entitlements ("no end" beats any date). */
export function longerEntitlement(first: Entitlement, second: Entitlement): Entitlement {
  if (first.kind === "none") return second;
  if (second.kind === "none") return first;
  if (first.until === null) return first;
  if (second.until === null) return second;
  return second.until > first.until ? second : first;
}

export function entitlementOfReader(
  records: { grants: readonly GrantRecord[]; subscriptions: readonly SubscriptionRecord[] },
  now: Date,
  policy: EntitlementPolicy,
): Entitlement {
  return [
    ...records.grants.map((grant) => entitlementFromGrant(grant, now)),
    ...records.subscriptions.map((subscription) =>
      entitlementFromSubscription(subscription, now, policy),
    ),
  ].reduce(longerEntitlement, none);
}
