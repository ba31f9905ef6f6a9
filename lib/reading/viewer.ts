import "server-only";
import { getSignedInReader } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { anonymousViewer, type Entitlement, type Viewer } from "@/lib/reading/access";
import { env } from "@/lib/config/env";
import { entitlementOfReader } from "@/lib/reading/entitlement";

/**
 * The viewer of the current request: anonymous, or a signed-in reader with the entitlement their
 * grants and subscriptions give them right now. Only a valid session (checked against the database) makes a reader;
 * no header, query parameter or environment variable can. Errors fall back to no access.
 */
export async function getViewer(now: Date = new Date()): Promise<Viewer> {
  const reader = await getSignedInReader();
  if (!reader) return anonymousViewer;
  return { kind: "reader", userId: reader.id, entitlement: await entitlementOf(reader.id, now) };
}

export async function entitlementOf(userId: string, now: Date): Promise<Entitlement> {
  try {
    const database = await db();
    const [grants, subscriptions] = await Promise.all([
      database.accessGrant.findMany({
        where: { userId, revokedAt: null },
        select: { until: true, revokedAt: true },
      }),
      database.subscription.findMany({
        where: { userId },
        select: {
          status: true,
          currentPeriodEnd: true,
          cancelAtPeriodEnd: true,
          pastDueSince: true,
        },
      }),
    ]);
    return entitlementOfReader({ grants, subscriptions }, now, {
      pastDueGraceDays: env().plans.pastDueGraceDays,
    });
  } catch (error) {
    console.error("[folio] entitlement lookup failed; no paid access on this request", error);
    return { kind: "none" };
  }
}
