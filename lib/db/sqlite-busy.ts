/**
 * Waiting for another process's SQLite write lock without blocking the event loop.
 *
 * better-sqlite3 is synchronous: its busy handler (busy_timeout) sleeps on the calling thread, and
 * in a Node server that thread serves every request. So Folio's connections wait only a couple of
 * milliseconds inside SQLite (SQLITE_BUSY_WAIT_MS), and a statement or transaction start that is
 * still refused with SQLITE_BUSY is tried again later from a timer, with growing, jittered delays,
 * until a budget runs out. Between tries the event loop serves everyone else.
 */

/** How long SQLite itself may block the thread waiting for a lock, per statement. */
export const SQLITE_BUSY_WAIT_MS = 2;

export interface BusyRetryPolicy {
  /** Total time to keep trying before the SQLITE_BUSY error is passed on. */
  budgetMs: number;
  /** Delay before the first retry; each later delay doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/** The budget matches the 10 s busy timeout Folio used before, so no write gives up sooner. */
export const DEFAULT_BUSY_RETRY: BusyRetryPolicy = {
  budgetMs: 10_000,
  firstDelayMs: 2,
  maxDelayMs: 50,
};

/**
 * SQLITE_BUSY and its extended codes, from better-sqlite3 (SqliteError.code) or wrapped by Prisma's
 * adapter (DriverAdapterError.cause.originalCode). SQLITE_LOCKED (a conflict inside one
 * connection) is not retried: waiting cannot resolve it.
 */
export function isSqliteBusy(error: unknown): boolean {
  const codeOf = (value: unknown): unknown =>
    typeof value === "object" && value !== null ? (value as { code?: unknown }).code : undefined;
  const cause =
    typeof error === "object" && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const originalCode =
    typeof cause === "object" && cause !== null
      ? (cause as { originalCode?: unknown }).originalCode
      : undefined;
  return [codeOf(error), originalCode].some(
    (code) => typeof code === "string" && /^SQLITE_BUSY(_|$)/.test(code),
  );
}

/** The delay before retry number `attempt` (0-based): exponential, capped, half of it jittered. */
export function busyRetryDelayMs(
  attempt: number,
  policy: BusyRetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (random() * ceiling) / 2;
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `operation` and, while it fails with SQLITE_BUSY, runs it again after a delay, until the
 * budget is spent; then the last SQLITE_BUSY error is thrown. Only for operations that change
 * nothing when they fail with SQLITE_BUSY: a statement in autocommit mode, or `BEGIN IMMEDIATE`.
 */
export async function retryWhileBusy<T>(
  operation: () => Promise<T>,
  policy: BusyRetryPolicy = DEFAULT_BUSY_RETRY,
  clock: RetryClock = realClock,
): Promise<T> {
  const deadline = clock.now() + policy.budgetMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      const remaining = deadline - clock.now();
      if (remaining <= 0) throw error;
      await clock.sleep(Math.min(remaining, busyRetryDelayMs(attempt, policy)));
    }
  }
}
