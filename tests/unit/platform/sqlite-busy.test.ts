import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  busyRetryDelayMs,
  DEFAULT_BUSY_RETRY,
  isSqliteBusy,
  retryWhileBusy,
  type BusyRetryPolicy,
  type RetryClock,
} from "@/lib/db/sqlite-busy";

const sqliteError = (code: string) => Object.assign(new Error(code), { code });
const adapterError = (originalCode: string) =>
  Object.assign(new Error("adapter"), { cause: { kind: "SocketTimeout", originalCode } });

describe("isSqliteBusy", () => {
  it.each([
    [sqliteError("SQLITE_BUSY"), true],
    [sqliteError("SQLITE_BUSY_SNAPSHOT"), true],
    [sqliteError("SQLITE_BUSY_RECOVERY"), true],
    [adapterError("SQLITE_BUSY"), true],
    [sqliteError("SQLITE_BUSYNESS"), false],
    [sqliteError("SQLITE_LOCKED"), false],
    [sqliteError("SQLITE_CONSTRAINT_UNIQUE"), false],
    [adapterError("SQLITE_CONSTRAINT"), false],
    [new Error("database is locked"), false],
    [null, false],
    ["SQLITE_BUSY", false],
  ])("%o → %s", (error, busy) => {
    expect(isSqliteBusy(error)).toBe(busy);
  });
});

describe("busyRetryDelayMs", () => {
  it("doubles from the first delay up to the cap, jittered within its upper half", () => {
    fc.assert(
      fc.property(
        fc.nat(60),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 20, max: 500 }),
        (attempt, random, firstDelayMs, maxDelayMs) => {
          const policy = { budgetMs: 1_000, firstDelayMs, maxDelayMs };
          const ceiling = Math.min(maxDelayMs, firstDelayMs * 2 ** attempt);
          const delay = busyRetryDelayMs(attempt, policy, () => random);
          expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});

/** A clock whose sleeps only move its time forward; records every sleep. */
function fakeClock(): RetryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe("retryWhileBusy", () => {
  const policy: BusyRetryPolicy = { budgetMs: 1_000, firstDelayMs: 2, maxDelayMs: 50 };

  it("retries a busy operation until it succeeds", async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await retryWhileBusy(
      async () => {
        calls += 1;
        if (calls < 5) throw sqliteError("SQLITE_BUSY");
        return "written";
      },
      policy,
      clock,
    );
    expect(result).toBe("written");
    expect(calls).toBe(5);
    expect(clock.slept).toHaveLength(4);
  });

  it("passes the busy error on once the budget is spent, having waited exactly the budget", async () => {
    const clock = fakeClock();
    const busy = adapterError("SQLITE_BUSY");
    let calls = 0;
    await expect(
      retryWhileBusy(
        async () => {
          calls += 1;
          throw busy;
        },
        policy,
        clock,
      ),
    ).rejects.toBe(busy);
    expect(clock.slept.reduce((sum, ms) => sum + ms, 0)).toBe(policy.budgetMs);
    expect(calls).toBeGreaterThan(20);
    expect(Math.max(...clock.slept)).toBeLessThanOrEqual(policy.maxDelayMs);
  });

  it("does not retry any other error", async () => {
    const clock = fakeClock();
    const unique = sqliteError("SQLITE_CONSTRAINT_UNIQUE");
    let calls = 0;
    await expect(
      retryWhileBusy(
        async () => {
          calls += 1;
          throw unique;
        },
        DEFAULT_BUSY_RETRY,
        clock,
      ),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
  });
});
