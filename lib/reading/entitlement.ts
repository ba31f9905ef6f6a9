import type { Entitlement } from "@/lib/reading/access";

/**
 * A reader's entitlement from what the database holds about them: pure, evaluated on every request
 * that reads paid text, never stored in a session. The subscriptions work adds Stripe
 * subscriptions as a second source; the longest access wins.
 */
export interface GrantRecord {
  until: Date | null;
  revokedAt: Date | null;
}

export function entitlementFromGrants(grants: readonly GrantRecord[], now: Date): Entitlement {
  let best: Entitlement = { kind: "none" };
  for (const grant of grants) {
    if (grant.revokedAt !== null) continue;
    if (grant.until === null) return { kind: "full", until: null, source: "grant" };
    if (!(grant.until.getTime() > now.getTime())) continue;
    if (best.kind === "none" || (best.until !== null && grant.until > best.until)) {
      best = { kind: "full", until: grant.until, source: "grant" };
    }
  }
  return best;
}
