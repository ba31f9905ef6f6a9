import "server-only";
import Redis from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterPrisma,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { rememberDenied } from "@/lib/auth/limit-mirror";
import { env } from "@/lib/config/env";
import { db, type Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/sqlite";
import {
  emailLimitKey,
  LIMIT_KEY_PREFIX,
  LIMIT_POLICY,
  limitKeys,
  retryAfterSeconds,
  type LimitDecision,
  type LimitDimension,
  type LimitedAction,
  type LimitSubject,
  type WindowLimit,
} from "@/lib/auth/rate-limit-policy";

export type { LimitDecision, LimitedAction, LimitSubject } from "@/lib/auth/rate-limit-policy";

/**
 * Sign-in abuse limits: counts password sign-in attempts, email-code guesses and sign-in/reset mail
 * per email address and per client IP (the numbers are LIMIT_POLICY in rate-limit-policy.ts).
 *
 * The module never looks up users: it only counts keys, so a caller that consumes a limit before
 * anything else answers the same way whether or not the account exists.
 *
 * Store: Redis when REDIS_URL is set (shared by every server process), else the database's
 * RateLimit table (shared by every process on that database).
 *
 * Failure policy: when the store fails (database or Redis down, a timeout, a busy SQLite file),
 * each limit falls back to an in-process RateLimiterMemory with the same numbers. Failing closed
 * would lock every reader out of signing in while Redis (which nothing else needs) is down or the
 * database has a hiccup; failing open would switch the brute-force protection off exactly when
 * someone can make the store fail, e.g. by flooding it. The in-process counters keep the limits per server process (several processes
 * together allow a multiple of them, and the counts restart) – weaker, but never off. This is
 * what rate-limiter-flexible's `insuranceLimiter` option does; it is done here instead so that
 * the first failure is logged with its cause (once per outage, and once when the store answers
 * again), and so that a lost first-insert race in the database is retried before giving up on it.
 */

/** Just the table the database store uses (so a test can hand in a failing one). */
export type RateLimitDatabase = Pick<Db, "rateLimit">;

export type RateLimitStore =
  /** `database` is called for every query, so a database that is down at startup is retried. */
  | { kind: "database"; database: () => Promise<RateLimitDatabase> }
  | { kind: "redis"; client: Redis };

export interface RateLimitLogger {
  error(message: string, error?: unknown): void;
  info(message: string): void;
}

export interface RateLimits {
  /**
   * Counts one attempt of `action` for the email and the IP; denied if either is over its limit.
   * Both counters count every attempt, denied ones too; a denial lasts to the end of the later window.
   */
  consume(action: LimitedAction, subject: LimitSubject): Promise<LimitDecision>;
  /** Clears the per-email counter of `action` (after a success); the per-IP one keeps counting. */
  reset(action: LimitedAction, email: string): Promise<void>;
}

interface Limiter {
  store: RateLimiterAbstract;
  fallback: RateLimiterMemory;
}

/** How long the first request waits for a Redis connection that is still being opened. */
const REDIS_STARTUP_WAIT_MS = 2_000;

/** A Redis client for the limits: fails fast (so the fallback answers) instead of queueing. */
export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    // While disconnected, commands fail at once instead of waiting in a queue: a sign-in is then
    // counted in memory rather than hanging until Redis returns.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 5_000,
  });
}

/** The limits over one store; one limiter per (action, dimension), created here, once. */
export function createRateLimits(
  store: RateLimitStore,
  logger: RateLimitLogger = console,
): RateLimits {
  const health = storeHealth(store.kind, logger);
  const makeStoreLimiter = storeLimiterFactory(store, health);
  const limiters = new Map<string, Limiter>();
  for (const [action, dimensions] of Object.entries(LIMIT_POLICY)) {
    for (const [dimension, limit] of Object.entries(dimensions)) {
      limiters.set(`${action}:${dimension}`, {
        store: makeStoreLimiter(limit),
        fallback: new RateLimiterMemory({
          keyPrefix: LIMIT_KEY_PREFIX,
          points: limit.points,
          duration: limit.durationSeconds,
        }),
      });
    }
  }
  const limiterFor = (action: LimitedAction, dimension: LimitDimension): Limiter => {
    const limiter = limiters.get(`${action}:${dimension}`);
    if (!limiter) throw new Error(`no rate limit for ${action} per ${dimension}`);
    return limiter;
  };
  const ready = store.kind === "redis" ? whenRedisReady(store.client) : Promise.resolve();

  /** Resolves with null when allowed, or the milliseconds until the window ends when denied. */
  const consumeOne = async (limiter: Limiter, key: string): Promise<number | null> => {
    try {
      await limiter.store.consume(key);
      health.answered();
      return null;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        health.answered();
        return outcome.msBeforeNext;
      }
      health.failed(outcome);
    }
    try {
      await limiter.fallback.consume(key);
      return null;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return outcome.msBeforeNext;
      throw outcome;
    }
  };

  return {
    async consume(action, subject) {
      await ready;
      const keys = limitKeys(action, subject);
      const waits = await Promise.all(
        keys.map(({ dimension, key }) => consumeOne(limiterFor(action, dimension), key)),
      );
      // server.ts refuses these keys' next attempts itself, before any work (limit-mirror.ts).
      keys.forEach(({ key }, index) => {
        const wait = waits[index];
        if (typeof wait === "number") rememberDenied(key, Date.now() + wait);
      });
      const denied = waits.filter((wait): wait is number => wait !== null);
      if (denied.length === 0) return { allowed: true };
      return { allowed: false, retryAfterSeconds: retryAfterSeconds(Math.max(...denied)) };
    },

    async reset(action, email) {
      const key = emailLimitKey(action, email);
      if (!key) return;
      await ready;
      const limiter = limiterFor(action, "email");
      // Counts made in memory during an outage go too, so a success clears them as well.
      await limiter.fallback.delete(key);
      try {
        await limiter.store.delete(key);
        health.answered();
      } catch (error) {
        health.failed(error);
      }
    },
  };
}

