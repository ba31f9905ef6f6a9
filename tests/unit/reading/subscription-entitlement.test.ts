import { describe, expect, it } from "vitest";
import {
  entitlementFromSubscription,
  entitlementOfReader,
  renewalLeewayMs,
  type SubscriptionRecord,
} from "@/lib/reading/entitlement";

const now = new Date("2026-06-15T12:00:00Z");
const policy = { pastDueGraceDays: 7 };
const day = 24 * 60 * 60 * 1000;
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
const subscription = (overrides: Partial<SubscriptionRecord>): SubscriptionRecord => ({
  status: "active",
  currentPeriodEnd: at(10 * day),
  cancelAtPeriodEnd: false,
  pastDueSince: null,
  ...overrides,
});

describe("entitlementFromSubscription", () => {
  it.each<[string, Partial<SubscriptionRecord>, boolean]>([
    ["active", {}, true],
    ["trialing", { status: "trialing" }, true],
    ["active, period ended yesterday (renewal event late)", { currentPeriodEnd: at(-day) }, true],
    [
      "active, period ended beyond the leeway",
      { currentPeriodEnd: at(-renewalLeewayMs - 1) },
      false,
    ],
    ["canceling at period end, before it", { cancelAtPeriodEnd: true }, true],
    [
      "canceling at period end, after it",
      { cancelAtPeriodEnd: true, currentPeriodEnd: at(-1) },
      false,
    ],
    ["past_due within the grace period", { status: "past_due", pastDueSince: at(-6 * day) }, true],
    [
      "past_due beyond the grace period",
      { status: "past_due", pastDueSince: at(-7 * day - 1) },
      false,
    ],
    [
      "past_due without a start (never seen past_due)",
      { status: "past_due", pastDueSince: null },
      false,
    ],
    ["canceled", { status: "canceled" }, false],
    ["unpaid", { status: "unpaid" }, false],
    ["incomplete", { status: "incomplete" }, false],
    ["incomplete_expired", { status: "incomplete_expired" }, false],
    ["paused", { status: "paused" }, false],
    ["a status Stripe adds later", { status: "frozen" }, false],
    ["an invalid period end", { currentPeriodEnd: new Date(Number.NaN) }, false],
  ])("%s → access %s", (_name, overrides, granted) => {
    const entitlement = entitlementFromSubscription(subscription(overrides), now, policy);
    expect(entitlement.kind === "full").toBe(granted);
    if (entitlement.kind === "full") expect(entitlement.source).toBe("subscription");
  });

  it("ends a past_due grace period exactly grace days after it began", () => {
    const entitlement = entitlementFromSubscription(
      subscription({ status: "past_due", pastDueSince: at(-day) }),
      now,
      policy,
    );
    expect(entitlement).toEqual({ kind: "full", until: at(6 * day), source: "subscription" });
  });
});

describe("entitlementOfReader", () => {
  it("takes the longest of grants and subscriptions", () => {
    const result = entitlementOfReader(
      {
        grants: [{ until: at(30 * day), revokedAt: null }],
        subscriptions: [subscription({ cancelAtPeriodEnd: true, currentPeriodEnd: at(40 * day) })],
      },
      now,
      policy,
    );
    expect(result).toEqual({ kind: "full", until: at(40 * day), source: "subscription" });
  });

  it("grants nothing from a canceled subscription and an expired grant", () => {
    const result = entitlementOfReader(
      {
        grants: [{ until: at(-1), revokedAt: null }],
        subscriptions: [subscription({ status: "canceled" })],
      },
      now,
      policy,
    );
    expect(result).toEqual({ kind: "none" });
  });
});
