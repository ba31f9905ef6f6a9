import { describe, expect, it } from "vitest";
import { canReadPaid, hasFullAccess, type Entitlement, type Viewer } from "@/lib/reading/access";
import { mayReadAllPaidText } from "@/lib/reading/documents";

const now = new Date("2026-06-01T12:00:00Z");
const paidDocument = { paidRegions: 2 };
const freeDocument = { paidRegions: 0 };
const reader = (entitlement: Entitlement): Viewer => ({
  kind: "reader",
  userId: "u1",
  entitlement,
});
const full = (until: string | null, source: "grant" | "subscription" = "grant"): Entitlement => ({
  kind: "full",
  until: until === null ? null : new Date(until),
  source,
});

describe("canReadPaid", () => {
  it.each<[string, Viewer, { paidRegions: number }, boolean]>([
    ["anonymous, paid document", { kind: "anonymous" }, paidDocument, false],
    ["anonymous, free document", { kind: "anonymous" }, freeDocument, true],
    ["reader without entitlement", reader({ kind: "none" }), paidDocument, false],
    ["reader with open-ended grant", reader(full(null)), paidDocument, true],
    [
      "reader with subscription until later",
      reader(full("2026-07-01T00:00:00Z", "subscription")),
      paidDocument,
      true,
    ],
    [
      "reader whose access ended a second ago",
      reader(full("2026-06-01T11:59:59Z")),
      paidDocument,
      false,
    ],
    [
      "reader whose access ends exactly now",
      reader(full("2026-06-01T12:00:00Z")),
      paidDocument,
      false,
    ],
    [
      "reader whose access ends in a millisecond",
      reader(full("2026-06-01T12:00:00.001Z")),
      paidDocument,
      true,
    ],
    ["the page cache's entitled rendering", { kind: "entitled-rendering" }, paidDocument, true],
    ["unknown viewer kind", { kind: "admin" } as unknown as Viewer, paidDocument, false],
    [
      "unknown entitlement kind",
      reader({ kind: "lifetime" } as unknown as Entitlement),
      paidDocument,
      false,
    ],
    ["entitlement with an invalid date", reader(full("not a date")), paidDocument, false],
  ])("%s → %s", (_name, viewer, document, expected) => {
    expect(canReadPaid(viewer, document, now)).toBe(expected);
  });
});

describe("hasFullAccess", () => {
  it.each<[Entitlement, boolean]>([
    [{ kind: "none" }, false],
    [full(null), true],
    [full("2026-06-02T00:00:00Z"), true],
    [full("2026-05-01T00:00:00Z"), false],
  ])("%j → %s", (entitlement, expected) => {
    expect(hasFullAccess(entitlement, now)).toBe(expected);
  });
});

describe("mayReadAllPaidText (the page cache's full pages)", () => {
  it.each<[string, Viewer, boolean]>([
    ["anonymous", { kind: "anonymous" }, false],
    ["reader without entitlement", reader({ kind: "none" }), false],
    [
      "reader with a subscription until later",
      reader(full("2026-07-01T00:00:00Z", "subscription")),
      true,
    ],
    ["reader with an open-ended grant", reader(full(null)), true],
    ["reader whose access ended", reader(full("2026-06-01T11:59:59Z")), false],
    ["the entitled rendering", { kind: "entitled-rendering" }, true],
    ["unknown viewer kind", { kind: "admin" } as unknown as Viewer, false],
    ["a viewer that throws", null as unknown as Viewer, false],
  ])("%s → %s", (_name, viewer, expected) => {
    expect(mayReadAllPaidText(viewer, now)).toBe(expected);
  });
});
