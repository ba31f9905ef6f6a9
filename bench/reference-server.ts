// The reference for the load test: a plain Node http server that answers every request with the
// same bytes (a page Folio rendered once). Started by bench/servers.ts in its own process, so the
// load generator does not share its event loop. Environment: BENCH_PORT, BENCH_BODY, BENCH_TYPE.
import fs from "node:fs";
import http from "node:http";

const port = Number(process.env.BENCH_PORT ?? "3299");
const body = fs.readFileSync(process.env.BENCH_BODY ?? "");
const contentType = process.env.BENCH_TYPE ?? "text/html; charset=utf-8";

http
  .createServer((request, response) => {
    request.resume();
    response.writeHead(200, { "Content-Type": contentType, "Content-Length": body.length });
    response.end(body);
  })
  .listen(port, "127.0.0.1");
