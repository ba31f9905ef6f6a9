import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearLimitMirror, rememberDenied } from "@/lib/auth/limit-mirror";
import { emailLimitKey } from "@/lib/auth/rate-limit-policy";
import {
  declareClientAddressFrontDoor,
  parseTrustedProxies,
  stampClientAddress,
} from "@/lib/http/client-address";
import { refuseSignInOverload, SIGN_IN_IN_FLIGHT, signInAction } from "@/lib/http/sign-in-gate";

/**
 * The sign-in gate in front of Next.js (server.ts), on a real HTTP server whose "Next.js" holds
 * every admitted request until the test lets it go.
 */
describe("signInAction", () => {
  it.each([
    ["POST", "/api/auth/callback/password", "password-sign-in"],
    ["POST", "/api/auth/callback/password?json=true", "password-sign-in"],
    ["POST", "/api/auth//callback/%70assword/", "password-sign-in"],
    ["POST", "//api/auth/callback/password//", "password-sign-in"],
    ["POST", "/api/auth/signin/email", "mail-send"],
    ["GET", "/api/auth/callback/email?email=a%40b.c&token=123456", "code-guess"],
    ["POST", "/api/auth/callback/email", "code-guess"],
    // next-auth ignores segments after the provider: the same door.
    ["GET", "/api/auth/callback/email/x?email=a%40b.c&token=1", "code-guess"],
    ["POST", "/api/auth/callback/password/extra", "password-sign-in"],
    ["POST", "/api/auth/signin/email/again", "mail-send"],
    ["GET", "/api/auth/callback/emails", null],
    ["GET", "/api/auth/callback/password", null],
    ["GET", "/api/auth/signin/email", null],
    ["GET", "/api/auth/csrf", null],
    ["POST", "/api/auth/callback/%ZZ", null],
    ["GET", "/d/some-document", null],
    ["GET", undefined, null],
  ])("%s %s → %s", (method, url, action) => {
    expect(signInAction(method, url)).toBe(action);
  });
});

const site = "https://folio.example";
let server: Server;
let base: string;
const held: (() => void)[] = [];

beforeAll(async () => {
  // As server.ts does: the test client is a trusted proxy on loopback that names each client.
  const trusted = parseTrustedProxies("127.0.0.1");
  declareClientAddressFrontDoor();
  server = createServer((request, response) => {
    stampClientAddress(request, trusted);
    if (refuseSignInOverload(request, response, site)) return;
    held.push(() => response.end("next.js answered"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const release of held.splice(0)) release();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => clearLimitMirror());

const signIn = (ip: string) =>
  fetch(`${base}/api/auth/callback/password`, {
    method: "POST",
    headers: { "x-forwarded-for": ip, "content-type": "application/x-www-form-urlencoded" },
    body: "email=a%40b.c&password=x&json=true",
  });

/** Starts `count` requests and waits until each was either answered or admitted (held). */
async function startMany(count: number, ip: (index: number) => string) {
  const heldBefore = held.length;
  const answered: Response[] = [];
  const pending = Array.from({ length: count }, (_, index) =>
    signIn(ip(index)).then((response) => answered.push(response)),
  );
  while (held.length - heldBefore + answered.length < count)
    await new Promise((resolve) => setTimeout(resolve, 5));
  return { answered, admitted: held.length - heldBefore, pending };
}

async function releaseAll(pending: Promise<unknown>[]) {
  for (const release of held.splice(0)) release();
  await Promise.all(pending);
  // Let the server see the responses close before the next test counts again.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("refuseSignInOverload", () => {
  it("admits SIGN_IN_IN_FLIGHT.perAddress attempts of one address at once; the next gets 429", async () => {
    const { answered, admitted, pending } = await startMany(
      SIGN_IN_IN_FLIGHT.perAddress + 2,
      () => "10.1.1.1",
    );
    expect(admitted).toBe(SIGN_IN_IN_FLIGHT.perAddress);
    expect(answered.map((response) => response.status)).toEqual([429, 429]);
    expect(answered[0]!.headers.get("retry-after")).toBe("1");
    // Another address is not affected.
    const other = await startMany(1, () => "10.1.1.2");
    expect(other.admitted).toBe(1);
    await releaseAll([...pending, ...other.pending]);
    // Places come back once the responses end.
    const again = await startMany(1, () => "10.1.1.1");
    expect(again.admitted).toBe(1);
    await releaseAll(again.pending);
  });

  it("admits SIGN_IN_IN_FLIGHT.total attempts in all; beyond that 503, from any address", async () => {
    const { answered, admitted, pending } = await startMany(
      SIGN_IN_IN_FLIGHT.total + 3,
      (index) => `10.2.0.${index}`,
    );
    expect(admitted).toBe(SIGN_IN_IN_FLIGHT.total);
    expect(answered.map((response) => response.status)).toEqual([503, 503, 503]);
    await releaseAll(pending);
  });

  it("refuses an address the counters denied, until their window ends, telling next-auth's client why", async () => {
    rememberDenied("password-sign-in:ip:10.3.0.1", Date.now() + 90_000);
    const refused = await signIn("10.3.0.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(89);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(90);
    expect(await refused.json()).toEqual({
      url: `${site}/signin?error=TooManyAttempts`,
      error: "TooManyAttempts",
    });
    // Only that action is denied for it: another action, or another address, goes through.
    const { admitted, pending } = await startMany(1, () => "10.3.0.2");
    expect(admitted).toBe(1);
    await releaseAll(pending);
    const heldBefore = held.length;
    const guess = fetch(`${base}/api/auth/callback/email?email=x%40y.z&token=1`, {
      headers: { "x-forwarded-for": "10.3.0.1" },
    });
    while (held.length === heldBefore) await new Promise((resolve) => setTimeout(resolve, 5));
    await releaseAll([guess]);
    expect((await guess).status).toBe(200);
  });

  it("refuses a mailed-code guess for an account the counters denied, whatever the address", async () => {
    rememberDenied(emailLimitKey("code-guess", "reader@example.org")!, Date.now() + 60_000);
    const refused = await fetch(
      `${base}/api/auth/callback/email?email=Reader%40example.org&token=123456`,
      { headers: { "x-forwarded-for": "10.4.0.1" } },
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("text/html");
    const page = await refused.text();
    expect(page).toContain("Too many attempts");
    expect(page).toContain("尝试次数过多");
  });
});
