// Folio's production server: Next.js behind a small in-memory cache of anonymous document pages
// (lib/http/anonymous-page-cache.ts explains why it cannot leak paid text).
//   npm start            (PORT, default 3000; HOSTNAME, default 0.0.0.0)
import { createServer } from "node:http";
import next from "next";
import { AnonymousPageCache, cacheKeyFor, storableHeaders } from "@/lib/http/anonymous-page-cache";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";
const fillHeader = "x-folio-cache-fill";

async function main() {
  const app = next({ dev: false, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const cache = new AnonymousPageCache(async (key) => {
    const [locale, path] = key.split(" ") as [string, string];
    // No cookies, no credentials: whoever caused the miss, the page is rendered for nobody.
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { "accept-language": locale, "accept-encoding": "identity", [fillHeader]: "1" },
      redirect: "manual",
    });
    return {
      status: response.status,
      headers: storableHeaders(response.headers),
      body: Buffer.from(await response.arrayBuffer()),
      storedAt: Date.now(),
    };
  });

  createServer((request, response) => {
    // The cache's own fill requests (and anyone sending the header) go straight to Next.js.
    const bypass = request.headers[fillHeader] === "1";
    const key = bypass ? null : cacheKeyFor(request.method, request.url, request.headers);
    if (!key) {
      void handle(request, response);
      return;
    }
    cache
      .get(key)
      .then((result) => {
        if (!result || result.page.status !== 200) {
          void handle(request, response);
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
      })
      .catch(() => void handle(request, response));
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
