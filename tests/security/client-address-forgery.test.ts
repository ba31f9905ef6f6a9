import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnvironment } from "@/lib/config/env";
import {
  clientAddress,
  clientAddressHeader,
  parseTrustedProxies,
  stampClientAddress,
  trustedProxyProblems,
} from "@/lib/http/client-address";

/**
 * Issue 9, finding 1 (third part): the per-client limits counted the last X-Forwarded-For entry,
 * which a client without a proxy writes itself, so each guess could claim a new address. Now the
 * address is the socket's unless the socket is a trusted proxy, and then only what trusted proxies
 * appended is believed. The attacks: any header a client sends, in any shape, never moves the
 * address away from the first untrusted hop.
 */
const ipv4 = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
  .map((parts) => parts.join("."));
const junk = fc.constantFrom(
  "",
  " ",
  "unknown",
  "not-an-ip",
  "1.2.3",
  "[::1]:80",
  "1.2.3.4:80",
  "_hidden",
);
const forwardedEntry = fc.oneof(
  ipv4,
  junk,
  fc.constantFrom("::1", "2001:db8::5", "::ffff:10.0.0.1"),
);
const forwardedHeader = fc.oneof(
  fc.array(forwardedEntry, { maxLength: 6 }).map((entries) => entries.join(",")),
  fc.array(
    fc.array(forwardedEntry, { maxLength: 3 }).map((entries) => entries.join(", ")),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  fc.constant(undefined),
);

// With a secret given, parsing makes no local secret file in the working tree.
const secret = { NEXTAUTH_SECRET: "client-address-test-secret-0123456789abcdef" };

describe("clientAddress", () => {
  const none = parseTrustedProxies("");
  const loopback = parseTrustedProxies("127.0.0.1, ::1");
  const chain = parseTrustedProxies("10.0.0.0/8, 192.168.1.1");

  it("without trusted proxies is the socket's address, whatever the client claims", () => {
    fc.assert(
      fc.property(ipv4, forwardedHeader, (socket, forwarded) => {
        expect(clientAddress(socket, forwarded, none)).toBe(socket);
      }),
    );
  });

  it("from an untrusted peer ignores X-Forwarded-For even when it names trusted proxies", () => {
    fc.assert(
      fc.property(forwardedHeader, (forwarded) => {
        expect(clientAddress("203.0.113.50", forwarded, chain)).toBe("203.0.113.50");
        expect(clientAddress("::ffff:203.0.113.50", `${forwarded ?? ""},10.1.1.1`, chain)).toBe(
          "203.0.113.50",
        );
      }),
    );
  });

  it("behind trusted proxies is the first untrusted hop from the right, never anything left of it", () => {
    fc.assert(
      fc.property(forwardedHeader, ipv4, (clientWritten, client) => {
        fc.pre(!chain.has(client));
        // The client wrote `clientWritten`; proxy 192.168.1.1 appended the client, 10.2.3.4 appended 192.168.1.1.
        const header = [clientWritten, client, "192.168.1.1"].filter((part) => part).join(",");
        expect(clientAddress("10.2.3.4", header, chain)).toBe(client);
      }),
    );
  });

  it.each<[string | undefined, string | undefined, string | null]>([
    ["127.0.0.1", "198.51.100.7", "198.51.100.7"],
    ["::ffff:127.0.0.1", "198.51.100.7", "198.51.100.7"],
    ["::1", "2001:db8::1", "2001:db8::1"],
    ["127.0.0.1", undefined, "127.0.0.1"],
    ["127.0.0.1", "garbage", "127.0.0.1"], // a broken chain stops at the proxy, not at a made-up value
    ["127.0.0.1", "198.51.100.7, 127.0.0.1", "198.51.100.7"],
    ["198.51.100.9", "127.0.0.1", "198.51.100.9"],
    [undefined, "198.51.100.7", null],
  ])("socket %s, X-Forwarded-For %j → %j", (socket, forwarded, expected) => {
    expect(clientAddress(socket, forwarded, loopback)).toBe(expected);
  });
});

describe("FOLIO_TRUSTED_PROXIES", () => {
  it.each([["127.0.0.1"], ["10.0.0.0/8, 172.16.0.0/12"], ["::1, fd00::/8"], [""], [" , "]])(
    "accepts %j",
    (list) => {
      expect(trustedProxyProblems(list)).toEqual([]);
      expect(parseEnvironment({ ...secret, FOLIO_TRUSTED_PROXIES: list }).trustedProxies).toBe(
        list,
      );
    },
  );

  it.each([["localhost"], ["10.0.0.0/33"], ["::1/129"], ["10.0.0.1/8/8"], ["*"], ["10.0.0.0/x"]])(
    "refuses %j with a readable error",
    (list) => {
      expect(trustedProxyProblems(list)).toHaveLength(1);
      expect(() => parseEnvironment({ ...secret, FOLIO_TRUSTED_PROXIES: list })).toThrow(
        /FOLIO_TRUSTED_PROXIES/,
      );
    },
  );

  it("defaults to trusting no proxy", () => {
    expect(parseEnvironment(secret).trustedProxies).toBe("");
  });
});

describe("stampClientAddress on a real HTTP server", () => {
  let server: http.Server;
  let url: string;
  const seen: Array<string | undefined> = [];
  beforeAll(async () => {
    const trusted = parseTrustedProxies("");
    server = http.createServer((request, response) => {
      stampClientAddress(request, trusted);
      const stamped = request.headers[clientAddressHeader];
      seen.push(Array.isArray(stamped) ? stamped.join("|") : stamped);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("overwrites a client's own x-folio-client-address and X-Forwarded-For", async () => {
    await fc.assert(
      fc.asyncProperty(ipv4, forwardedHeader, async (claimed, forwarded) => {
        seen.length = 0;
        const headers = new Headers({ [clientAddressHeader]: claimed });
        for (const value of [forwarded ?? []].flat()) headers.append("x-forwarded-for", value);
        await fetch(url, { headers });
        expect(seen).toEqual(["127.0.0.1"]);
      }),
      { numRuns: 30 },
    );
  });
});
