import { describe, expect, it } from "vitest";
import { normalizeEmail } from "@/lib/auth/email-address";
import { clientIp } from "@/lib/auth/request-ip";
import { clientAddressHeader, declareClientAddressFrontDoor } from "@/lib/http/client-address";

describe("normalizeEmail", () => {
  it.each<[unknown, string | null]>([
    ["reader@example.com", "reader@example.com"],
    ["  Reader@Example.COM ", "reader@example.com"],
    ["first.last+tag@mail.example.cn", "first.last+tag@mail.example.cn"],
    ["a@x,b@y.com", null], // CVE-2022-35924: a list of addresses
    ["a@x.com,b@y.com", null],
    ['"e@evil"@victim.com', null], // a quoted local part read differently by mail software
    ["reader＠example.com", null], // full-width at sign (homoglyph)
    ["reader@exаmple.com", null], // Cyrillic а in the domain
    ["reader@localhost", null],
    ["reader@@example.com", null],
    ["reader example@example.com", null],
    ["reader@example.com\nBcc: x@y.com", null],
    ["", null],
    [null, null],
    [42, null],
    [`${"a".repeat(250)}@example.com`, null],
  ])("%j → %j", (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe("clientIp", () => {
  it("reads only the address server.ts stamped, never X-Forwarded-For or X-Real-IP", () => {
    const forged = { "x-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.9" };
    declareClientAddressFrontDoor();
    expect(clientIp(new Headers(forged))).toBeNull();
    expect(clientIp(new Headers({ ...forged, [clientAddressHeader]: "198.51.100.4" }))).toBe(
      "198.51.100.4",
    );
  });
});
