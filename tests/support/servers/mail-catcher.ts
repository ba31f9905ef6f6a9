/**
 * A local SMTP sink for tests: Folio sends its mail here over plain SMTP, and tests read the
 * captured messages back over a small HTTP API (or in-process through `messages()`).
 *
 * Standalone (Playwright `webServer`): `npx tsx tests/support/servers/mail-catcher.ts`
 *   MAIL_CATCHER_SMTP_PORT  SMTP port (default 2525), point Folio's SMTP_URL at smtp://127.0.0.1:<port>
 *   MAIL_CATCHER_HTTP_PORT  HTTP port (default 2526), health check at http://127.0.0.1:<port>/health
 *
 * HTTP API (all on 127.0.0.1):
 *   GET    /health                                       200 "ok"
 *   GET    /messages?to=<address>                        JSON array, oldest first (all if no `to`)
 *   GET    /messages/latest?to=&after=&timeout=          newest matching message, long-polled up to
 *                                                        `timeout` ms (default 10000, max 30000);
 *                                                        `after` is an ISO date or epoch ms, and
 *                                                        matches mail received at or after it;
 *                                                        404 JSON {error} when nothing arrived
 *   DELETE /messages?to=<address>                        forgets the messages (all if no `to`), 204
 */
import { listen, portFromEnv } from "./listen";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";

const HOST = "127.0.0.1";
const DEFAULT_LATEST_TIMEOUT_MS = 10_000;
const MAX_LATEST_TIMEOUT_MS = 30_000;

export interface CapturedMail {
  /** Increasing per catcher: "1", "2", … */
  id: string;
  /** The From header as written, e.g. `Folio <no-reply@localhost>` (the envelope sender if absent). */
  from: string;
  /** Lowercased recipient addresses: the SMTP envelope (RCPT TO) plus the To and Cc headers. */
  to: string[];
  subject: string;
  /** The plain-text body ("" if the message has none). */
  text: string;
  /** The HTML body, or null if the message has none. */
  html: string | null;
  /** ISO 8601. */
  receivedAt: string;
}

export interface MailCatcherOptions {
  /** 0 (the default) picks a free port. */
  smtpPort?: number;
  /** 0 (the default) picks a free port. */
  httpPort?: number;
  /** Called for each captured message (the standalone server logs them). */
  onMessage?: (mail: CapturedMail) => void;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  /** `smtp://127.0.0.1:<smtpPort>` */
  smtpUrl: string;
  /** `http://127.0.0.1:<httpPort>`, for `mailCatcherClient`. */
  httpUrl: string;
  /** A copy of the captured messages, oldest first. */
  messages(): CapturedMail[];
  close(): Promise<void>;
}

interface Waiter {
  to: string | null;
  afterMs: number | null;
  deliver(mail: CapturedMail): void;
}

class MailStore {
  private readonly mails: CapturedMail[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;

  add(mail: Omit<CapturedMail, "id">): CapturedMail {
    const stored: CapturedMail = { id: String(this.nextId++), ...mail };
    this.mails.push(stored);
    for (const waiter of [...this.waiters]) {
      if (matches(stored, waiter.to, waiter.afterMs)) {
        this.waiters.delete(waiter);
        waiter.deliver(stored);
      }
    }
    return stored;
  }

  list(to: string | null): CapturedMail[] {
    return this.mails.filter((mail) => matches(mail, to, null));
  }

  latest(to: string | null, afterMs: number | null): CapturedMail | undefined {
    return this.mails.findLast((mail) => matches(mail, to, afterMs));
  }

  /** Resolves with the first matching message, or null after `timeoutMs` or on `abort`. */
  wait(to: string | null, afterMs: number | null, timeoutMs: number, abort: AbortSignal) {
    return new Promise<CapturedMail | null>((resolve) => {
      const finish = (mail: CapturedMail | null) => {
        clearTimeout(timer);
        abort.removeEventListener("abort", onAbort);
        this.waiters.delete(waiter);
        resolve(mail);
      };
      const onAbort = () => finish(null);
      const waiter: Waiter = { to, afterMs, deliver: finish };
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.waiters.add(waiter);
      abort.addEventListener("abort", onAbort, { once: true });
    });
  }

  clear(to: string | null): number {
    let removed = 0;
    for (let i = this.mails.length - 1; i >= 0; i--) {
      const mail = this.mails[i];
      if (mail && matches(mail, to, null)) {
        this.mails.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  snapshot(): CapturedMail[] {
    return this.mails.map((mail) => ({ ...mail, to: [...mail.to] }));
  }
}

function matches(mail: CapturedMail, to: string | null, afterMs: number | null): boolean {
  if (to !== null && !mail.to.includes(to)) return false;
  if (afterMs !== null && Date.parse(mail.receivedAt) < afterMs) return false;
  return true;
}

function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

function headerAddresses(header: AddressObject | AddressObject[] | undefined): string[] {
  if (!header) return [];
  const result: string[] = [];
  const visit = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.address) result.push(normalizeAddress(entry.address));
      if (entry.group) visit(entry.group);
    }
  };
  for (const object of Array.isArray(header) ? header : [header]) visit(object.value);
  return result;
}

function toCapturedMail(parsed: ParsedMail, session: SMTPServerSession): Omit<CapturedMail, "id"> {
  const envelopeTo = session.envelope.rcptTo.map((recipient) =>
    normalizeAddress(recipient.address),
  );
  const mailFrom = session.envelope.mailFrom;
  const to = [
    ...new Set([...envelopeTo, ...headerAddresses(parsed.to), ...headerAddresses(parsed.cc)]),
  ];
  return {
    from: parsed.from?.text ?? (mailFrom ? mailFrom.address : ""),
    to,
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html: parsed.html || null,
    receivedAt: new Date().toISOString(),
  };
}

/** An ISO date or epoch milliseconds; null if absent, undefined if invalid. */
function parseAfter(value: string | null): number | null | undefined {
  if (value === null || value === "") return null;
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function parseTimeout(value: string | null): number {
  if (value === null || value === "") return DEFAULT_LATEST_TIMEOUT_MS;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) return DEFAULT_LATEST_TIMEOUT_MS;
  return Math.min(Math.max(Math.trunc(parsed), 0), MAX_LATEST_TIMEOUT_MS);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
  });
  res.end(payload);
}

