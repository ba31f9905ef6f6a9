import Database from "better-sqlite3";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { mail, runScript, signInLink, uniqueEmail, uniqueIp } from "../e2e/helpers";
import { runLoad, startLoad, type LoadReport } from "../support/load";
import { isPostgresUrl, testDatabaseUrl } from "../support/test-database";

/**
 * Issue 9, finding 8: one slow request class froze every other one. A write waiting for another
 * process's SQLite write lock slept on the main thread (better-sqlite3's busy handler) for up to
 * 10 s, and a flood of wrong passwords kept the main thread and libuv's pool busy with argon2 and
 * Next.js work, so cached pages and subscribers' pages waited seconds. Here the server is attacked
 * as a stranger would, and everyone else must stay fast.
 */
const databaseUrl = testDatabaseUrl("e2e");
const documentPath = "/d/canary-regions";

function describeLoad(name: string, report: LoadReport): string {
  return `${name}: ${report.requests} requests, p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms, max ${report.maxMs} ms, statuses ${JSON.stringify(report.statusClasses)}, errors ${report.errors}, timeouts ${report.timeouts}`;
}

/** Holds the database's write lock from another connection (another process would do the same). */
async function holdWriteLock(): Promise<{ release: () => Promise<void> }> {
  if (isPostgresUrl(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query("BEGIN");
    await client.query(`LOCK TABLE "RateLimit", "VerificationToken" IN EXCLUSIVE MODE`);
    return {
      release: async () => {
        await client.query("ROLLBACK");
        await client.end();
      },
    };
  }
  const connection = new Database(databaseUrl.slice("file:".length));
  connection.exec("BEGIN IMMEDIATE");
  return {
    release: async () => {
      connection.exec("ROLLBACK");
      connection.close();
    },
  };
}

async function rateLimitRows(fragment: string): Promise<number> {
  if (isPostgresUrl(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        `SELECT count(*) AS count FROM "RateLimit" WHERE "key" LIKE $1`,
        [`%${fragment}%`],
      );
      return Number(rows[0]?.count ?? 0);
    } finally {
      await client.end();
    }
  }
  const connection = new Database(databaseUrl.slice("file:".length), { readonly: true });
  try {
    const row = connection
      .prepare(`SELECT count(*) AS count FROM "RateLimit" WHERE "key" LIKE ?`)
      .get(`%${fragment}%`) as { count: number };
    return row.count;
  } finally {
    connection.close();
  }
}

async function warm(path: string, headers: Record<string, string> = {}): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    const response = await fetch(`${baseURL}${path}`, { headers, redirect: "manual" });
    await response.arrayBuffer();
  }
}

