/**
 * HTTP plumbing: a tiny router, body reading, and for `/v1/*` Stripe's conventions: API-key
 * auth, form-encoded params, `Idempotency-Key`, JSON errors, `Request-Id` / `Stripe-Version`.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { ApiError, unknownParam, unrecognizedUrl } from "./errors";
import { canonical, jsonToForm, parseForm, type FormMap } from "./form";
import { newId } from "./ids";
import { API_VERSION } from "./objects";
import type { IdempotentResult, Store } from "./store";

export interface Request {
  method: string;
  path: string;
  /** Path parameters (`:id`). */
  params: Record<string, string>;
  query: FormMap;
  /** Parsed body: form-encoded, or JSON (only outside /v1). */
  body: FormMap;
  /** The request's params: the body for POST, the query string otherwise (as the SDK sends them). */
  input: FormMap;
  headers: IncomingHttpHeaders;
  requestId: string;
  idempotencyKey: string | null;
}

export type Reply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; html: string }
  | { status?: number; text: string }
  | { status?: 301 | 302 | 303 | 307; redirect: string };

export type Handler = (request: Request) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path
      .split("/")
      .map((part) => {
        if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        keys.push(part.slice(1));
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(found[index + 1] ?? "");
      });
      return { handler: route.handler, params };
    }
    return null;
  }
}

const MAX_BODY = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, "invalid_request_error", "Request body too large."));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function parseBody(raw: string, contentType: string | undefined): FormMap {
  if (raw.trim() === "") return {};
  if (contentType?.includes("application/json")) {
    try {
      return jsonToForm(JSON.parse(raw));
    } catch {
      throw new ApiError(400, "invalid_request_error", "Invalid JSON body.");
    }
  }
  return parseForm(raw);
}

