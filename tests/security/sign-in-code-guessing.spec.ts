import Database from "better-sqlite3";
import fc from "fast-check";
import pg from "pg";
import {
  expect,
  request as playwrightRequest,
  test,
  type APIRequestContext,
} from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { extractCode, mail, uniqueEmail, uniqueIp } from "../e2e/helpers";
import { isPostgresUrl, testDatabaseUrl } from "../support/test-database";

/**
 * Issue 9, finding 1: account takeover by guessing the six-digit sign-in code. The route counted
 * guesses only for GET on exactly `callback/email` and read the first `email` parameter, while
 * next-auth also verifies on POST and on `callback/email/x` and uses the last `email`; every
 * sign-in request stored one more live code (1,500 planted codes, a hit after 127 guesses); and
 * the per-client limit trusted an X-Forwarded-For the client wrote. These attacks are the
 * requests a stranger sends, in every form next-auth accepts, against the production server.
 */

const maxGuessesPerCode = 5;

interface GuessForm {
  method: "GET" | "POST";
  /** What follows /api/auth/ (every one of these reaches next-auth's email callback). */
  path: string;
  /** How the victim's address is written into the query (next-auth uses the last `email`). */
  email: "plain" | "decoy-first" | "twice" | "upper-case" | "padded";
  /** Guesses rotate the client address they claim. */
  forwardedFor: string;
}

const pathForms = [
  "callback/email",
  "callback/email/",
  "callback/email/x",
  "callback/email/x/y",
  "callback/%65mail",
];

const guessForm = fc.record<GuessForm>({
  method: fc.constantFrom("GET", "POST"),
  path: fc.constantFrom(...pathForms),
  email: fc.constantFrom("plain", "decoy-first", "twice", "upper-case", "padded"),
  forwardedFor: fc.constantFrom("a", "b", "c").map(() => uniqueIp()),
});

/** Forms in which the right code signs in (next-auth compares the address exactly). */
const acceptingForm = guessForm.filter(
  (form) => form.email !== "upper-case" && form.email !== "padded",
);

function callbackUrl(form: GuessForm, email: string, token: string): string {
  const query = new URLSearchParams();
  if (form.email === "decoy-first") query.append("email", uniqueEmail("decoy"));
  if (form.email === "twice") query.append("email", email);
  query.append(
    "email",
    form.email === "upper-case"
      ? email.toUpperCase()
      : form.email === "padded"
        ? ` ${email} `
        : email,
  );
  query.append("token", token);
  query.append("callbackUrl", "/");
  return `/api/auth/${form.path}?${query.toString()}`;
}

/** One verification attempt (following redirects, as a browser would); true when it produced a session. */
async function attempt(
  client: APIRequestContext,
  form: GuessForm,
  email: string,
  token: string,
): Promise<boolean> {
  await client.fetch(callbackUrl(form, email, token), {
    method: form.method,
    headers: { "x-forwarded-for": form.forwardedFor },
  });
  const { cookies } = await client.storageState();
  return cookies.some((cookie) => cookie.name.endsWith("session-token") && cookie.value !== "");
}

/** Asks for a sign-in mail through next-auth's own endpoint; returns the code it mailed (or null if held back). */
async function requestCode(
  client: APIRequestContext,
  email: string,
  mailed = true,
): Promise<string | null> {
  const requested = new Date();
  const forwardedFor = uniqueIp();
  const { csrfToken } = (await (
    await client.get("/api/auth/csrf", { headers: { "x-forwarded-for": forwardedFor } })
  ).json()) as { csrfToken: string };
  const response = await client.post("/api/auth/signin/email", {
    form: { email, csrfToken, callbackUrl: "/", json: "true" },
    headers: { "x-forwarded-for": forwardedFor },
  });
  expect(response.status()).toBe(200);
  if (!mailed) return null;
  return extractCode(
    await mail.latest(email.trim().toLowerCase(), { after: requested, timeoutMs: 15_000 }),
  );
}

const wrongCode = (code: string) => (code === "000000" ? "000001" : "000000");

const databaseUrl = testDatabaseUrl("e2e");

async function query(
  statement: string,
  parameters: unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  if (isPostgresUrl(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(statement, parameters)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  }
  const connection = new Database(databaseUrl.slice("file:".length));
  try {
    const prepared = connection.prepare(statement.replace(/\$\d+/g, "?"));
    if (!prepared.reader) {
      prepared.run(...parameters);
      return [];
    }
    return prepared.all(...parameters) as Array<Record<string, unknown>>;
  } finally {
    connection.close();
  }
}

async function liveCodes(email: string): Promise<number> {
  const [row] = await query(
    `SELECT COUNT(*) AS "count" FROM "VerificationToken" WHERE "identifier" = $1`,
    [email],
  );
  return Number(row?.count ?? 0);
}

async function newClient(): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL });
}

