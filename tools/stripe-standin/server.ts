/**
 * A local stand-in for the part of the Stripe API Folio uses, for machines without Stripe access
 * (development, CI, the quick start). Folio's `stripe` SDK is pointed at it with
 * `new Stripe(key, { host: "127.0.0.1", port, protocol: "http" })`. State lives in memory.
 * See README.md in this folder for the endpoints, hosted pages, clock and webhook behaviour.
 *
 * Standalone: `npx tsx tools/stripe-standin/server.ts`
 *   STRIPE_STANDIN_PORT             port (default 12111)
 *   STRIPE_STANDIN_WEBHOOK_URL      where to POST events (no delivery when unset)
 *   STRIPE_STANDIN_WEBHOOK_SECRET   signing secret (default whsec_folio_standin)
 *   STRIPE_STANDIN_PUBLIC_URL       base URL of the hosted pages (default http://127.0.0.1:<port>)
 *   STRIPE_STANDIN_RETRY_DELAYS_MS  webhook retry delays (default 1000,2000,4000,8000,16000)
 *   STRIPE_STANDIN_WEBHOOK_EVENTS   event types to deliver, comma-separated (default *)
 *   STRIPE_STANDIN_DELIVERY_JITTER_MS  random delay before each first delivery (default 0)
 * In process: `startStripeStandin({ port: 0, webhookUrl, retryDelaysMs: [10, 10] })`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { registerCatalogApi } from "./api-catalog";
import { registerBillingApi } from "./api-billing";
import { registerRefundApi } from "./api-refunds";
import { processDue } from "./billing";
import { Clock } from "./clock";
import type { Context } from "./context";
import { advanceClock, registerControl, setFailPayments, stateJson } from "./control";
import { EventLog } from "./events";
import { handleApi, parseBody, readBody, Router, send, toApiError } from "./http";
import { registerPages } from "./pages";
import { Store } from "./store";
import { WebhookDispatcher, type DeliveryRecord } from "./webhooks";

const HOST = "127.0.0.1";

export const STANDIN_DEFAULTS = {
  port: 12111,
  webhookSecret: "whsec_folio_standin",
  retryDelaysMs: [1000, 2000, 4000, 8000, 16000],
  retryScheduleDays: [3, 5],
} as const;

export interface StripeStandinOptions {
  /** 0 (the default here) picks a free port; the standalone server uses 12111. */
  port?: number;
  /** Where events are POSTed; null or absent: no delivery. */
  webhookUrl?: string | null;
  webhookSecret?: string;
  /** Base URL of the hosted pages (default `http://127.0.0.1:<port>`). */
  publicUrl?: string;
  /** Delays before each webhook retry; the delivery is given up after the last one. */
  retryDelaysMs?: readonly number[];
  /** Event types to deliver (default ["*"]). */
  webhookEvents?: readonly string[];
  /** Random 0…n ms before each first delivery attempt (default 0). */
  deliveryJitterMs?: number;
  /** Per-attempt timeout of a webhook POST (default 30 s). */
  webhookTimeoutMs?: number;
  /** Days between failed invoice payment attempts (default [3, 5]). */
  retryScheduleDays?: readonly number[];
  /**
   * Freeze the stand-in clock at this unix time: it then moves only through advance (for
   * deterministic tests). By default it follows real time.
   */
  clockStartAt?: number;
  /** Log lines (deliveries, ignored params, internal errors); silent by default. */
  log?: (message: string) => void;
}

