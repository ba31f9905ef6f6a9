import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeEmail } from "@/lib/auth/email-address";
import { emailLimitKey, normaliseEmail } from "@/lib/auth/rate-limit-policy";

/**
 * Issue 9, finding 14: normalizeEmail lowercased before checking for ASCII, so an address spelt with
 * U+212A KELVIN SIGN ("K") became the plain-"k" address and an OAuth identity vouching for it joined
 * that reader's account. Any non-ASCII character that case folding maps into ASCII is the same attack.
 */
describe("no non-ASCII address normalises onto an ASCII one", () => {
  it.each([
    "\u212Aate@example.com",
    "kate@exampl\u212A.com",
    "\u0130van@example.com",
    "r\u017Fs@example.com",
  ])("%j is refused", (address) => {
    expect(normalizeEmail(address)).toBeNull();
  });

  it("holds for every string with a non-ASCII character (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme-ascii" }),
        fc.string({ unit: "binary", minLength: 1 }).filter((text) => /[^\x00-\x7f]/.test(text)),
        fc.string({ unit: "grapheme-ascii" }),
        (before, foreign, after) => {
          expect(normalizeEmail(`${before}${foreign}${after}@example.com`)).toBeNull();
          expect(normalizeEmail(`reader@${before}${foreign}${after}.com`)).toBeNull();
        },
      ),
    );
  });

  it("the rate-limit counters use the same normaliser (one rule for the project)", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const shouted = `  ${address.toUpperCase()} `;
        const normalised = normalizeEmail(shouted);
        if (normalised) expect(normaliseEmail(shouted)).toBe(normalised);
      }),
    );
    // The Kelvin-sign address does not share the plain address's counter either.
    expect(emailLimitKey("mail-send", "\u212Aate@example.com")).not.toBe(
      emailLimitKey("mail-send", "kate@example.com"),
    );
  });
});
