import { describe, expect, it } from "vitest";
import type { Entitlement } from "@/lib/reading/access";
import { entitlementOfReader, type GrantRecord } from "@/lib/reading/entitlement";

const now = new Date("2026-06-01T00:00:00Z");
const grant = (until: string | null, revokedAt: string | null = null): GrantRecord => ({
  until: until ? new Date(until) : null,
  revokedAt: revokedAt ? new Date(revokedAt) : null,
});

// A reader's grants through the function every request uses (subscriptions: unit/reading/subscription-entitlement.test.ts).
describe("entitlementOfReader with grants only", () => {
  it.each<[string, GrantRecord[], Entitlement]>([
    ["no grants", [], { kind: "none" }],
    [
      "a grant until later",
      [grant("2026-07-01T00:00:00Z")],
      { kind: "full", until: new Date("2026-07-01T00:00:00Z"), source: "grant" },
    ],
    ["an expired grant", [grant("2026-05-31T23:59:59Z")], { kind: "none" }],
    ["a grant ending now", [grant("2026-06-01T00:00:00Z")], { kind: "none" }],
    ["a revoked grant", [grant(null, "2026-05-01T00:00:00Z")], { kind: "none" }],
    ["an open-ended grant", [grant(null)], { kind: "full", until: null, source: "grant" }],
    [
      "the longest of several",
      [grant("2026-06-10T00:00:00Z"), grant("2026-08-01T00:00:00Z"), grant("2026-07-01T00:00:00Z")],
      { kind: "full", until: new Date("2026-08-01T00:00:00Z"), source: "grant" },
    ],
    [
      "open-ended beats dated",
      [grant("2026-08-01T00:00:00Z"), grant(null)],
      { kind: "full", until: null, source: "grant" },
    ],
    [
      "revoked open-ended, active dated",
      [grant(null, "2026-05-01T00:00:00Z"), grant("2026-07-01T00:00:00Z")],
      { kind: "full", until: new Date("2026-07-01T00:00:00Z"), source: "grant" },
    ],
  ])("%s", (_name, grants, expected) => {
    expect(
      entitlementOfReader({ grants, subscriptions: [] }, now, { pastDueGraceDays: 7 }),
    ).toEqual(expected);
  });
});