function createHttpHandler(store: MailStore, shutdown: AbortSignal): http.RequestListener {
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const toParam = url.searchParams.get("to");
    const to = toParam ? normalizeAddress(toParam) : null;
    const route = `${req.method ?? "GET"} ${url.pathname.replace(/\/+$/, "") || "/"}`;

    switch (route) {
      case "GET /health":
      case "HEAD /health":
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end("ok");
        return;
      case "GET /messages":
        sendJson(res, 200, store.list(to));
        return;
      case "DELETE /messages":
        store.clear(to);
        res.writeHead(204);
        res.end();
        return;
      case "GET /messages/latest": {
        const afterMs = parseAfter(url.searchParams.get("after"));
        if (afterMs === undefined) {
          sendJson(res, 400, { error: "after must be an ISO 8601 date or epoch milliseconds" });
          return;
        }
        const timeoutMs = parseTimeout(url.searchParams.get("timeout"));
        let mail = store.latest(to, afterMs);
        if (!mail && timeoutMs > 0) {
          // Stop waiting when the client goes away or the catcher shuts down.
          const gone = new AbortController();
          const onClose = () => gone.abort();
          res.once("close", onClose);
          const signal = AbortSignal.any([gone.signal, shutdown]);
          mail = (await store.wait(to, afterMs, timeoutMs, signal)) ?? undefined;
          res.off("close", onClose);
          if (res.destroyed) return;
        }
        if (mail) {
          sendJson(res, 200, mail);
        } else {
          const who = to ?? "anyone";
          const since = afterMs === null ? "" : ` since ${new Date(afterMs).toISOString()}`;
          sendJson(res, 404, { error: `no mail to ${who}${since} within ${timeoutMs} ms` });
        }
        return;
      }
      default:
        if (["/health", "/messages", "/messages/latest"].includes(url.pathname)) {
          sendJson(res, 405, { error: `${req.method ?? ""} not allowed on ${url.pathname}` });
        } else {
          sendJson(res, 404, { error: `no route ${url.pathname}` });
        }
    }
  }
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const store = new MailStore();
  const shutdown = new AbortController();

  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    banner: "Folio test mail catcher",
    disableReverseLookup: true,
    closeTimeout: 1_000,
    size: 25 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      // Any user name and password is accepted.
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const mail = store.add(toCapturedMail(parsed, session));
          options.onMessage?.(mail);
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  // Errors on client connections must not crash the catcher.
  smtp.on("error", () => {});

  const httpServer = http.createServer(createHttpHandler(store, shutdown.signal));

  await listen(smtp.server, options.smtpPort ?? 0);
  try {
    await listen(httpServer, options.httpPort ?? 0);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }

  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (httpServer.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    smtpPort,
    httpPort,
    smtpUrl: `smtp://${HOST}:${smtpPort}`,
    httpUrl: `http://${HOST}:${httpPort}`,
    messages: () => store.snapshot(),
    close() {
      closing ??= (async () => {
        shutdown.abort();
        await Promise.all([
          new Promise<void>((resolve) => smtp.close(() => resolve())),
          new Promise<void>((resolve) => {
            httpServer.close(() => resolve());
            httpServer.closeAllConnections();
          }),
        ]);
      })();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers for test code.

export interface LatestMailOptions {
  /** Only mail received at or after this moment (a Date, epoch ms or ISO string). */
  after?: Date | number | string;
  /** How long to wait for the mail (default 10000 ms); longer waits poll repeatedly. */
  timeoutMs?: number;
}

export interface MailCatcherClient {
  /** The newest mail to `to` (received at or after `after`), waiting for it; throws on timeout. */
  latest(to: string, options?: LatestMailOptions): Promise<CapturedMail>;
  /** All captured mail, oldest first; only mail to `to` if given. */
  all(to?: string): Promise<CapturedMail[]>;
  /** Forgets the captured mail; only mail to `to` if given. */
  clear(to?: string): Promise<void>;
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) {
    throw new Error(`mail catcher: ${what} failed: ${response.status} ${await response.text()}`);
  }
}

/** A client for the HTTP API, e.g. `mailCatcherClient("http://127.0.0.1:2526")`. */
export function mailCatcherClient(baseUrl: string): MailCatcherClient {
  const base = baseUrl.replace(/\/+$/, "");
  const url = (path: string, params: Record<string, string | undefined>) => {
    const target = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) target.searchParams.set(key, value);
    }
    return target;
  };

  return {
    async latest(to, { after, timeoutMs = DEFAULT_LATEST_TIMEOUT_MS } = {}) {
      const afterParam =
        after === undefined
          ? undefined
          : after instanceof Date
            ? after.toISOString()
            : String(after);
      const deadline = Date.now() + timeoutMs;
      let lastError = "";
      do {
        const wait = Math.min(Math.max(deadline - Date.now(), 0), MAX_LATEST_TIMEOUT_MS);
        const response = await fetch(
          url("/messages/latest", { to, after: afterParam, timeout: String(wait) }),
        );
        if (response.ok) return (await response.json()) as CapturedMail;
        if (response.status !== 404) await expectOk(response, `GET /messages/latest`);
        lastError = ((await response.json()) as { error?: string }).error ?? "";
      } while (Date.now() < deadline);
      throw new Error(`mail catcher: ${lastError || `no mail to ${to}`}`);
    },
    async all(to) {
      const response = await fetch(url("/messages", { to }));
      await expectOk(response, "GET /messages");
      return (await response.json()) as CapturedMail[];
    },
    async clear(to) {
      const response = await fetch(url("/messages", { to }), { method: "DELETE" });
      await expectOk(response, "DELETE /messages");
    },
  };
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith("#")) {
      const code =
        name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

const URL_PATTERN = /https?:\/\/[^\s"'<>`]+/gi;

function urlsIn(source: string, decode: boolean): string[] {
  return [...source.matchAll(URL_PATTERN)].map((match) => {
    let link = decode ? decodeEntities(match[0]) : match[0];
    // Sentence punctuation and closing brackets after a link are not part of it.
    link = link.replace(/[.,;:!?)\]}]+$/, "");
    return link;
  });
}

