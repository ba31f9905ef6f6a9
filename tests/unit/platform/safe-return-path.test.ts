import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/http/safe-return-path";

describe("safeReturnPath", () => {
  it.each<[string | null | undefined, string]>([
    ["/d/essay", "/d/essay"],
    ["/d/essay?x=1#part", "/d/essay?x=1#part"],
    ["/", "/"],
    [null, "/"],
    [undefined, "/"],
    ["", "/"],
    ["d/essay", "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/d/x", "/"],
    ["/\\evil.example", "/"],
    ["/d/x\\..\\", "/"],
    ["/d/x\nLocation: https://evil.example", "/"],
    ["javascript:alert(1)", "/"],
    // An escape that decodes to "/" would turn into "//evil.example" in a lenient resolver.
    ["/%2F%2Fevil.example", "/"],
  ])("%j → %j", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });
});
