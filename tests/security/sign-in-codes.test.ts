import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeRateLimits } from "@/lib/auth/rate-limit";
import {
  hashSignInToken,
  maxTriesPerCode,
  storeSignInCode,
  checkSignInCode,
  withCodeCheckScope,
} from "@/lib/auth/sign-in-codes";
import { db, disconnectDb } from "@/lib/db/client";

/**
 * Issue 9, finding 1, at the one place a code is compared, against the real database (SQLite, or
 * PostgreSQL with FOLIO_TEST_DATABASE_URL): one live code per address, a fixed number of tries per
 * code even when the guesses arrive all at once, and the code burnt after them. The HTTP forms of
 * the attack are tests/security/sign-in-code-guessing.spec.ts.
 */
delete process.env.REDIS_URL;

const secret = "integration-secret-0123456789abcdef0123";
const address = () => `code-${randomUUID().slice(0, 8)}@example.test`;
const later = () => new Date(Date.now() + 15 * 60_000);
const hashed = (code: string) => hashSignInToken(code, secret);
const wrong = (code: string) => (code === "000000" ? "000001" : "000000");
const sixDigits = fc.integer({ min: 0, max: 999_999 }).map((n) => n.toString().padStart(6, "0"));

async function liveCodes(email: string) {
  return (await db()).verificationToken.count({ where: { identifier: email } });
}

beforeEach(async () => {
  await (await db()).rateLimit.deleteMany();
});
afterAll(async () => {
  await closeRateLimits();
  await disconnectDb();
});

describe("stored sign-in codes", () => {
  it("hash exactly as next-auth does, so next-auth's callback finds them", () => {
    const require = createRequire(import.meta.url);
    const { hashToken } = require("../../node_modules/next-auth/core/lib/utils.js") as {
      hashToken: (token: string, options: { provider: object; secret: string }) => string;
    };
    fc.assert(
      fc.property(sixDigits, (code) => {
        expect(hashSignInToken(code, secret)).toBe(hashToken(code, { provider: {}, secret }));
      }),
    );
  });

  it("planting many codes leaves only the newest one live", async () => {
    const email = address();
    const codes = ["111111", "222222", "333333", "444444", "555555"];
    await Promise.all(codes.map((code) => storeSignInCode(email, hashed(code), later())));
    expect(await liveCodes(email)).toBe(1);
    for (const code of ["666666", "777777"]) await storeSignInCode(email, hashed(code), later());
    expect(await liveCodes(email)).toBe(1);
    expect(await checkSignInCode({ identifier: email, token: hashed("666666") })).toBeNull();
    expect(await checkSignInCode({ identifier: email, token: hashed("777777") })).toMatchObject({
      identifier: email,
      token: hashed("777777"),
    });
    expect(await liveCodes(email)).toBe(0);
  });

  it("the right code works after fewer than five wrong tries, and only once", async () => {
    const email = address();
    await storeSignInCode(email, hashed("424242"), later());
    for (let index = 0; index < maxTriesPerCode - 1; index += 1) {
      expect(await checkSignInCode({ identifier: email, token: hashed("000000") })).toBeNull();
    }
    expect(await checkSignInCode({ identifier: email, token: hashed("424242") })).not.toBeNull();
    expect(await checkSignInCode({ identifier: email, token: hashed("424242") })).toBeNull();
  });

  it("five wrong tries burn the code, even with the guess counters wiped", async () => {
    await fc.assert(
      fc.asyncProperty(sixDigits, async (code) => {
        const email = address();
        await storeSignInCode(email, hashed(code), later());
        for (let index = 0; index < maxTriesPerCode; index += 1) {
          await checkSignInCode({ identifier: email, token: hashed(wrong(code)) });
        }
        expect(await liveCodes(email)).toBe(0);
        await (await db()).rateLimit.deleteMany(); // the limit's window ended, or its store forgot
        expect(await checkSignInCode({ identifier: email, token: hashed(code) })).toBeNull();
      }),
      { numRuns: 5 },
    );
  });

  it("guesses sent all at once get five comparisons in total, not one each", async () => {
    const email = address();
    const code = "987654";
    await storeSignInCode(email, hashed(code), later());
    // Thirty wrong guesses in bursts of five at the same moment, with the limit's counters wiped
    // between bursts (as if from many processes, or with Redis down): the code's own count of
    // tries must still stop them, so the right code no longer works afterwards.
    for (let burst = 0; burst < 6; burst += 1) {
      await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          checkSignInCode({
            identifier: email,
            token: hashed(String(burst * 5 + index).padStart(6, "0")),
          }),
        ),
      );
      await (await db()).rateLimit.deleteMany();
    }
    expect(await checkSignInCode({ identifier: email, token: hashed(code) })).toBeNull();
  });

  it.each([
    ["upper case", (email: string) => email.toUpperCase()],
    ["padded", (email: string) => ` ${email} `],
  ])("a try naming the address in %s counts against that address's code", async (_label, spell) => {
    const email = address();
    await storeSignInCode(email, hashed("135790"), later());
    for (let index = 0; index < maxTriesPerCode; index += 1) {
      expect(
        await checkSignInCode({ identifier: spell(email), token: hashed("135790") }),
      ).toBeNull();
    }
    expect(await liveCodes(email)).toBe(0);
  });

  it("a try without an address, or with a non-string one, compares nothing", async () => {
    const email = address();
    await storeSignInCode(email, hashed("246801"), later());
    for (const identifier of [undefined, null, ["x"], 42, ""]) {
      expect(await checkSignInCode({ identifier, token: hashed("246801") })).toBeNull();
    }
    expect(await checkSignInCode({ identifier: email, token: hashed("246801") })).not.toBeNull();
  });

  it("an expired code never works", async () => {
    const email = address();
    await storeSignInCode(email, hashed("112233"), new Date(Date.now() - 1000));
    expect(await checkSignInCode({ identifier: email, token: hashed("112233") })).toBeNull();
    expect(await liveCodes(email)).toBe(0);
  });

  it("past the per-address guess limit the try is refused, and the route is told", async () => {
    const email = address();
    await storeSignInCode(email, hashed("999999"), later());
    for (let index = 0; index < maxTriesPerCode; index += 1) {
      await withCodeCheckScope("192.0.2.1", () =>
        checkSignInCode({ identifier: email, token: hashed("000000") }),
      );
    }
    // A fresh code, from another claimed client: the address's limit still holds.
    await storeSignInCode(email, hashed("999999"), later());
    const { result, refused } = await withCodeCheckScope("192.0.2.2", () =>
      checkSignInCode({ identifier: email, token: hashed("999999") }),
    );
    expect(result).toBeNull();
    expect(refused).toBe(true);
  });
});