/** Every http(s) URL in the text and HTML bodies, deduplicated, with HTML entities decoded. */
export function extractLinks(mail: Pick<CapturedMail, "text" | "html">): string[] {
  return [...new Set([...urlsIn(mail.text, false), ...urlsIn(mail.html ?? "", true)])];
}

/** The first standalone 6-digit number in the text body (ignoring URLs), or null. */
export function extractCode(mail: Pick<CapturedMail, "text" | "html">): string | null {
  const text =
    mail.text ||
    decodeEntities((mail.html ?? "").replace(/<(style|script)[\s\S]*?<\/\1>|<[^>]*>/gi, " "));
  const withoutUrls = text.replace(URL_PATTERN, " ");
  return /(?<![\w-])\d{6}(?![\w-])/.exec(withoutUrls)?.[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Standalone server.

async function main(): Promise<void> {
  const catcher = await startMailCatcher({
    smtpPort: portFromEnv("MAIL_CATCHER_SMTP_PORT", 2525),
    httpPort: portFromEnv("MAIL_CATCHER_HTTP_PORT", 2526),
    onMessage: (mail) =>
      console.log(`mail catcher: #${mail.id} to ${mail.to.join(", ")}: ${mail.subject}`),
  });
  console.log(`mail catcher: SMTP on ${catcher.smtpUrl}, HTTP on ${catcher.httpUrl}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void catcher.close().finally(() => process.exit(0));
    });
  }
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
