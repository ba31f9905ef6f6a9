/**
 * The client address for the per-address abuse limits: the last X-Forwarded-For entry, which is
 * the one the nearest reverse proxy wrote (nginx's `$proxy_add_x_forwarded_for` appends the peer
 * address). Without a proxy Next.js fills the header with the socket address, unless the client
 * sent one: then the address is the client's claim, which is why the per-email limits, which no
 * header can sidestep, are the ones that guard accounts.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",").pop()?.trim();
  return forwarded || headers.get("x-real-ip") || null;
}
