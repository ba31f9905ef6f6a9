import { clientAddressHeader, hasClientAddressFrontDoor } from "@/lib/http/client-address";

/**
 * The client address for the per-address abuse limits: the one server.ts computed from the socket
 * and the trusted proxies (lib/http/client-address.ts) and wrote into its own header, replacing
 * whatever the client sent. X-Forwarded-For itself is never read here: the client writes it.
 * Without server.ts in front (`next dev`) there is no trustworthy address, so null: the limits
 * then count per email address, which no header can sidestep.
 */
export function clientIp(headers: Headers): string | null {
  if (!hasClientAddressFrontDoor()) return null;
  return headers.get(clientAddressHeader) || null;
}