export interface StripeStandin {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  webhookSecret: string;
  store: Store;
  clock: Clock;
  /** The same dump as GET /_standin/state. */
  state(): ReturnType<typeof stateJson>;
  deliveries(): DeliveryRecord[];
  /** Like POST /_standin/clock/advance. */
  advance(seconds: number): ReturnType<typeof advanceClock>;
  /** Like POST /_standin/customers/:id/fail-payments; accepts an id or an email. */
  setFailPayments(customerIdOrEmail: string, fail: boolean): string[];
  setWebhookUrl(url: string | null): void;
  /** Resolves once no webhook attempt is running or due within `horizonMs`. */
  webhooksSettled(horizonMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startStripeStandin(
  options: StripeStandinOptions = {},
): Promise<StripeStandin> {
  const log = options.log ?? (() => {});
  const store = new Store();
  const clock = new Clock(options.clockStartAt ?? null);
  const webhookSecret = options.webhookSecret ?? STANDIN_DEFAULTS.webhookSecret;
  const webhooks = new WebhookDispatcher({
    url: options.webhookUrl ?? null,
    secret: webhookSecret,
    retryDelaysMs: options.retryDelaysMs ?? STANDIN_DEFAULTS.retryDelaysMs,
    enabledEvents: options.webhookEvents ?? ["*"],
    jitterMs: options.deliveryJitterMs ?? 0,
    timeoutMs: options.webhookTimeoutMs ?? 30_000,
    log,
  });
  const ctx: Context = {
    store,
    clock,
    events: new EventLog(store, (event) => webhooks.publish(event)),
    webhooks,
    publicUrl: "",
    retryScheduleDays: options.retryScheduleDays ?? STANDIN_DEFAULTS.retryScheduleDays,
    log,
  };
  const reset = () => {
    webhooks.reset();
    store.reset();
    clock.reset();
  };
  const apiRouter = new Router();
  registerCatalogApi(apiRouter, ctx);
  registerBillingApi(apiRouter, ctx);
  registerRefundApi(apiRouter, ctx);
  const api = {
    router: apiRouter,
    store,
    log,
    beforeEach: () => void processDue(ctx, clock.now()),
  };
  const router = new Router();
  registerPages(router, ctx);
  registerControl(router, ctx, reset);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stripe-standin.local");
    if (url.pathname.startsWith("/v1/")) return handleApi(api, req, res, url);
    const method = req.method ?? "GET";
    try {
      const raw = await readBody(req);
      const match = router.match(method, url.pathname);
      if (!match) {
        send(res, { status: 404, text: `Not found: ${method} ${url.pathname}` });
        return;
      }
      // Catch up with real time first, except where the handler moves the clock itself (so
      // the advance response lists everything that fell due) or throws the state away.
      if (url.pathname !== "/_standin/clock/advance" && url.pathname !== "/_standin/reset") {
        processDue(ctx, clock.now());
      }
      const query = Object.fromEntries(url.searchParams);
      const body = parseBody(raw, req.headers["content-type"]);
      const reply = await match.handler({
        method,
        path: url.pathname,
        params: match.params,
        query,
        body,
        input: method === "POST" ? body : query,
        headers: req.headers,
        requestId: "",
        idempotencyKey: null,
      });
      send(res, reply);
    } catch (error) {
      const apiError = toApiError(error, log);
      send(res, { status: apiError.status, json: apiError.toJSON() });
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}`;
  ctx.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, "");

  return {
    url,
    port,
    webhookSecret,
    store,
    clock,
    state: () => stateJson(ctx),
    deliveries: () => webhooks.list(),
    advance: (seconds) => advanceClock(ctx, seconds),
    setFailPayments: (idOrEmail, fail) => setFailPayments(ctx, idOrEmail, fail),
    setWebhookUrl: (webhookUrl) => webhooks.setUrl(webhookUrl),
    webhooksSettled: (horizonMs) => webhooks.settled(horizonMs),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        webhooks.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Standalone server.

function listFromEnv(name: string): string[] | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

export function delaysFromEnv(raw: string | undefined): number[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const delays = raw.split(",").map((part) => Number(part.trim()));
  if (delays.some((delay) => !Number.isFinite(delay) || delay < 0)) {
    throw new Error(`STRIPE_STANDIN_RETRY_DELAYS_MS must be a comma list of ms (got ${raw})`);
  }
  return delays;
}

async function main(): Promise<void> {
  const rawPort = process.env.STRIPE_STANDIN_PORT;
  const port = rawPort ? Number(rawPort) : STANDIN_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`STRIPE_STANDIN_PORT must be a port number (got ${JSON.stringify(rawPort)})`);
  }
  const jitter = Number(process.env.STRIPE_STANDIN_DELIVERY_JITTER_MS ?? "0");
  const standin = await startStripeStandin({
    port,
    webhookUrl: process.env.STRIPE_STANDIN_WEBHOOK_URL || null,
    webhookSecret: process.env.STRIPE_STANDIN_WEBHOOK_SECRET || undefined,
    publicUrl: process.env.STRIPE_STANDIN_PUBLIC_URL || undefined,
    retryDelaysMs: delaysFromEnv(process.env.STRIPE_STANDIN_RETRY_DELAYS_MS),
    webhookEvents: listFromEnv("STRIPE_STANDIN_WEBHOOK_EVENTS"),
    deliveryJitterMs: Number.isFinite(jitter) ? jitter : 0,
    log: (message) => console.log(`stripe stand-in: ${message}`),
  });
  const webhook =
    process.env.STRIPE_STANDIN_WEBHOOK_URL || "(none: set STRIPE_STANDIN_WEBHOOK_URL)";
  console.log(`stripe stand-in: API on ${standin.url}, webhooks to ${webhook}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void standin.close().finally(() => process.exit(0));
    });
  }
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
