import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { admitRequest } from "@/lib/http/edge";
import { listenHostname } from "@/lib/http/listen-address";
import { isLoopbackAddress, mayReadOutbox, peerAddressHeader } from "@/lib/http/peer-address";

/**
 * Issue 9 finding 6: the demo outbox (every sign-in link) trusted the Host header while the quick
 * start listened on every interface, so anyone on the network sending `Host: localhost` read it.
 * Now the decision is the socket's peer address, which the edge writes over any claimed one.
 */
describe("the outbox decision", () => {
  it.each<[string | null, boolean]>([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["192.0.2.2", false],
    ["10.0.0.1", false],
    ["::ffff:192.0.2.2", false],
    ["fe80::1", false],
    ["::", false],
    ["0.0.0.0", false],
    ["localhost", false],
    ["127.0.0.1.evil.example", false],
    ["", false],
    [null, false],
  ])("peer %j → %j", (peer, expected) => {
    expect(isLoopbackAddress(peer)).toBe(expected);
    expect(mayReadOutbox({ demoMode: true }, peer)).toBe(expected);
    expect(mayReadOutbox({ demoMode: false }, peer)).toBe(false);
  });

  it("demo mode listens on loopback unless HOSTNAME says otherwise", () => {
    expect(listenHostname(undefined, true)).toBe("127.0.0.1");
    expect(listenHostname("", true)).toBe("127.0.0.1");
    expect(listenHostname(undefined, false)).toBe("0.0.0.0");
    expect(listenHostname("::1", true)).toBe("::1");
  });
});

describe("the edge's peer-address header", () => {
  it("is the socket's address, whatever the client claims", async () => {
    const server = http.createServer((request, response) => {
      void admitRequest(request, response).then((admitted) => {
        if (admitted) response.end(String(request.headers[peerAddressHeader]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo; // listening on a TCP port: an AddressInfo
    try {
      for (const claimed of ["192.0.2.99", "127.0.0.1", "", "::1, 10.0.0.1"]) {
        const response = await fetch(`http://127.0.0.1:${port}/en/outbox`, {
          headers: { [peerAddressHeader]: claimed, host: "localhost" },
        });
        expect(await response.text()).toBe("127.0.0.1");
      }
      // Sent twice, the header still ends up as the one address the socket has.
      const raw = await new Promise<string>((resolve, reject) => {
        const request = http.request(
          {
            port,
            path: "/",
            headers: [
              "host",
              "localhost",
              peerAddressHeader,
              "192.0.2.99",
              peerAddressHeader,
              "10.1.1.1",
            ],
          },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk.toString()));
            response.on("end", () => resolve(text));
          },
        );
        request.on("error", reject);
        request.end();
      });
      expect(raw).toBe("127.0.0.1");
    } finally {
      server.close();
    }
  });
});
