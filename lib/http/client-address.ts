import { BlockList, isIP } from "node:net";

/**
 * Which address a request comes from, for the per-client abuse limits. The only address nobody can
 * forge is the socket's peer. X-Forwarded-For is anyone's to write, so it is read only when the
 * peer is a proxy the operator trusts (FOLIO_TRUSTED_PROXIES), and then only as far as trusted
 * proxies wrote it: walking from the right (each proxy appends the address it received the request
 * from), every entry added by a trusted proxy is believed, and the first address that is not a
 * trusted proxy is the client. Whatever the client put further left is ignored.
 *
 * server.ts computes the address once per request and hands it to Next.js in `clientAddressHeader`,
 * overwriting anything the client sent under that name; lib/auth/request-ip.ts reads only that.
 * No next/* imports: server.ts and the tests use this directly.
 */
export const clientAddressHeader = "x-folio-client-address";

/** A parsed FOLIO_TRUSTED_PROXIES: addresses and CIDR ranges, IPv4 and IPv6. */
export interface TrustedProxies {
  has(address: string): boolean;
}

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) is 192.0.2.1. */
export function canonicalAddress(address: string): string | null {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  const candidate = mapped ? mapped[1]! : trimmed;
  if (isIP(candidate) === 0) return null;
  return candidate.toLowerCase();
}

/**
 * Problems with a FOLIO_TRUSTED_PROXIES value (empty when it is valid): comma-separated addresses
 * or CIDR ranges, e.g. "127.0.0.1, 10.0.0.0/8, fd00::/8".
 */
export function trustedProxyProblems(list: string): string[] {
  return splitList(list).flatMap((entry) =>
    parseEntry(entry) ? [] : [`"${entry}" is not an IP address or CIDR range`],
  );
}

export function parseTrustedProxies(list: string): TrustedProxies {
  const blocks = new BlockList();
  for (const entry of splitList(list)) {
    const parsed = parseEntry(entry);
    if (!parsed)
      throw new Error(`FOLIO_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    const family = parsed.family === 4 ? "ipv4" : "ipv6";
    if (parsed.prefix === null) blocks.addAddress(parsed.address, family);
    else blocks.addSubnet(parsed.address, parsed.prefix, family);
  }
  return {
    has(address) {
      const canonical = canonicalAddress(address);
      if (!canonical) return false;
      return blocks.check(canonical, isIP(canonical) === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * The client's address: the socket peer, or, when the peer is a trusted proxy, the nearest
 * X-Forwarded-For entry (from the right) that is not one. An entry that is not an address stops
 * the walk at the last proxy (the limits then count that proxy, never a made-up address). Null
 * only when the socket has no address (it closed).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string | null {
  let current = socketAddress ? canonicalAddress(socketAddress) : null;
  if (!current) return null;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop !== "");
  while (trusted.has(current)) {
    const hop = hops.pop();
    const address = hop === undefined ? null : canonicalAddress(hop);
    if (!address) break;
    current = address;
  }
  return current;
}

function splitList(list: string): string[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

function parseEntry(
  entry: string,
): { address: string; family: 4 | 6; prefix: number | null } | null {
  const [rawAddress, rawPrefix, ...rest] = entry.split("/");
  if (rest.length > 0 || rawAddress === undefined) return null;
  const address = canonicalAddress(rawAddress);
  if (!address) return null;
  const family = isIP(address) === 4 ? 4 : 6;
  if (rawPrefix === undefined) return { address, family, prefix: null };
  if (!/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = Number(rawPrefix);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  return { address, family, prefix };
}

const frontDoor = Symbol.for("folio.clientAddressFrontDoor");
type FrontDoorHolder = { [frontDoor]?: true };

/**
 * server.ts calls this once: from then on every request reaching Next.js in this process passed
 * through it, and the headers it overwrites on every request (this client address, and the
 * socket's peer address of lib/http/peer-address.ts) are its own. Under `next dev` or `next start`
 * nothing does, and those headers (which a client could then have written) are ignored.
 */
export function declareClientAddressFrontDoor(): void {
  (globalThis as FrontDoorHolder)[frontDoor] = true;
}

export function hasClientAddressFrontDoor(): boolean {
  return (globalThis as FrontDoorHolder)[frontDoor] === true;
}

/** What server.ts does to each request: compute the address and overwrite the header with it. */
export function stampClientAddress(
  request: {
    headers: Record<string, string | string[] | undefined>;
    socket: { remoteAddress?: string };
  },
  trusted: TrustedProxies,
): void {
  const address = clientAddress(
    request.socket.remoteAddress,
    request.headers["x-forwarded-for"],
    trusted,
  );
  if (address) request.headers[clientAddressHeader] = address;
  else delete request.headers[clientAddressHeader];
}
