import { isIP } from "node:net";
import { canonicalAddress } from "@/lib/http/client-address";

/**
 * The TCP peer of the connection a request came in on, as server.ts saw it on the socket. The
 * server sets this header on every request, overwriting whatever the client sent, so a page can
 * tell who is really connected without trusting Host, X-Forwarded-For or any other claim.
 */
export const peerAddressHeader = "x-folio-peer-address";

/** Whether an address is this machine's loopback (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  const plain = address ? canonicalAddress(address) : null;
  if (!plain) return false;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  // The URL parser writes any spelling of an IPv6 address in its one canonical form.
  return new URL(`http://[${plain}]/`).hostname === "[::1]";
}

/**
 * Demo mode's outbox shows every sign-in link: only to someone on this machine, judged by the
 * connection's own peer address (never the Host header, which any client sets as it likes).
 */
export function mayReadOutbox(
  settings: { demoMode: boolean },
  peerAddress: string | null,
): boolean {
  return settings.demoMode && isLoopbackAddress(peerAddress);
}