function storeLimiterFactory(
  store: RateLimitStore,
  health: StoreHealth,
): (limit: WindowLimit) => RateLimiterAbstract {
  if (store.kind === "redis") {
    // ioredis reports connection trouble as events; without a listener it prints every retry.
    store.client.on("error", (error: unknown) => health.failed(error));
    return (limit) =>
      new RateLimiterRedis({
        storeClient: store.client,
        keyPrefix: LIMIT_KEY_PREFIX,
        points: limit.points,
        duration: limit.durationSeconds,
      });
  }
  const storeClient = prismaStoreClient(store.database);
  let sweeping = false;
  return (limit) => {
    // Each limiter would start its own sweep of expired rows; they all share the table, so one is enough.
    const clearExpiredByTimeout = !sweeping;
    sweeping = true;
    return new RateLimiterPrisma({
      storeClient,
      tableName: "rateLimit",
      keyPrefix: LIMIT_KEY_PREFIX,
      points: limit.points,
      duration: limit.durationSeconds,
      clearExpiredByTimeout,
    });
  };
}

/**
 * The object RateLimiterPrisma takes as its Prisma client: the three RateLimit queries it makes,
 * on the database of the moment. Its upsert is an INSERT … ON CONFLICT on SQLite and PostgreSQL,
 * so concurrent first attempts do not collide; should a first insert still lose a race (a
 * unique-key violation, P2002), the row now exists and one retry increments it.
 */
function prismaStoreClient(database: () => Promise<RateLimitDatabase>): RateLimitDatabase {
  const table = async () => (await database()).rateLimit;
  const client = {
    rateLimit: {
      findFirst: async (args: Prisma.RateLimitFindFirstArgs) => (await table()).findFirst(args),
      deleteMany: async (args: Prisma.RateLimitDeleteManyArgs) => (await table()).deleteMany(args),
      upsert: async (args: Prisma.RateLimitUpsertArgs) => {
        const rateLimit = await table();
        try {
          return await rateLimit.upsert(args);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          return rateLimit.upsert(args);
        }
      },
    },
  };
  return client as unknown as RateLimitDatabase;
}

/** Prisma's "Unique constraint failed" (PrismaClientKnownRequestError P2002), from either client. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002"
  );
}

interface StoreHealth {
  failed(error: unknown): void;
  answered(): void;
}

/** Logs the first failure of an outage (with its cause) and the recovery, nothing in between. */
function storeHealth(kind: RateLimitStore["kind"], logger: RateLimitLogger): StoreHealth {
  let failing = false;
  return {
    failed(error) {
      if (failing) return;
      failing = true;
      logger.error(
        `[folio] rate-limit store (${kind}) failed; sign-in limits are counted in this process's memory until it answers again`,
        error,
      );
    },
    answered() {
      if (!failing) return;
      failing = false;
      logger.info(`[folio] rate-limit store (${kind}) answers again; sign-in limits use it again`);
    },
  };
}

/**
 * Waits (briefly) for a connection that is still opening, so the first requests use Redis rather
 * than the fallback; a first connection error ends the wait (ioredis keeps reconnecting).
 */
function whenRedisReady(client: Redis): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_STARTUP_WAIT_MS);
    client.once("ready", done);
    client.once("error", done);
  });
}

interface DefaultLimitsState {
  limits: RateLimits | undefined;
  redis: Redis | undefined;
}

// Kept on globalThis (like the database client) so dev-server reloads do not open more connections.
const state = ((globalThis as { __folioRateLimits?: DefaultLimitsState }).__folioRateLimits ??= {
  limits: undefined,
  redis: undefined,
});

/** The limits of this process, over Redis when REDIS_URL is set, else the database; made once. */
function defaultRateLimits(): RateLimits {
  if (!state.limits) {
    const redisUrl = env().redisUrl;
    if (redisUrl) {
      state.redis = createRedisClient(redisUrl);
      state.limits = createRateLimits({ kind: "redis", client: state.redis });
    } else {
      state.limits = createRateLimits({ kind: "database", database: db });
    }
  }
  return state.limits;
}

/** Counts one attempt of `action` for the email and the IP; denied if either is over its limit. */
export async function consumeLimit(
  action: LimitedAction,
  subject: LimitSubject,
): Promise<LimitDecision> {
  return defaultRateLimits().consume(action, subject);
}

/** Clears the per-email counter after a success (e.g. a correct password), not the per-IP one. */
export async function resetLimit(action: LimitedAction, email: string): Promise<void> {
  return defaultRateLimits().reset(action, email);
}

/** Drops this process's limits and closes their Redis connection (tests and scripts). */
export async function closeRateLimits(): Promise<void> {
  const redis = state.redis;
  state.limits = undefined;
  state.redis = undefined;
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
