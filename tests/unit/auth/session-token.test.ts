import { describe, expect, it } from "vitest";
import { sessionTokenFromCookieHeader, sessionTokenFromCookies } from "@/lib/auth/session-token";

// FOLIO_SITE_URL is unset in unit tests: an http site, so the cookie has no __Secure- prefix.
describe("sessionTokenFromCookies", () => {
  it.each<[string, [string, string][], string | null]>([
    ["no cookies", [], null],
    ["other cookies only", [["folio-locale", "en"]], null],
    ["one cookie", [["next-auth.session-token", "abc"]], "abc"],
    [
      "chunks joined in numeric order",
      [
        ["next-auth.session-token.10", "k"],
        ["next-auth.session-token.2", "c"],
        ["next-auth.session-token.0", "a"],
        ["next-auth.session-token.1", "b"],
      ],
      "abck",
    ],
    ["a look-alike name", [["next-auth.session-token-x", "abc"]], null],
    ["a non-numeric chunk", [["next-auth.session-token.x", "abc"]], null],
    ["the https name on an http site", [["__Secure-next-auth.session-token", "abc"]], null],
  ])("%s", (_name, cookies, expected) => {
    expect(sessionTokenFromCookies(cookies.map(([name, value]) => ({ name, value })))).toBe(
      expected,
    );
  });

  it("reads a raw Cookie header", () => {
    expect(sessionTokenFromCookieHeader("a=1; next-auth.session-token=xyz; b=2")).toBe("xyz");
    expect(sessionTokenFromCookieHeader(undefined)).toBeNull();
    expect(sessionTokenFromCookieHeader("a=1")).toBeNull();
  });
});