export function send(res: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}) {
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  if ("redirect" in reply) {
    res.writeHead(reply.status ?? 303, { Location: reply.redirect });
    res.end();
  } else if ("json" in reply) {
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.writeHead(reply.status ?? 200, { "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(reply.json, null, 2));
  } else if ("html" in reply) {
    res.writeHead(reply.status ?? 200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(reply.html);
  } else {
    res.writeHead(reply.status ?? 200, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(reply.text);
  }
}

function redactKey(key: string): string {
  if (key.length <= 12) return key;
  return `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}`;
}

/** Bearer (or Basic with the key as user name) `sk_test_…`; anything else is a 401. */
export function authenticate(headers: IncomingHttpHeaders): void {
  const header = headers.authorization ?? "";
  let key = "";
  if (/^bearer\s+/i.test(header)) key = header.replace(/^bearer\s+/i, "").trim();
  else if (/^basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8");
    key = decoded.split(":")[0] ?? "";
  }
  if (key === "") {
    throw new ApiError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (!key.startsWith("sk_test_") || key.length <= "sk_test_".length) {
    throw new ApiError(401, "invalid_request_error", `Invalid API Key provided: ${redactKey(key)}`);
  }
}

/** Which params an endpoint takes: the rest of Stripe's params are rejected like Stripe does. */
export interface ParamSpec {
  /** Implemented. */
  implemented: readonly string[];
  /** Real Stripe params the stand-in accepts and ignores (logged once). */
  ignored?: readonly string[];
  /** Real Stripe params the stand-in refuses, since ignoring them would change the outcome. */
  unsupported?: readonly string[];
}

const warned = new Set<string>();

export function checkParams(
  form: FormMap,
  spec: ParamSpec,
  where: string,
  log: (message: string) => void,
): void {
  for (const name of Object.keys(form)) {
    if (spec.implemented.includes(name)) continue;
    if (spec.ignored?.includes(name)) {
      const key = `${where} ${name}`;
      if (!warned.has(key)) {
        warned.add(key);
        log(`note: ${where}: the stand-in ignores the \`${name}\` parameter`);
      }
      continue;
    }
    if (spec.unsupported?.includes(name)) {
      throw new ApiError(
        400,
        "invalid_request_error",
        `The Stripe stand-in does not implement the \`${name}\` parameter on ${where}.`,
        name,
      );
    }
    throw unknownParam(name);
  }
}

export interface ApiDispatch {
  router: Router;
  store: Store;
  log: (message: string) => void;
  /** Runs before each handler (processes what the clock made due). */
  beforeEach: () => void;
}

const versionWarnings = new Set<string>();

/** Handles one `/v1/*` request end to end. */
export async function handleApi(
  api: ApiDispatch,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const requestId = newId("request");
  const method = req.method ?? "GET";
  const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
  const headers: Record<string, string> = {
    "Request-Id": requestId,
    "Stripe-Version": API_VERSION,
  };
  if (method === "POST" && idempotencyKey !== null) headers["Idempotency-Key"] = idempotencyKey;
  const answer = (status: number, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      ...headers,
      ...extra,
      // Our 500s are bugs, not transient: tell the SDK not to retry them.
      ...(status >= 500 ? { "Stripe-Should-Retry": "false" } : {}),
      "Content-Type": "application/json; charset=utf-8",
    });
    res.end(body);
  };
  try {
    const raw = await readBody(req);
    authenticate(req.headers);
    const version = req.headers["stripe-version"];
    if (typeof version === "string" && version !== API_VERSION && !versionWarnings.has(version)) {
      versionWarnings.add(version);
      api.log(`note: client asked for API version ${version}; answering as ${API_VERSION}`);
    }
    const route = api.router.match(method, url.pathname);
    if (!route) throw unrecognizedUrl(method, url.pathname);
    const query = parseForm(url.search.slice(1));
    const body = method === "GET" ? {} : parseForm(raw);
    const input = { method, url, query, body, headers: req.headers };
    if (method !== "POST" || idempotencyKey === null) {
      const result = await run(api, route, input, { requestId, idempotencyKey });
      answer(result.status, result.body);
      return;
    }
    const params = canonical(body);
    const saved = api.store.idempotency.get(idempotencyKey);
    if (saved) {
      if (saved.method !== method || saved.path !== url.pathname || saved.params !== params) {
        throw new ApiError(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        );
      }
      answer(saved.status, saved.body, { "Idempotent-Replayed": "true" });
      return;
    }
    const result = await run(api, route, input, { requestId, idempotencyKey });
    // Stripe saves results once the endpoint ran: successes and card errors, not bad params.
    if (result.status < 300 || result.status === 402) {
      const entry: IdempotentResult = { method, path: url.pathname, params, ...result };
      api.store.idempotency.set(idempotencyKey, entry);
    }
    answer(result.status, result.body);
  } catch (error) {
    const apiError = toApiError(error, api.log);
    answer(apiError.status, JSON.stringify(apiError.toJSON(), null, 2));
  }
}

async function run(
  api: ApiDispatch,
  route: { handler: Handler; params: Record<string, string> },
  input: { method: string; url: URL; query: FormMap; body: FormMap; headers: IncomingHttpHeaders },
  ids: { requestId: string; idempotencyKey: string | null },
): Promise<{ status: number; body: string }> {
  try {
    api.beforeEach();
    const reply = await route.handler({
      method: input.method,
      path: input.url.pathname,
      params: route.params,
      query: input.query,
      body: input.body,
      input: input.method === "POST" ? input.body : input.query,
      headers: input.headers,
      ...ids,
    });
    if (!("json" in reply)) throw new Error("API handlers must answer JSON");
    return { status: reply.status ?? 200, body: JSON.stringify(reply.json, null, 2) };
  } catch (error) {
    const apiError = toApiError(error, api.log);
    return { status: apiError.status, body: JSON.stringify(apiError.toJSON(), null, 2) };
  }
}

export function toApiError(error: unknown, log: (message: string) => void): ApiError {
  if (error instanceof ApiError) return error;
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ApiError(
    500,
    "api_error",
    `Stripe stand-in internal error: ${error instanceof Error ? error.message : String(error)}`,
  );
}
