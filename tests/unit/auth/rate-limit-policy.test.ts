import { describe, expect, it } from "vitest";
import {
  emailLimitKey,
  hashEmail,
  LIMIT_DIMENSIONS,
  LIMIT_POLICY,
  LIMITED_ACTIONS,
  limitKeys,
  normaliseEmail,
  retryAfterSeconds,
  type LimitedAction,
  type LimitKey,
  type LimitSubject,
  type WindowLimit,
} from "@/lib/auth/rate-limit-policy";

// SHA-256 of "reader@example.org", first 32 hex characters (computed with `sha256sum`).
const readerHash = "32a9c5afd14518dde375f5d361400d2f";

describe("normaliseEmail", () => {
  it.each<[string, string]>([
    ["reader@example.org", "reader@example.org"],
    ["  Reader@Example.ORG\t", "reader@example.org"],
    ["\nREADER@EXAMPLE.ORG ", "reader@example.org"],
    ["   ", ""],
  ])("%j becomes %j", (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });
});

describe("hashEmail", () => {
  it.each<[string, string]>([
    ["reader@example.org", readerHash],
    [" Reader@Example.org ", readerHash],
    ["ünïcode@example.org", "2a8c2ed94ef9ceafa2478f9fa344b939"],
  ])("hashes %j to %s", (email, expected) => {
    expect(hashEmail(email)).toBe(expected);
  });

  it("gives different addresses different hashes", () => {
    expect(hashEmail("reader@example.org")).not.toBe(hashEmail("reader2@example.org"));
  });
});

describe("limitKeys", () => {
  it.each<[string, LimitedAction, LimitSubject, LimitKey[]]>([
    [
      "email and ip",
      "password-sign-in",
      { email: "Reader@Example.org", ip: "203.0.113.7" },
      [
        { dimension: "email", key: `password-sign-in:email:${readerHash}` },
        { dimension: "ip", key: "password-sign-in:ip:203.0.113.7" },
      ],
    ],
    [
      "email only",
      "code-guess",
      { email: "reader@example.org" },
      [{ dimension: "email", key: `code-guess:email:${readerHash}` }],
    ],
    [
      "email with a null ip",
      "mail-send",
      { email: " READER@example.org", ip: null },
      [{ dimension: "email", key: `mail-send:email:${readerHash}` }],
    ],
    [
      "ip only",
      "mail-send",
      { ip: "2001:db8::1" },
      [{ dimension: "ip", key: "mail-send:ip:2001:db8::1" }],
    ],
    [
      "a blank email and a padded ip",
      "code-guess",
      { email: "   ", ip: " 198.51.100.2 " },
      [{ dimension: "ip", key: "code-guess:ip:198.51.100.2" }],
    ],
    ["neither", "password-sign-in", {}, [{ dimension: "ip", key: "password-sign-in:ip:unknown" }]],
    [
      "both null",
      "code-guess",
      { email: null, ip: null },
      [{ dimension: "ip", key: "code-guess:ip:unknown" }],
    ],
    [
      "both blank",
      "mail-send",
      { email: "", ip: " " },
      [{ dimension: "ip", key: "mail-send:ip:unknown" }],
    ],
  ])("derives the keys for %s", (_name, action, subject, expected) => {
    expect(limitKeys(action, subject)).toEqual(expected);
  });

  it("never puts the address itself in a key", () => {
    const keys = limitKeys("password-sign-in", { email: "reader@example.org", ip: "192.0.2.1" });
    expect(JSON.stringify(keys)).not.toContain("reader");
    expect(JSON.stringify(keys)).not.toContain("example.org");
  });

  it("keeps each action's counters apart", () => {
    const subject = { email: "reader@example.org", ip: "192.0.2.1" };
    const all = LIMITED_ACTIONS.flatMap((action) => limitKeys(action, subject).map((k) => k.key));
    expect(new Set(all).size).toBe(LIMITED_ACTIONS.length * 2);
  });
});

describe("emailLimitKey", () => {
  it.each<[string | null | undefined, string | null]>([
    ["reader@example.org", `password-sign-in:email:${readerHash}`],
    ["  READER@example.org ", `password-sign-in:email:${readerHash}`],
    ["", null],
    ["  ", null],
    [null, null],
    [undefined, null],
  ])("for %j is %j", (email, expected) => {
    expect(emailLimitKey("password-sign-in", email)).toBe(expected);
  });
});

describe("LIMIT_POLICY", () => {
  const minutes = 60;
  it.each<[LimitedAction, WindowLimit, WindowLimit]>([
    [
      "password-sign-in",
      { points: 10, durationSeconds: 15 * minutes },
      { points: 50, durationSeconds: 15 * minutes },
    ],
    [
      "code-guess",
      { points: 5, durationSeconds: 15 * minutes },
      { points: 50, durationSeconds: 15 * minutes },
    ],
    [
      "mail-send",
      { points: 5, durationSeconds: 60 * minutes },
      { points: 20, durationSeconds: 60 * minutes },
    ],
  ])("limits %s per email and per ip", (action, email, ip) => {
    expect(LIMIT_POLICY[action]).toEqual({ email, ip });
  });

  it("covers exactly the three actions, each in both dimensions", () => {
    expect([...LIMITED_ACTIONS].sort()).toEqual(["code-guess", "mail-send", "password-sign-in"]);
    for (const action of LIMITED_ACTIONS)
      expect(Object.keys(LIMIT_POLICY[action]).sort()).toEqual([...LIMIT_DIMENSIONS].sort());
  });

  it("lets an IP make at least as many attempts as one email, with whole positive numbers", () => {
    for (const action of LIMITED_ACTIONS) {
      const { email, ip } = LIMIT_POLICY[action];
      for (const limit of [email, ip]) {
        expect(Number.isInteger(limit.points) && limit.points > 0).toBe(true);
        expect(Number.isInteger(limit.durationSeconds) && limit.durationSeconds > 0).toBe(true);
      }
      expect(ip.points).toBeGreaterThanOrEqual(email.points);
      expect(ip.durationSeconds).toBe(email.durationSeconds);
    }
  });
});

describe("retryAfterSeconds", () => {
  it.each<[number, number]>([
    [900_000, 900],
    [899_001, 900],
    [1_500, 2],
    [1_000, 1],
    [1, 1],
    [0, 1],
    [-1, 1],
  ])("%i ms is %i s", (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
