import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  maxDeliveryAttempts,
  nextAttemptAfterFailure,
  retryDelayMs,
} from "@/lib/mail/retry-policy";

describe("mail retry policy", () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 1_920_000],
    [8, 3_600_000],
    [50, 3_600_000],
  ])("after %i failures waits %i ms", (failures, wait) => {
    expect(retryDelayMs(failures)).toBe(wait);
  });

  it("never waits less after more failures, and never more than an hour", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (failures) => {
        expect(retryDelayMs(failures + 1)).toBeGreaterThanOrEqual(retryDelayMs(failures));
        expect(retryDelayMs(failures)).toBeLessThanOrEqual(3_600_000);
      }),
    );
  });

  it("gives up after the last attempt", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(nextAttemptAfterFailure(maxDeliveryAttempts - 1, now)).toEqual(
      new Date(now.getTime() + retryDelayMs(maxDeliveryAttempts - 1)),
    );
    expect(nextAttemptAfterFailure(maxDeliveryAttempts, now)).toBeNull();
  });
});
