import http from "node:http";
import { baseURL } from "../../playwright.config";

/** A request exactly as written (any method, raw path, any headers), for attacks a browser can't send. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A whole body, sent with Content-Length unless the headers say otherwise. */
  body?: Buffer | string;
  /** A body streamed in chunks (Transfer-Encoding: chunked), stopped once the server answers. */
  stream?: { chunk: Buffer; count: number };
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const target = new URL(baseURL);

export function rawRequest(request: RawRequest, origin: URL = target): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = http.request(
      {
        host: origin.hostname,
        port: origin.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent: false,
        timeout: request.timeoutMs ?? 15_000,
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${request.path}: timed out`)));
    outgoing.on("error", (error) => {
      // The server may close a refused upload while we are still writing it; the answer counts.
      if (!answered) reject(error);
    });
    if (request.stream) {
      const { chunk, count } = request.stream;
      let sent = 0;
      const writeMore = () => {
        while (!answered && sent < count && !outgoing.destroyed) {
          sent += 1;
          if (!outgoing.write(chunk)) {
            outgoing.once("drain", writeMore);
            return;
          }
        }
        if (sent >= count && !outgoing.destroyed) outgoing.end();
      };
      writeMore();
    } else {
      outgoing.end(request.body);
    }
  });
}
