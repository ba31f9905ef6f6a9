import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  grantingStatuses,
  isLiveStatus,
  liveStatuses,
  splitDuplicates,
  splitOpenCheckouts,
} from "@/lib/billing/live-subscriptions";
import { entitlementFromSubscription } from "@/lib/reading/entitlement";

const allStatuses = [
  "active",
  "trialing",
  "past_due",
  "incomplete",
  "unpaid",
  "paused",
  "canceled",
  "incomplete_expired",
] as const;

describe("live statuses", () => {
  it.each(
    allStatuses.map((status) => [
      status,
      !status.includes("canceled") && status !== "incomplete_expired",
    ]),
  )("%s is live: %s", (status, live) => {
    expect(isLiveStatus(status)).toBe(live);
  });

  it("grant access exactly where the entitlement does, and every one of those is live", () => {
    const now = new Date("2027-01-01T00:00:00Z");
    const granting = allStatuses.filter(
      (status) =>
        entitlementFromSubscription(
          {
            status,
            currentPeriodEnd: new Date("2027-02-01T00:00:00Z"),
            cancelAtPeriodEnd: false,
            pastDueSince: now,
          },
          now,
          { pastDueGraceDays: 7 },
        ).kind === "full",
    );
    expect([...grantingStatuses].sort()).toEqual([...granting].sort());
    for (const status of granting) expect(liveStatuses).toContain(status);
  });
});

/** Subscriptions as Stripe lists them: newest first, `created` in whole seconds (ties happen). */
const newestFirstList = fc
  .array(
    fc.record({ status: fc.constantFrom(...allStatuses), created: fc.integer({ min: 0, max: 5 }) }),
    { maxLength: 8 },
  )
  .map((items) =>
    items
      .sort((a, b) => b.created - a.created)
      .map((item, index) => ({ ...item, id: `sub_${String(index).padStart(2, "0")}` })),
  );

describe("splitDuplicates", () => {
  it("keeps one live subscription and cancels every other live one, nothing ended", () => {
    fc.assert(
      fc.property(newestFirstList, (list) => {
        const { keep, duplicates } = splitDuplicates(list);
        const live = list.filter((subscription) => isLiveStatus(subscription.status));
        expect(keep === null).toBe(live.length === 0);
        const decided = [...(keep ? [keep] : []), ...duplicates];
        expect(decided.map((s) => s.id).sort()).toEqual(live.map((s) => s.id).sort());
      }),
    );
  });

  it("keeps the oldest that grants access, else the oldest live one", () => {
    fc.assert(
      fc.property(newestFirstList, (list) => {
        const { keep } = splitDuplicates(list);
        const oldestFirst = [...list].reverse();
        const granting = oldestFirst.filter((s) => grantingStatuses.has(s.status));
        const expected = granting[0] ?? oldestFirst.find((s) => isLiveStatus(s.status)) ?? null;
        expect(keep).toBe(expected);
      }),
    );
  });

  it.each([
    ["both active: the older", ["active", "active"], "sub_old"],
    [
      "older unpaid, newer active: the one the reader can read with",
      ["unpaid", "active"],
      "sub_new",
    ],
    ["older active, newer incomplete: the older", ["active", "incomplete"], "sub_old"],
    ["older canceled: the newer, no duplicate", ["canceled", "active"], "sub_new"],
  ])("%s", (_name, [olderStatus, newerStatus], kept) => {
    const { keep, duplicates } = splitDuplicates([
      { id: "sub_new", status: newerStatus!, created: 20 },
      { id: "sub_old", status: olderStatus!, created: 10 },
    ]);
    expect(keep?.id).toBe(kept);
    expect(duplicates.map((s) => s.id)).toEqual(
      olderStatus === "canceled" ? [] : [kept === "sub_old" ? "sub_new" : "sub_old"],
    );
  });
});

describe("splitOpenCheckouts", () => {
  it("keeps the first of Stripe's newest-first list, even when several share a second", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
        (seconds) => {
          const list = [...seconds]
            .sort((a, b) => b - a)
            .map((created, index) => ({ id: `cs_${index}`, url: `u${index}`, created }));
          const { keep, expire } = splitOpenCheckouts(list);
          expect(keep).toBe(list[0]);
          expect(expire).toEqual(list.slice(1));
        },
      ),
    );
  });

  it("keeps nothing when nothing is open", () => {
    expect(splitOpenCheckouts([])).toEqual({ keep: null, expire: [] });
  });
});
