/**
 * The interface server.ts listens on: HOSTNAME when set; otherwise every interface, except in
 * demo mode, whose /outbox shows every sign-in link and so listens on loopback only.
 */
export function listenHostname(configured: string | undefined, demoMode: boolean): string {
  if (configured) return configured;
  return demoMode ? "127.0.0.1" : "0.0.0.0";
}