test.describe.configure({ timeout: 300_000 });

test("no method, path, parameter form or claimed client address gets more than five guesses at a code", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(guessForm, { minLength: 0, maxLength: maxGuessesPerCode + 3 }),
      acceptingForm,
      async (wrongGuesses, finalForm) => {
        const client = await newClient();
        try {
          const email = uniqueEmail("guess");
          const code = (await requestCode(client, email))!;
          for (const form of wrongGuesses) {
            expect(await attempt(client, form, email, wrongCode(code))).toBe(false);
          }
          const signedIn = await attempt(client, finalForm, email, code);
          // Within the allowance the right code works (so every form above is a real guess);
          // past it, nothing does.
          expect(signedIn).toBe(wrongGuesses.length < maxGuessesPerCode);
        } finally {
          await client.dispose();
        }
      },
    ),
    { numRuns: 14, endOnFailure: true },
  );
});

test("planting many codes leaves one live code, the newest mailed one", async () => {
  const client = await newClient();
  const email = uniqueEmail("plant");
  const spellings = [email, email.toUpperCase(), ` ${email}`, `${email} `];
  const codes: string[] = [];
  // Five mails in the hour, then the limit holds the mail back; the requests go on regardless.
  for (let index = 0; index < 12; index += 1) {
    const code = await requestCode(client, spellings[index % spellings.length]!, index < 5);
    if (code) codes.push(code);
  }
  expect(await liveCodes(email)).toBe(1);
  const plain: GuessForm = {
    method: "GET",
    path: "callback/email",
    email: "plain",
    forwardedFor: uniqueIp(),
  };
  const newest = codes.at(-1)!;
  const older = codes.find((code) => code !== newest);
  if (older) expect(await attempt(client, plain, email, older)).toBe(false);
  expect(await attempt(client, plain, email, newest)).toBe(true);
  await client.dispose();
});

test("five wrong tries burn the code: it no longer works even once the guess counters are gone", async () => {
  const client = await newClient();
  const email = uniqueEmail("burn");
  const code = (await requestCode(client, email))!;
  for (let guess = 0; guess < maxGuessesPerCode; guess += 1) {
    const form: GuessForm = {
      method: "POST",
      path: "callback/email",
      email: "plain",
      forwardedFor: uniqueIp(),
    };
    expect(await attempt(client, form, email, wrongCode(code))).toBe(false);
  }
  // As if the limit's window had ended, or its store (Redis) had lost the counters.
  await query(`DELETE FROM "RateLimit"`);
  expect(await liveCodes(email)).toBe(0);
  const plain: GuessForm = {
    method: "GET",
    path: "callback/email",
    email: "plain",
    forwardedFor: uniqueIp(),
  };
  expect(await attempt(client, plain, email, code)).toBe(false);
  await client.dispose();
});

test("the per-client guess limit counts the address the proxy saw, not one the client names", async () => {
  const client = await newClient();
  // The e2e server trusts 127.0.0.1 as its proxy, so X-Forwarded-For's last entry is the client;
  // the client's own x-folio-client-address (Folio's internal header) must change nothing.
  const forwardedFor = uniqueIp();
  const guess = (index: number, claimed: string) =>
    client.get(
      `/api/auth/callback/email?email=${encodeURIComponent(uniqueEmail(`spray${index}`))}&token=000000`,
      {
        headers: { "x-forwarded-for": forwardedFor, "x-folio-client-address": claimed },
        maxRedirects: 0,
      },
    );
  const ipLimit = 50;
  for (let index = 0; index < ipLimit; index += 1) {
    const response = await guess(index, uniqueIp());
    expect(response.headers().location ?? "").not.toContain("TooManyAttempts");
  }
  const refused = await guess(ipLimit, uniqueIp());
  expect(refused.headers().location).toContain("error=TooManyAttempts");
  // Another client (as the proxy reports it) is not affected.
  const other = await client.get(
    `/api/auth/callback/email?email=${encodeURIComponent(uniqueEmail("other"))}&token=000000`,
    { headers: { "x-forwarded-for": uniqueIp() }, maxRedirects: 0 },
  );
  expect(other.headers().location ?? "").not.toContain("TooManyAttempts");
  await client.dispose();
});
