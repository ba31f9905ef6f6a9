import { beforeEach, describe, expect, it } from "vitest";
import {
  clearLimitMirror,
  deniedUntil,
  LIMIT_MIRROR_MAX_ENTRIES,
  rememberDenied,
} from "@/lib/auth/limit-mirror";

describe("the limit mirror", () => {
  beforeEach(() => clearLimitMirror());

  it("answers the latest denial among the keys, and nothing once it has ended", () => {
    rememberDenied("password-sign-in:ip:10.0.0.1", 5_000, 0);
    rememberDenied("password-sign-in:email:abc", 9_000, 0);
    expect(deniedUntil(["password-sign-in:ip:10.0.0.1"], 1_000)).toBe(5_000);
    expect(deniedUntil(["password-sign-in:ip:10.0.0.1", "password-sign-in:email:abc"], 1_000)).toBe(
      9_000,
    );
    expect(deniedUntil(["password-sign-in:ip:10.0.0.2", "code-guess:ip:10.0.0.1"], 1_000)).toBe(
      null,
    );
    expect(deniedUntil(["password-sign-in:ip:10.0.0.1"], 5_000)).toBe(null);
    expect(deniedUntil(["password-sign-in:email:abc"], 8_999)).toBe(9_000);
  });

  it("keeps a later denial of the same key", () => {
    rememberDenied("k", 1_000, 0);
    rememberDenied("k", 2_000, 500);
    expect(deniedUntil(["k"], 1_500)).toBe(2_000);
  });

  it("holds at most LIMIT_MIRROR_MAX_ENTRIES, dropping ended denials first, then the oldest", () => {
    rememberDenied("ended", 10, 0);
    rememberDenied("oldest-live", 1_000_000, 0);
    for (let index = 0; index < LIMIT_MIRROR_MAX_ENTRIES - 1; index += 1)
      rememberDenied(`flood-${index}`, 1_000_000, 100);
    // One over the bound: the ended entry went to make room; the oldest live one is still there.
    expect(deniedUntil(["oldest-live"], 100)).toBe(1_000_000);
    rememberDenied("one-more", 1_000_000, 100);
    expect(deniedUntil(["oldest-live"], 100)).toBe(null);
    expect(deniedUntil(["one-more", `flood-${LIMIT_MIRROR_MAX_ENTRIES - 2}`], 100)).toBe(1_000_000);
  });
});
