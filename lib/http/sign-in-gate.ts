import type { IncomingMessage, ServerResponse } from "node:http";
import { deniedUntil } from "@/lib/auth/limit-mirror";
import { limitKeys, retryAfterSeconds, type LimitedAction } from "@/lib/auth/rate-limit-policy";
import { clientIp } from "@/lib/auth/request-ip";
import { clientAddressHeader } from "@/lib/http/client-address";
import { escapeHtml } from "@/lib/documents/text-utils";
import { en } from "@/lib/i18n/messages/en";
import { zhCN } from "@/lib/i18n/messages/zh-CN";

/**
 * The sign-in endpoints' front door, in server.ts before Next.js: sign-in attempts are the one
 * request class an attacker can make expensive (argon2, counter writes, next-auth's work), so
 * they are admitted on cheap, in-memory checks first and can never crowd out the others.
 *
 * - A client (address, or the account a mailed-code guess names) that the rate-limit counters
 *   have already refused is refused here too, with 429 and Retry-After, until its window ends
 *   (lib/auth/limit-mirror.ts). The counters themselves still count every attempt that gets
 *   through, where the password or code is checked.
 * - At most SIGN_IN_IN_FLIGHT.perAddress attempts per address (429) and SIGN_IN_IN_FLIGHT.total
 *   in all (503) are in Next.js at once; a flood from any number of addresses is answered at the
 *   door while the admitted few wait for argon2's slots (lib/auth/password.ts).
 */
// Small on purpose: argon2 runs one or a few at a time (lib/auth/password.ts), so more attempts in
// flight only wait there, each holding Next.js work and memory.
export const SIGN_IN_IN_FLIGHT = { perAddress: 2, total: 6 } as const;

interface GateState {
  total: number;
  perAddress: Map<string, number>;
}

// On globalThis like the other per-process state; server.ts is the only user.
const state = ((globalThis as { __folioSignInGate?: GateState }).__folioSignInGate ??= {
  total: 0,
  perAddress: new Map(),
});

/** The limited action a request attempts (counted in lib/auth), or null for any other request. */
export function signInAction(
  method: string | undefined,
  url: string | undefined,
): LimitedAction | null {
  const pathname = normalisedPath(url);
  if (pathname === null) return null;
  // next-auth reads only the first two segments after /api/auth (action and provider), so
  // `/api/auth/callback/email/x` is the same door: match the door and anything below it.
  const at = (door: string) => pathname === door || pathname.startsWith(`${door}/`);
  if (method === "POST" && at("/api/auth/callback/password")) return "password-sign-in";
  if (method === "POST" && at("/api/auth/signin/email")) return "mail-send";
  // A code is checked whatever the method (next-auth verifies a POST here as it does a GET).
  if (at("/api/auth/callback/email")) return "code-guess";
  return null;
}

/**
 * The path as the router will see it: percent-decoded, repeated and trailing slashes dropped, so
 * that `/api/auth//callback/%70assword/` is the same door as `/api/auth/callback/password`. Null
 * for a path that does not decode (Next.js answers those with 400 itself).
 */
function normalisedPath(url: string | undefined): string | null {
  const raw = (url ?? "/").split("?")[0] ?? "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return decoded.replace(/\/{2,}/g, "/").replace(/(.)\/+$/, "$1");
}

/**
 * The client address the counters key on: the one server.ts stamped on this request from the
 * socket and the trusted proxies (lib/http/client-address.ts), read the way the counters read it.
 */
function counterAddress(request: IncomingMessage): string | null {
  const stamped = request.headers[clientAddressHeader];
  return clientIp(
    new Headers(typeof stamped === "string" ? { [clientAddressHeader]: stamped } : {}),
  );
}

function guessedEmail(url: string | undefined): string | null {
  const query = (url ?? "").split("?")[1];
  return query === undefined ? null : new URLSearchParams(query).get("email");
}

const refusalText = [en, zhCN].map((messages) => messages.auth.errors.TooManyAttempts);

function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  status: 429 | 503,
  retryAfter: number,
  siteUrl: string,
): void {
  const signInUrl = `${siteUrl}/signin?error=TooManyAttempts`;
  const headers = { "retry-after": String(retryAfter), "cache-control": "no-store" };
  if (request.method === "GET") {
    // A mailed link opened in a browser: a page saying so, in both languages.
    const body = `<!doctype html><meta charset="utf-8"><title>${status}</title>${refusalText.map((text) => `<p>${text}</p>`).join("")}<p><a href="${escapeHtml(signInUrl)}">${escapeHtml(signInUrl)}</a></p>`;
    response.writeHead(status, { ...headers, "content-type": "text/html; charset=utf-8" });
    response.end(body);
    return;
  }
  // next-auth's client reads `url` (and its `error`) from the JSON answer of a sign-in POST.
  response.writeHead(status, { ...headers, "content-type": "application/json" });
  response.end(JSON.stringify({ url: signInUrl, error: "TooManyAttempts" }));
  // The body of a refused POST is discarded unread (the connection stays usable).
  request.resume();
}

/**
 * Answers a sign-in attempt that must not reach Next.js (true: the response is sent), or admits
 * it and frees its place when its response ends (false). Any other request passes untouched.
 */
export function refuseSignInOverload(
  request: IncomingMessage,
  response: ServerResponse,
  siteUrl: string,
  nowMs = Date.now(),
): boolean {
  const action = signInAction(request.method, request.url);
  if (action === null) return false;
  const address = counterAddress(request);
  const email = action === "code-guess" ? guessedEmail(request.url) : null;
  const keys = limitKeys(action, { ip: address, email }).map(({ key }) => key);
  const until = deniedUntil(keys, nowMs);
  if (until !== null) {
    refuse(request, response, 429, retryAfterSeconds(until - nowMs), siteUrl);
    return true;
  }
  const addressKey = address ?? "";
  const inFlight = state.perAddress.get(addressKey) ?? 0;
  if (inFlight >= SIGN_IN_IN_FLIGHT.perAddress) {
    refuse(request, response, 429, 1, siteUrl);
    return true;
  }
  if (state.total >= SIGN_IN_IN_FLIGHT.total) {
    refuse(request, response, 503, 1, siteUrl);
    return true;
  }
  state.total += 1;
  state.perAddress.set(addressKey, inFlight + 1);
  // The place is freed when the response is sent, or when the client goes away before that.
  // Not on the response's "close": behind Next.js it fires before the answer is written.
  let released = false;
  const socket = request.socket;
  const release = () => {
    if (released) return;
    released = true;
    socket.off("close", release);
    state.total -= 1;
    const remaining = (state.perAddress.get(addressKey) ?? 1) - 1;
    if (remaining > 0) state.perAddress.set(addressKey, remaining);
    else state.perAddress.delete(addressKey);
  };
  response.once("finish", release);
  socket.once("close", release);
  return false;
}
