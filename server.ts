// Folio's production server: Next.js behind a cache of rendered pages (lib/http/page-cache.ts
// explains why it cannot leak paid text).
//   npm start            (PORT, default 3000; HOSTNAME, default 0.0.0.0, 127.0.0.1 in demo mode)
// It imports Folio's server-only modules (the session and entitlement checks), so it runs with the
// react-server condition: tsx --conditions=react-server server.ts (the start script does).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { sessionTokenFromCookieHeader } from "@/lib/auth/session-token";
import { env } from "@/lib/config/env";
import {
  declareClientAddressFrontDoor,
  parseTrustedProxies,
  stampClientAddress,
} from "@/lib/http/client-address";
import {
  PageCache,
  cacheablePageRequest,
  pageCacheKey,
  parsePageCacheKey,
  storableHeaders,
  type CacheablePageRequest,
} from "@/lib/http/page-cache";
import { admitRequest } from "@/lib/http/edge";
import { createPageFillCredential, pageFillHeader } from "@/lib/http/page-fill-credential";
import { listenHostname } from "@/lib/http/listen-address";
import { refuseSignInOverload } from "@/lib/http/sign-in-gate";
import { mayReadAllPaidText } from "@/lib/reading/documents";
import { viewerForSessionToken } from "@/lib/reading/viewer";

const port = Number(process.env.PORT ?? 3000);
// Demo mode shows sign-in mail on /outbox: it listens on loopback unless HOSTNAME says otherwise.
const hostname = listenHostname(process.env.HOSTNAME, env().demoMode);
/** Where the cache's fill requests reach this server: loopback when it listens everywhere. */
const selfHost = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
const selfOrigin = `http://${selfHost.includes(":") ? `[${selfHost}]` : selfHost}:${port}`;

async function main() {
  // Next.js compares the proxy's rewrite URLs, which spell any loopback address "localhost", with
  // the origin built from this name; with 127.0.0.1 they differ and every rewritten request (/d/x →
  // /zh-CN/d/x) went back out over HTTP through Next's external-rewrite proxy: a second hop, and a
  // 500 whenever the browser dropped a prefetch mid-flight. This name only forms those internal URLs;
  // the server listens on `hostname` and Folio's absolute links come from FOLIO_SITE_URL.
  const app = next({ dev: false, hostname: "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const credential = createPageFillCredential();
  // The client address the abuse limits count: the socket's, or what trusted proxies forwarded.
  const trustedProxies = parseTrustedProxies(env().trustedProxies);
  declareClientAddressFrontDoor();

  const cache = new PageCache(async (key) => {
    const { variant, locale, path } = parsePageCacheKey(key);
    // No cookies: the page is rendered for a class of viewer, never for whoever caused the miss.
    const response = await fetch(`${selfOrigin}${path}`, {
      headers: {
        "accept-language": locale,
        "accept-encoding": "identity",
        [pageFillHeader]: variant === "full" ? credential : "anonymous",
      },
      redirect: "manual",
    });
    return {
      status: response.status,
      headers: storableHeaders(response.headers),
      body: Buffer.from(await response.arrayBuffer()),
    };
  });

  /** The cache key this request may be answered from, after checking its session if it has one. */
  async function cacheKeyFor(request: CacheablePageRequest, cookie: string | undefined) {
    if (!request.hasSession) return pageCacheKey("anonymous", request);
    // The same checks as a page's: session token and version, then grants and subscriptions.
    const viewer = await viewerForSessionToken(sessionTokenFromCookieHeader(cookie), new Date());
    return request.page === "document" && mayReadAllPaidText(viewer)
      ? pageCacheKey("full", request)
      : null;
  }

  const { siteUrl } = env();

  async function serve(request: IncomingMessage, response: ServerResponse) {
    stampClientAddress(request, trustedProxies);
    // Sign-in attempts over their limits or capacity are answered here, before any work.
    if (refuseSignInOverload(request, response, siteUrl)) return;
    // Peer address, method, target and body limits: lib/http/edge.ts (refusals are 4xx).
    if (!(await admitRequest(request, response))) return;
    // The cache's own fills (and anyone else sending the header) go straight to Next.js, where
    // only this process's credential means anything.
    const cacheable =
      request.headers[pageFillHeader] === undefined
        ? cacheablePageRequest(request.method, request.url, request.headers)
        : null;
    const key = cacheable ? await cacheKeyFor(cacheable, request.headers.cookie) : null;
    const result = key ? await cache.get(key) : null;
    if (!result || result.page.status !== 200) {
      await handle(request, response);
      return;
    }
    const { page, hit } = result;
    response.writeHead(page.status, [
      ...page.headers.flat(),
      "x-folio-cache",
      hit ? "HIT" : "MISS",
      "content-length",
      String(page.body.length),
    ]);
    response.end(page.body);
  }

  createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      console.error("[folio] request failed", error);
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        response.end("Internal Server Error");
      } else response.destroy();
    });
  }).listen(port, hostname, () => {
    console.log(
      `[folio] ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`,
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