test("a write waiting 3 s for another process's write lock stalls no other request", async () => {
  test.setTimeout(60_000);
  await warm(documentPath);
  await warm("/api/health");
  // Warm the sign-in mail path too, so its first compile is not measured.
  expect(await requestSignInMail(uniqueEmail("warm-mail"), uniqueIp())).toBe(200);
  const mailedEmail = uniqueEmail("locked-mail");
  const mailRequested = new Date();
  const ip = uniqueIp();
  // The probes run before, during and after the lock, so requests stalled by it finish within
  // their run and are counted.
  const probeRun = (seconds: number) =>
    [
      startLoad({ url: `${baseURL}/api/health`, connections: 2, seconds }),
      startLoad({ url: `${baseURL}${documentPath}`, connections: 2, seconds }),
    ] as const;
  // What this machine gives without the lock (it may be shared with other work).
  const baseline = probeRun(3);
  const [healthBefore, cachedBefore] = await Promise.all([baseline[0].done, baseline[1].done]);
  const probeRuns = probeRun(6);
  const probes = Promise.all([probeRuns[0].done, probeRuns[1].done]);
  await Promise.all([probeRuns[0].running, probeRuns[1].running]);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const lock = await holdWriteLock();
  const lockedAt = Date.now();
  let write: { status: number; afterMs: number };
  let mailWrite: { status: number; afterMs: number };
  try {
    // A mailed-code guess: its rate-limit counter is a write, before next-auth's token lookup.
    const guess = fetch(
      `${baseURL}/api/auth/callback/email?email=${encodeURIComponent(uniqueEmail("locked"))}&token=000000`,
      { headers: { "x-forwarded-for": ip }, redirect: "manual" },
    ).then(async (response) => {
      await response.arrayBuffer();
      return { status: response.status, afterMs: Date.now() - lockedAt };
    });
    // A sign-in mail: next-auth stores its token (an INSERT) before the mail goes out.
    const mailed = requestSignInMail(mailedEmail, ip).then((status) => ({
      status,
      afterMs: Date.now() - lockedAt,
    }));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await lock.release();
    write = await guess;
    mailWrite = await mailed;
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
  const [health, cached] = await probes;
  console.log(describeLoad("health around the lock", health));
  console.log(describeLoad("cached page around the lock", cached));
  console.log(`the locked code guess answered ${write.status} after ${write.afterMs} ms`);
  console.log(
    `the locked sign-in mail request answered ${mailWrite.status} after ${mailWrite.afterMs} ms`,
  );

  console.log(describeLoad("health before the lock", healthBefore));
  console.log(describeLoad("cached page before the lock", cachedBefore));
  for (const [report, before] of [
    [health, healthBefore],
    [cached, cachedBefore],
  ] as const) {
    expect(report.requests).toBeGreaterThan(50);
    expect(report.errors + report.timeouts + report.non2xx).toBe(0);
    // Compared with what the machine gives anyway: a stalled loop adds seconds; on an idle
    // machine the baseline is a few ms, on a shared one hundreds, and noisy.
    expect(report.p99Ms).toBeLessThan(50 + 2 * before.p99Ms);
    // A stall hits only the few requests in flight, which p99 can hide; the slowest shows it
    // (a stalled loop holds them for the rest of the 3 s lock).
    expect(report.maxMs).toBeLessThan(1_000 + before.maxMs);
  }
  // The write waited for the lock and then completed: next-auth's answer (a redirect to the
  // sign-in page), with the attempt counted in the database, not lost or answered with a 500.
  expect(write.status).toBe(302);
  expect(write.afterMs).toBeGreaterThanOrEqual(2_900);
  expect(await rateLimitRows(`code-guess:ip:${ip}`)).toBe(1);
  expect(mailWrite.status).toBe(200);
  expect(mailWrite.afterMs).toBeGreaterThanOrEqual(2_900);
  expect(await mail.latest(mailedEmail, { after: mailRequested, timeoutMs: 15_000 })).toBeTruthy();
});

async function csrf(): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${baseURL}/api/auth/csrf`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = cookiesOf(response).join("; ");
  return { token: csrfToken, cookie };
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(";")[0] ?? "");
}

/** Asks next-auth for a sign-in mail over plain HTTP; returns the answer's status. */
async function requestSignInMail(
  email: string,
  ip: string,
  csrfPair?: { token: string; cookie: string },
) {
  const { token, cookie } = csrfPair ?? (await csrf());
  const asked = await fetch(`${baseURL}/api/auth/signin/email`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie,
      "x-forwarded-for": ip,
    },
    body: new URLSearchParams({ csrfToken: token, email, callbackUrl: "/", json: "true" }),
  });
  await asked.arrayBuffer();
  return asked.status;
}

/** Signs in over plain HTTP through next-auth's mailed link; returns the Cookie header. */
async function signInByMailedLink(email: string, ip: string): Promise<string> {
  const pair = await csrf();
  const { cookie } = pair;
  const requested = new Date();
  expect(await requestSignInMail(email, ip, pair)).toBe(200);
  const link = signInLink(await mail.latest(email, { after: requested, timeoutMs: 15_000 }));
  const signedIn = await fetch(link, {
    headers: { cookie, "x-forwarded-for": ip },
    redirect: "manual",
  });
  const session = cookiesOf(signedIn).filter((pair) => pair.includes("session-token"));
  expect(session).toHaveLength(1);
  return session.join("; ");
}

test("under a 100-connection flood of wrong passwords, cached and subscriber pages stay fast", async () => {
  // Starting each load process takes seconds on a busy machine; the flood itself lasts 12 s.
  test.setTimeout(180_000);
  const email = uniqueEmail("flood-subscriber");
  const subscriberIp = uniqueIp();
  const sessionCookie = await signInByMailedLink(email, subscriberIp);
  runScript("scripts/grant.ts", [email, "--forever"]);
  const subscriberHeaders = { cookie: sessionCookie, "x-forwarded-for": subscriberIp };
  await warm(documentPath);
  await warm(documentPath, subscriberHeaders);
  const subscriberPage = await fetch(`${baseURL}${documentPath}`, { headers: subscriberHeaders });
  expect(await subscriberPage.text()).toContain(process.env.FOLIO_TEST_CANARY!);

  // What this machine gives without the flood (it may be shared with other work): the flood
  // may add at most the target on top of it.
  const probe = (seconds: number) =>
    Promise.all([
      runLoad({ url: `${baseURL}${documentPath}`, connections: 2, seconds }),
      runLoad({
        url: `${baseURL}${documentPath}`,
        connections: 2,
        seconds,
        headers: subscriberHeaders,
      }),
    ]);
  const [cachedBefore, subscriberBefore] = await probe(4);

  const { token, cookie } = await csrf();
  const flood = {
    url: `${baseURL}/api/auth/callback/password`,
    method: "POST" as const,
    seconds: 12,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    // Bounded: 100 connections, 400 attempts a second in all (the unfixed server managed a few).
    overallRate: 200,
  };
  const floods = [
    // One client hammering one account.
    startLoad({
      ...flood,
      connections: 50,
      headers: { ...flood.headers, "x-forwarded-for": uniqueIp() },
      body: `csrfToken=${token}&email=victim%40example.test&password=wrong-password-1&json=true`,
    }),
    // A spread-out client: a new address and a new account every request, so no counter ever
    // reaches its limit; only bounded work can protect the others.
    startLoad({
      ...flood,
      connections: 50,
      headers: { ...flood.headers, "x-forwarded-for": "flood-{n}" },
      body: `csrfToken=${token}&email=spray-{n}%40example.test&password=wrong-password-2&json=true`,
      rotate: true,
    }),
  ];
  await Promise.all(floods.map((run) => run.running));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const [cached, subscriber] = await probe(6);
  const [single, spread] = await Promise.all(floods.map((run) => run.done));
  console.log(describeLoad("cached page before the flood", cachedBefore));
  console.log(describeLoad("subscriber page before the flood", subscriberBefore));
  console.log(describeLoad("flood, one client", single!));
  console.log(describeLoad("flood, spread out", spread!));
  console.log(describeLoad("cached page during the flood", cached));
  console.log(describeLoad("subscriber page during the flood", subscriber));

  for (const report of [cached, subscriber]) {
    expect(report.requests).toBeGreaterThan(50);
    expect(report.errors + report.timeouts + report.non2xx).toBe(0);
  }
  expect(cached.p99Ms).toBeLessThan(50 + cachedBefore.p99Ms);
  expect(subscriber.p99Ms).toBeLessThan(200 + subscriberBefore.p99Ms);
  // The flood was answered, quickly and without errors: refused (429, 503) or turned away.
  for (const report of [single!, spread!]) {
    expect(report.errors + report.timeouts).toBe(0);
    expect(report.statusClasses["5xx"]! + report.statusClasses["4xx"]!).toBe(report.requests);
  }
});

test.describe("a client over its limit is refused with 429 before Next.js does any work", () => {
  for (const action of ["password", "code"] as const) {
    test(`per address (${action})`, async () => {
      test.setTimeout(60_000);
      const ip = uniqueIp();
      const { token, cookie } = await csrf();
      const attempt = () =>
        action === "password"
          ? fetch(`${baseURL}/api/auth/callback/password`, {
              method: "POST",
              headers: {
                "content-type": "application/x-www-form-urlencoded",
                cookie,
                "x-forwarded-for": ip,
              },
              body: new URLSearchParams({
                csrfToken: token,
                email: uniqueEmail("limited"),
                password: "wrong-password-3",
                json: "true",
              }),
              redirect: "manual",
            })
          : fetch(
              `${baseURL}/api/auth/callback/email?email=${encodeURIComponent(uniqueEmail("limited"))}&token=123456`,
              { headers: { "x-forwarded-for": ip }, redirect: "manual" },
            );
      // The per-IP limit is 50 attempts per 15 minutes for both actions.
      for (let count = 0; count < 50; count += 1) {
        const response = await attempt();
        await response.arrayBuffer();
        expect(response.status).not.toBe(429);
      }
      // The 51st is counted and denied where the password or code is checked; from then on
      // server.ts refuses at once.
      await (await attempt()).arrayBuffer();
      for (let count = 0; count < 3; count += 1) {
        const refused = await attempt();
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        await refused.arrayBuffer();
      }
    });
  }

  test("per account, for the mailed-code guess that names it in the URL", async () => {
    const email = uniqueEmail("guessed");
    const guess = () =>
      fetch(`${baseURL}/api/auth/callback/email?email=${encodeURIComponent(email)}&token=654321`, {
        headers: { "x-forwarded-for": uniqueIp() },
        redirect: "manual",
      });
    // Five guesses per address per 15 minutes, whatever the client address.
    for (let count = 0; count < 5; count += 1) {
      const response = await guess();
      expect(response.status).not.toBe(429);
    }
    // The sixth is counted and denied by the route; from then on server.ts refuses at once.
    await guess();
    const refused = await guess();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

test("a mailed code cannot be guessed past the limit by sending the guesses as POST", async () => {
  const email = uniqueEmail("post-guess");
  const { token, cookie } = await csrf();
  const guess = (method: "GET" | "POST") =>
    fetch(`${baseURL}/api/auth/callback/email?email=${encodeURIComponent(email)}&token=000000`, {
      method,
      headers: {
        cookie,
        "x-forwarded-for": uniqueIp(),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: method === "POST" ? new URLSearchParams({ csrfToken: token }) : undefined,
      redirect: "manual",
    });
  // Five guesses per address per 15 minutes, whatever the method they come by.
  for (let count = 0; count < 5; count += 1) {
    const response = await guess("POST");
    expect(response.headers.get("location") ?? "").not.toContain("TooManyAttempts");
    expect(response.status).not.toBe(429);
  }
  for (const method of ["POST", "GET"] as const) {
    const refused = await guess(method);
    const location = refused.headers.get("location") ?? "";
    expect(refused.status === 429 || location.includes("error=TooManyAttempts")).toBe(true);
  }
});
