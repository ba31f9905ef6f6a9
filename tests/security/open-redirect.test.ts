import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/http/safe-return-path";

/**
 * Issue 9 finding 5: safeReturnPath judged the raw value but returned the resolved one, so dot
 * segments collapsed "/.//evil.example" into "//evil.example", a protocol-relative redirect off the
 * site from /api/locale, /api/billing/return and the sign-in callbackUrl.
 */
const origin = "https://folio.example";

/** How a browser follows a relative Location: WHATWG URL against the page's origin. */
function followedByBrowser(location: string): URL {
  return new URL(location, origin);
}

/**
 * How a careless component on the way might treat the value: percent-decoded once, backslashes as
 * slashes, tabs and newlines dropped, then resolved. A safe path stays on the site even then.
 */
function followedLeniently(location: string): URL {
  let decoded = location;
  try {
    decoded = decodeURIComponent(location);
  } catch {
    // not decodable: taken as it is
  }
  return new URL(decoded.replace(/[\t\n\r]/g, "").replace(/\\/g, "/"), origin);
}

function staysOnSite(location: string): boolean {
  return (
    location.startsWith("/") &&
    followedByBrowser(location).origin === origin &&
    followedLeniently(location).origin === origin
  );
}

const attacks = [
  "//evil.example",
  "/.//evil.example",
  "/./\\evil.example",
  "/a/..//evil.example",
  "/a/../..//evil.example",
  "/%2e//evil.example",
  "/%2E//evil.example",
  "/%2e%2e//evil.example",
  "/a/%2e%2e//evil.example",
  "/.%2e//evil.example",
  "/%2f/evil.example",
  "/%2F%2Fevil.example",
  "/%5c/evil.example",
  "/%5C%5Cevil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "/ /evil.example",
  "/\u2215\u2215evil.example",
  "/\uff0f\uff0fevil.example",
  "/\u29f8evil.example",
  "/%E2%88%95%E2%88%95evil.example",
  "https://evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "/././/evil.example",
  "/..//evil.example",
  "/.../..//evil.example",
  "/x/.%2E//evil.example",
  "/%252e//evil.example",
  "/%0a/evil.example",
  "/%09/evil.example",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
];

describe("safeReturnPath", () => {
  it.each(attacks)("keeps %j on the site", (attack) => {
    const result = safeReturnPath(attack);
    expect(staysOnSite(result), result).toBe(true);
    expect(result.startsWith("//")).toBe(false);
    expect(safeReturnPath(result)).toBe(result);
  });

  it.each([
    ["/d/essay", "/d/essay"],
    ["/d/essay?checkout=pending#part-2", "/d/essay?checkout=pending#part-2"],
    ["/en/pricing?callbackUrl=%2Fd%2Fessay", "/en/pricing?callbackUrl=%2Fd%2Fessay"],
    ["/a/./b/../c", "/a/c"],
    ["/", "/"],
    ["", "/"],
    [null, "/"],
    [undefined, "/"],
    ["d/essay", "/"],
  ])("keeps an ordinary return path %j as %j", (value, expected) => {
    expect(safeReturnPath(value)).toBe(expected);
  });

  it("returns a path that stays on the site for any string, and is idempotent", () => {
    const pathish = fc
      .array(
        fc.constantFrom(
          "/",
          "//",
          ".",
          "..",
          "%2e",
          "%2E",
          "%2f",
          "%5c",
          "\\",
          "\t",
          "\n",
          " ",
          "\u2215",
          "\uff0f",
          "evil.example",
          "a",
          "?",
          "#",
          "@",
          ":",
          "%",
          "%25",
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), pathish), (value) => {
        const result = safeReturnPath(value);
        expect(result === "/" || staysOnSite(result), JSON.stringify([value, result])).toBe(true);
        expect(safeReturnPath(result)).toBe(result);
      }),
      { numRuns: 5000, seed: 20261201 },
    );
  });
});
