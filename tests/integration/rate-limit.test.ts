import Redis from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  closeRateLimits,
  consumeLimit,
  createRateLimits,
  createRedisClient,
  resetLimit,
  type RateLimitDatabase,
  type RateLimitLogger,
  type RateLimits,
} from "@/lib/auth/rate-limit";
import {
  hashEmail,
  LIMIT_POLICY,
  type LimitDecision,
  type LimitedAction,
} from "@/lib/auth/rate-limit-policy";
import { db, disconnectDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/sqlite";

/**
 * The sign-in limits against real stores: the test database (SQLite, or PostgreSQL with
 * FOLIO_TEST_DATABASE_URL) and Redis (database 15 on 127.0.0.1:6379, skipped when unreachable).
 * Every number asserted here is exact, so a limit that counts one too many or too few fails.
 */

// The default instance must pick the database here, whatever the developer's shell has set.
delete process.env.REDIS_URL;

const redisUrl = "redis://127.0.0.1:6379/15";
const prefix = "folio-rl";

const emailKey = (action: LimitedAction, email: string) =>
  `${prefix}:${action}:email:${hashEmail(email)}`;
const ipKey = (action: LimitedAction, ip: string) => `${prefix}:${action}:ip:${ip}`;

/** A logger that records instead of printing, so the tests can count what the limits log. */
const quietLogger = () => ({
  error: vi.fn<RateLimitLogger["error"]>(),
  info: vi.fn<RateLimitLogger["info"]>(),
});

const allowed: LimitDecision = { allowed: true };

/** Runs `count` attempts one after another and returns the decisions. */
async function attempts(
  limits: RateLimits,
  count: number,
  action: LimitedAction,
  subject: { email?: string | null; ip?: string | null },
): Promise<LimitDecision[]> {
  const decisions: LimitDecision[] = [];
  for (let i = 0; i < count; i += 1) decisions.push(await limits.consume(action, subject));
  return decisions;
}

function expectDenied(decision: LimitDecision | undefined, windowSeconds: number): void {
  expect(decision?.allowed).toBe(false);
  if (decision?.allowed !== false) return;
  // Blocked for the rest of the window that began a moment ago.
  expect(decision.retryAfterSeconds).toBeGreaterThan(windowSeconds - 10);
  expect(decision.retryAfterSeconds).toBeLessThanOrEqual(windowSeconds);
}

interface Harness {
  limits: () => RateLimits;
  /** The counter stored under a full key (prefix included), or null when there is none. */
  storedPoints: (key: string) => Promise<number | null>;
  storedKeys: () => Promise<string[]>;
  /** Moves the end of a stored counter's window to `ms` from now. */
  expireIn: (key: string, ms: number) => Promise<void>;
}

/** The behaviour every store must have. */
function limitBehaviour(harness: Harness): void {
  const actions: LimitedAction[] = ["password-sign-in", "code-guess", "mail-send"];

  it.each(actions)(
    "%s: allows exactly the per-email limit, then denies for the rest of the window",
    async (action) => {
      const { points, durationSeconds } = LIMIT_POLICY[action].email;
      const subject = { email: "reader@example.org", ip: "192.0.2.10" };
      const decisions = await attempts(harness.limits(), points + 2, action, subject);
      expect(decisions.slice(0, points)).toEqual(Array(points).fill(allowed));
      expectDenied(decisions[points], durationSeconds);
      expectDenied(decisions[points + 1], durationSeconds);
      expect(await harness.storedPoints(emailKey(action, "reader@example.org"))).toBe(points + 2);
      expect(await harness.storedPoints(ipKey(action, "192.0.2.10"))).toBe(points + 2);
    },
  );

  it("counts an address however it is written", async () => {
    const limits = harness.limits();
    await attempts(limits, 3, "code-guess", { email: "Reader@Example.org", ip: "192.0.2.11" });
    await attempts(limits, 2, "code-guess", { email: " reader@example.ORG ", ip: "192.0.2.12" });
    expectDenied(
      await limits.consume("code-guess", { email: "reader@example.org", ip: "192.0.2.13" }),
      15 * 60,
    );
    expect(await harness.storedPoints(emailKey("code-guess", "reader@example.org"))).toBe(6);
  });

  it("still allows another email from the same IP while the IP is under its limit", async () => {
    const limits = harness.limits();
    const ip = "192.0.2.20";
    await attempts(limits, 10, "password-sign-in", { email: "victim@example.org", ip });
    expectDenied(
      await limits.consume("password-sign-in", { email: "victim@example.org", ip }),
      15 * 60,
    );
    expect(await limits.consume("password-sign-in", { email: "other@example.org", ip })).toEqual(
      allowed,
    );
    expect(await harness.storedPoints(ipKey("password-sign-in", ip))).toBe(12);
  });

  it("holds the per-IP limit across many emails", async () => {
    const limits = harness.limits();
    const ip = "192.0.2.30";
    const { email, ip: perIp } = LIMIT_POLICY["mail-send"];
    // 20 mails from one IP, to 4 addresses, 5 each: every one within its address's limit.
    const decisions: LimitDecision[] = [];
    for (let n = 0; n < perIp.points / email.points; n += 1)
      decisions.push(
        ...(await attempts(limits, email.points, "mail-send", { email: `r${n}@example.org`, ip })),
      );
    expect(decisions).toEqual(Array(perIp.points).fill(allowed));
    // A fresh address from that IP is denied by the IP's counter...
    expectDenied(
      await limits.consume("mail-send", { email: "fresh@example.org", ip }),
      perIp.durationSeconds,
    );
    expectDenied(await limits.consume("mail-send", { ip }), perIp.durationSeconds);
    // ...which is the only one over: the same address from another IP goes through.
    expect(
      await limits.consume("mail-send", { email: "fresh@example.org", ip: "192.0.2.31" }),
    ).toEqual(allowed);
    expect(await harness.storedPoints(ipKey("mail-send", ip))).toBe(22);
    expect(await harness.storedPoints(emailKey("mail-send", "fresh@example.org"))).toBe(2);
  });

  it("holds the per-IP limit for code guesses spread over many addresses", async () => {
    const limits = harness.limits();
    const ip = "192.0.2.32";
    const decisions: LimitDecision[] = [];
    for (let n = 0; n < 51; n += 1)
      decisions.push(await limits.consume("code-guess", { email: `g${n}@example.org`, ip }));
    expect(decisions.slice(0, 50)).toEqual(Array(50).fill(allowed));
    expectDenied(decisions[50], 15 * 60);
  });

  it("when both counters are over, waits for the later of their windows", async () => {
    const limits = harness.limits();
    const subject = { email: "both@example.org", ip: "192.0.2.35" };
    // 50 attempts from the IP (5 per address), then 5 more for `both@`: over on both counters.
    for (let n = 0; n < 10; n += 1)
      await attempts(limits, 5, "code-guess", { email: `b${n}@example.org`, ip: subject.ip });
    await attempts(limits, 5, "code-guess", { email: subject.email, ip: "192.0.2.36" });
    for (const [emailMs, ipMs] of [
      [300_000, 600_000],
      [600_000, 300_000],
    ] as const) {
      await harness.expireIn(emailKey("code-guess", subject.email), emailMs);
      await harness.expireIn(ipKey("code-guess", subject.ip), ipMs);
      expectDenied(await limits.consume("code-guess", subject), 600);
    }
  });

  it("resetLimit clears the email's counter and leaves the IP's", async () => {
    const limits = harness.limits();
    const ip = "192.0.2.40";
    await attempts(limits, 10, "password-sign-in", { email: "reader@example.org", ip });
    expectDenied(
      await limits.consume("password-sign-in", { email: "reader@example.org", ip }),
      15 * 60,
    );
    await limits.reset("password-sign-in", " READER@example.org");
    expect(await harness.storedPoints(emailKey("password-sign-in", "reader@example.org"))).toBe(
      null,
    );
    const afterReset = await attempts(limits, 10, "password-sign-in", {
      email: "reader@example.org",
      ip,
    });
    expect(afterReset).toEqual(Array(10).fill(allowed));
    expect(await harness.storedPoints(emailKey("password-sign-in", "reader@example.org"))).toBe(10);
    expect(await harness.storedPoints(ipKey("password-sign-in", ip))).toBe(21);
    // Only that action's counter: code guesses for the address keep counting.
    await attempts(limits, 5, "code-guess", { email: "reader@example.org", ip });
    await limits.reset("password-sign-in", "reader@example.org");
    expect(await harness.storedPoints(emailKey("code-guess", "reader@example.org"))).toBe(5);
  });

  it("answers the same sequence for a known and an unknown address", async () => {
    const limits = harness.limits();
    const sequence = async (email: string, ip: string) =>
      (await attempts(limits, 12, "password-sign-in", { email, ip })).map((decision) =>
        decision.allowed ? "allowed" : `denied ~${Math.round(decision.retryAfterSeconds / 60)}m`,
      );
    const known = await sequence("known-reader@example.org", "192.0.2.50");
    const unknown = await sequence("nobody-here@example.org", "192.0.2.51");
    expect(known).toEqual([...Array(10).fill("allowed"), "denied ~15m", "denied ~15m"]);
    expect(unknown).toEqual(known);
  });

  it("counts 20 parallel attempts exactly 20 times", async () => {
    const limits = harness.limits();
    const subject = { email: "parallel@example.org", ip: "192.0.2.60" };
    const decisions = await Promise.all(
      Array.from({ length: 20 }, () => limits.consume("password-sign-in", subject)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
    expect(await harness.storedPoints(emailKey("password-sign-in", subject.email))).toBe(20);
    expect(await harness.storedPoints(ipKey("password-sign-in", subject.ip))).toBe(20);
  });

  it("counts 20 parallel first attempts of 20 addresses on one IP exactly", async () => {
    const limits = harness.limits();
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        limits.consume("mail-send", { email: `p${n}@example.org`, ip: "192.0.2.61" }),
      ),
    );
    expect(decisions).toEqual(Array(20).fill(allowed));
    expect(await harness.storedPoints(ipKey("mail-send", "192.0.2.61"))).toBe(20);
    expect(await limits.consume("mail-send", { ip: "192.0.2.61" })).toMatchObject({
      allowed: false,
    });
  });

  it("skips a missing dimension and counts an anonymous attempt under ip 'unknown'", async () => {
    const limits = harness.limits();
    await limits.consume("code-guess", { email: "only-email@example.org" });
    await limits.consume("code-guess", { ip: "192.0.2.70" });
    await limits.consume("code-guess", {});
    await limits.consume("code-guess", { email: null, ip: "  " });
    expect((await harness.storedKeys()).sort()).toEqual(
      [
        emailKey("code-guess", "only-email@example.org"),
        ipKey("code-guess", "192.0.2.70"),
        ipKey("code-guess", "unknown"),
      ].sort(),
    );
    expect(await harness.storedPoints(ipKey("code-guess", "unknown"))).toBe(2);
  });

  it("stores no email address", async () => {
    const limits = harness.limits();
    await limits.consume("mail-send", { email: "Private.Person@Example.org", ip: "192.0.2.80" });
    const keys = await harness.storedKeys();
    expect(keys).toHaveLength(2);
    expect(keys.join(" ").toLowerCase()).not.toContain("example.org");
    expect(keys.join(" ").toLowerCase()).not.toContain("private");
  });
}

describe("rate limits in the database", () => {
  let limits: RateLimits;
  let logger: ReturnType<typeof quietLogger>;

  beforeEach(async () => {
    await (await db()).rateLimit.deleteMany();
    logger = quietLogger();
    limits = createRateLimits({ kind: "database", database: db }, logger);
  });
  afterEach(() => {
    // A healthy database never sends the limits to the in-memory fallback.
    expect(logger.error).not.toHaveBeenCalled();
  });
  afterAll(async () => {
    await closeRateLimits();
    await disconnectDb();
  });

  limitBehaviour({
    limits: () => limits,
    storedPoints: async (key) =>
      (await (await db()).rateLimit.findUnique({ where: { key } }))?.points ?? null,
    storedKeys: async () =>
      (await (await db()).rateLimit.findMany({ select: { key: true } })).map((row) => row.key),
    expireIn: async (key, ms) => {
      await (
        await db()
      ).rateLimit.update({
        where: { key },
        data: { expire: new Date(Date.now() + ms) },
      });
    },
  });

  it("consumeLimit and resetLimit use the database by default", async () => {
    const subject = { email: "default@example.org", ip: "198.51.100.1" };
    for (let i = 0; i < 5; i += 1)
      expect(await consumeLimit("code-guess", subject)).toEqual(allowed);
    expectDenied(await consumeLimit("code-guess", subject), 15 * 60);
    const database = await db();
    const stored = await database.rateLimit.findUnique({
      where: { key: emailKey("code-guess", subject.email) },
    });
    expect(stored?.points).toBe(6);
    expect(stored?.expire?.getTime()).toBeGreaterThan(Date.now() + 14 * 60 * 1000);
    await resetLimit("code-guess", subject.email);
    expect(await consumeLimit("code-guess", subject)).toEqual(allowed);
    const ipRow = await database.rateLimit.findUnique({
      where: { key: ipKey("code-guess", subject.ip) },
    });
    expect(ipRow?.points).toBe(7);
  });

  it("starts a new window once the old one has expired", async () => {
    const subject = { email: "expired@example.org" };
    await attempts(limits, 6, "code-guess", subject);
    const key = emailKey("code-guess", subject.email);
    await (
      await db()
    ).rateLimit.update({ where: { key }, data: { expire: new Date(Date.now() - 1000) } });
    expect(await limits.consume("code-guess", subject)).toEqual(allowed);
    expect((await (await db()).rateLimit.findUnique({ where: { key } }))?.points).toBe(1);
  });

  /** The real database, with its upsert failing `failures` times first with `error`. */
  function flakyDatabase(failures: number, error: () => unknown): () => Promise<RateLimitDatabase> {
    let left = failures;
    return async () => {
      const real = await db();
      return {
        rateLimit: new Proxy(real.rateLimit, {
          get(target, property, receiver) {
            if (property !== "upsert") return Reflect.get(target, property, receiver) as unknown;
            return (args: Parameters<typeof real.rateLimit.upsert>[0]) => {
              if (left > 0) {
                left -= 1;
                return Promise.reject(error());
              }
              return target.upsert(args);
            };
          },
        }),
      } as RateLimitDatabase;
    };
  }
  const uniqueViolation = () =>
    new Prisma.PrismaClientKnownRequestError("Unique constraint failed on the fields: (`key`)", {
      code: "P2002",
      clientVersion: Prisma.prismaVersion.client,
    });

  it("retries a first insert that lost a race (unique violation) once, in the store", async () => {
    const flaky = createRateLimits(
      { kind: "database", database: flakyDatabase(1, uniqueViolation) },
      logger,
    );
    expect(await flaky.consume("mail-send", { email: "race@example.org" })).toEqual(allowed);
    expect(
      (
        await (
          await db()
        ).rateLimit.findUnique({ where: { key: emailKey("mail-send", "race@example.org") } })
      )?.points,
    ).toBe(1);
  });

  describe("when the database fails", () => {
    it("falls back to in-process limits with the same numbers, logs once, and recovers", async () => {
      let down = true;
      const outage = createRateLimits(
        {
          kind: "database",
          database: async () => {
            if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
            return db();
          },
        },
        logger,
      );
      const subject = { email: "outage@example.org", ip: "203.0.113.1" };
      const decisions = await attempts(outage, 11, "password-sign-in", subject);
      expect(decisions.slice(0, 10)).toEqual(Array(10).fill(allowed));
      expectDenied(decisions[10], 15 * 60);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(String(logger.error.mock.calls[0]?.[1])).toContain("ECONNREFUSED");
      expect(await (await db()).rateLimit.count()).toBe(0);

      // A success resets the in-memory counter too.
      await outage.reset("password-sign-in", subject.email);
      expect(await outage.consume("password-sign-in", subject)).toEqual(allowed);

      down = false;
      expect(await outage.consume("password-sign-in", subject)).toEqual(allowed);
      expect(logger.info).toHaveBeenCalledTimes(1);
      expect(await (await db()).rateLimit.count()).toBe(2);
      logger.error.mockClear(); // the outage was simulated
    });

    it("falls back when a unique violation repeats after the retry", async () => {
      const flaky = createRateLimits(
        { kind: "database", database: flakyDatabase(2, uniqueViolation) },
        logger,
      );
      expect(await flaky.consume("code-guess", { email: "twice@example.org" })).toEqual(allowed);
      expect(logger.error).toHaveBeenCalledTimes(1);
      logger.error.mockClear();
    });
  });
});

async function redisIsReachable(): Promise<boolean> {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const redisReachable = await redisIsReachable();
if (!redisReachable)
  console.warn(
    `[rate-limit.test] Redis is not reachable at ${redisUrl}; skipping the Redis store tests`,
  );

describe.skipIf(!redisReachable)(
  `rate limits in Redis (${redisUrl}${redisReachable ? "" : " – SKIPPED: Redis unreachable"})`,
  () => {
    let client: Redis;
    let admin: Redis;
    let limits: RateLimits;
    let logger: ReturnType<typeof quietLogger>;

    async function clearPrefix(): Promise<void> {
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    }

    beforeAll(() => {
      admin = new Redis(redisUrl);
      client = createRedisClient(redisUrl);
      logger = quietLogger();
      limits = createRateLimits({ kind: "redis", client }, logger);
    });
    beforeEach(clearPrefix);
    afterEach(() => {
      expect(logger.error).not.toHaveBeenCalled();
    });
    afterAll(async () => {
      await clearPrefix();
      await client.quit();
      await admin.quit();
    });

    limitBehaviour({
      limits: () => limits,
      storedPoints: async (key) => {
        const value = await admin.get(key);
        return value === null ? null : Number(value);
      },
      storedKeys: () => admin.keys(`${prefix}:*`),
      expireIn: async (key, ms) => {
        expect(await admin.pexpire(key, ms)).toBe(1);
      },
    });

    it("expires a counter with its window", async () => {
      await limits.consume("mail-send", { email: "ttl@example.org" });
      const ttl = await admin.ttl(emailKey("mail-send", "ttl@example.org"));
      expect(ttl).toBeGreaterThan(3600 - 10);
      expect(ttl).toBeLessThanOrEqual(3600);
    });

    it("is what consumeLimit uses when REDIS_URL is set", async () => {
      await closeRateLimits(); // the database-backed default instance of the tests above
      vi.stubEnv("REDIS_URL", redisUrl);
      vi.resetModules();
      const fresh = await import("@/lib/auth/rate-limit");
      try {
        const subject = { email: "default-redis@example.org", ip: "198.51.100.2" };
        expect(await fresh.consumeLimit("code-guess", subject)).toEqual(allowed);
        expect(await admin.get(emailKey("code-guess", subject.email))).toBe("1");
        expect(await admin.get(ipKey("code-guess", subject.ip))).toBe("1");
        await fresh.resetLimit("code-guess", subject.email);
        expect(await admin.get(emailKey("code-guess", subject.email))).toBeNull();
      } finally {
        await fresh.closeRateLimits();
        vi.unstubAllEnvs();
        vi.resetModules();
      }
    });

    it("falls back to in-process limits when Redis is down, and logs once", async () => {
      const downLogger = quietLogger();
      const down = createRedisClient("redis://127.0.0.1:1/15");
      try {
        const outage = createRateLimits({ kind: "redis", client: down }, downLogger);
        const started = Date.now();
        const decisions = await attempts(outage, 6, "code-guess", { email: "down@example.org" });
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(decisions.slice(0, 5)).toEqual(Array(5).fill(allowed));
        expectDenied(decisions[5], 15 * 60);
        expect(downLogger.error).toHaveBeenCalledTimes(1);
      } finally {
        down.disconnect();
      }
    });
  },
);
