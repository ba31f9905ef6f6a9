import type { IncomingHttpHeaders } from "node:http";

/**
 * What Folio's edge (server.ts, through lib/http/edge.ts) accepts before Next.js sees a request:
 * a method Folio serves, an origin-form target whose path decodes, and a body no larger than its
 * route class allows, of a type that route reads and well-formed. Everything else is refused
 * with a 4xx here, instead of surfacing as a 500 from deep inside Next.js or next-auth, and
 * before an oversized body is read into memory. Deny by default: a route not named below gets the
 * smallest limit.
 */

export type RefusalReason =
  | "badTarget"
  | "methodNotAllowed"
  | "payloadTooLarge"
  | "unsupportedMediaType"
  | "badBody"
  | "crossOrigin";

export interface Refusal {
  status: 400 | 403 | 405 | 413 | 415;
  reason: RefusalReason;
}

const refusals: Record<RefusalReason, Refusal> = {
  badTarget: { status: 400, reason: "badTarget" },
  methodNotAllowed: { status: 405, reason: "methodNotAllowed" },
  payloadTooLarge: { status: 413, reason: "payloadTooLarge" },
  unsupportedMediaType: { status: 415, reason: "unsupportedMediaType" },
  badBody: { status: 400, reason: "badBody" },
  crossOrigin: { status: 403, reason: "crossOrigin" },
};

export const allowedMethods = ["GET", "HEAD", "POST", "OPTIONS"] as const;

/** Body limits in bytes, by the route class that reads the body. */
export const bodyLimits = {
  /** Stripe's signed event JSON: a few KB in practice; the signature is checked over all of it. */
  webhook: 256 * 1024,
  /** next-auth's forms: an address, a password or code, a CSRF token and a callback URL. */
  auth: 16 * 1024,
  /** Server actions (the sign-up, password and billing forms), as fetch or as a plain form post. */
  action: 16 * 1024,
  /** Anything else, and every GET, HEAD and OPTIONS: no other route reads a body, so none is taken. */
  other: 0,
} as const;

export type RouteClass = keyof typeof bodyLimits;

export interface EdgeRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

export function routeClass(request: EdgeRequest): RouteClass {
  const path = (request.url ?? "").split("?")[0] ?? "";
  if (request.method !== "POST") return "other";
  if (path === "/api/stripe/webhook") return "webhook";
  if (path === "/api/auth" || path.startsWith("/api/auth/")) return "auth";
  // Next.js treats a POST to a page as a server action by its header or by a form content type.
  if (request.method === "POST" && !path.startsWith("/api/")) return "action";
  return "other";
}

export function bodyLimit(request: EdgeRequest): number {
  return bodyLimits[routeClass(request)];
}

/** Whether the request announces a body (a length above zero, or chunked). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = Number(headers["content-length"] ?? 0);
  return !Number.isFinite(length) || length > 0;
}

/** A path whose every percent-escape decodes to UTF-8, with no raw control characters. */
function decodablePath(path: string): boolean {
  if (/[\u0000-\u0020\u007f]/.test(path)) return false;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function mediaType(headers: IncomingHttpHeaders): string {
  return (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function boundaryOf(headers: IncomingHttpHeaders): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(
    headers["content-type"] ?? "",
  );
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function host(value: string): string | null {
  try {
    return new URL(value).host;
  } catch {
    return null;
  }
}

/** The checks that need no body: method, target, announced length, content type, origin. */
export function judgeRequestHead(request: EdgeRequest): Refusal | null {
  const method = request.method ?? "";
  if (!(allowedMethods as readonly string[]).includes(method)) return refusals.methodNotAllowed;
  const url = request.url ?? "";
  // Origin-form only ("/path?query"): no absolute-form, authority-form or "*".
  if (!url.startsWith("/")) return refusals.badTarget;
  if (!decodablePath(url.split("?")[0] ?? "")) return refusals.badTarget;
  const { headers } = request;
  const length = headers["content-length"];
  if (length !== undefined && Number(length) > bodyLimit(request)) return refusals.payloadTooLarge;
  if (bodyLimit(request) === 0 && hasBody(headers)) return refusals.payloadTooLarge;

  const kind = routeClass(request);
  const type = mediaType(headers);
  const announcesBody = hasBody(headers);
  if (type === "multipart/form-data" && !boundaryOf(headers)) return refusals.badBody;
  // next-auth posts forms only; it would JSON.parse anything sent as JSON and throw on a typo.
  if (
    kind === "auth" &&
    (type !== "" || announcesBody) &&
    type !== "application/x-www-form-urlencoded"
  )
    return refusals.unsupportedMediaType;
  if (kind === "action") {
    const fetchAction = headers["next-action"] !== undefined;
    if (fetchAction && !actionTypes.includes(type)) return refusals.unsupportedMediaType;
    const possibleAction = fetchAction || type === "multipart/form-data" || type === formType;
    if (possibleAction && !sameOrigin(headers)) return refusals.crossOrigin;
  }
  return null;
}

const formType = "application/x-www-form-urlencoded";
const actionTypes = ["multipart/form-data", formType, "text/plain"];

/**
 * Next.js's own rule for server actions (an Origin header, when present, must name the
 * X-Forwarded-Host or the Host), which it enforces by throwing a 500.
 */
function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const claimed = origin === "null" ? null : host(origin);
  if (!claimed) return false;
  const forwarded = headers["x-forwarded-host"];
  const forwardedHost = (
    Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(",")[0]
  )?.trim();
  return claimed === forwardedHost || claimed === headers.host;
}

/** The checks on a body read within its limit: a server action's body must decode. */
export async function judgeRequestBody(
  request: EdgeRequest,
  body: Buffer,
): Promise<Refusal | null> {
  if (routeClass(request) !== "action") return null;
  const type = mediaType(request.headers);
  if (request.headers["next-action"] !== undefined && type === "text/plain") {
    try {
      JSON.parse(body.toString("utf8"));
    } catch {
      return refusals.badBody;
    }
  }
  if (type === "multipart/form-data") {
    try {
      // The same WHATWG multipart parser Next.js's runtime builds on; the body is at most a few KB.
      const contentType = request.headers["content-type"] ?? "";
      await new Response(new Uint8Array(body), {
        headers: { "content-type": contentType },
      }).formData();
    } catch {
      return refusals.badBody;
    }
  }
  return null;
}

export function refusal(reason: RefusalReason): Refusal {
  return refusals[reason];
}
