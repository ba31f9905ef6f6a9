import http from "node:http";
import net from "node:net";
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
  if (request.stream) return streamedRequest(request, origin);
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
      if (!answered) reject(new Error(`${request.method} ${request.path}: ${error.message}`));
    });
    outgoing.end(request.body);
  });
}

/**
 * An upload over a plain socket: the client keeps writing while it reads, as a real one does,
 * and an error writing (the server stopped reading) does not hide the answer already sent.
 */
function streamedRequest(request: RawRequest, origin: URL): Promise<RawResponse> {
  const { chunk, count } = request.stream ?? { chunk: Buffer.alloc(0), count: 0 };
  const headers: Record<string, string> = { host: origin.host, ...request.headers };
  const chunked = headers["transfer-encoding"] === "chunked";
  const head =
    `${request.method} ${request.path} HTTP/1.1\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("") +
    "\r\n";
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(origin.port), origin.hostname);
    const received: Buffer[] = [];
    let answer: RawResponse | null = null;
    const timer = setTimeout(
      () => socket.destroy(new Error(`${request.path}: timed out`)),
      request.timeoutMs ?? 15_000,
    );
    const parse = (): RawResponse | null => {
      const text = Buffer.concat(received).toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return null;
      const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
      const parsed: http.IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(parsed["content-length"] ?? 0);
      const body = Buffer.concat(received).subarray(
        Buffer.byteLength(text.slice(0, end + 4), "latin1"),
      );
      if (body.length < length) return null;
      return {
        status: Number(statusLine.split(" ")[1]),
        headers: parsed,
        body: body.subarray(0, length).toString("utf8"),
      };
    };
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (answer) resolve(answer);
      else
        reject(error ?? new Error(`${request.method} ${request.path}: closed without an answer`));
    };
    socket.on("data", (data: Buffer) => {
      received.push(data);
      answer = parse();
      if (answer) finish();
    });
    socket.on("error", (error) => {
      // Writing after the server stopped reading: the answer may still be on its way.
      if ((error as NodeJS.ErrnoException).code === "EPIPE") return;
      finish(new Error(`${request.method} ${request.path}: ${error.message}`));
    });
    socket.on("close", () => finish());
    socket.on("connect", () => {
      socket.write(head);
      let sent = 0;
      const writeMore = () => {
        while (!answer && sent < count && socket.writable) {
          sent += 1;
          const frame = chunked
            ? Buffer.concat([
                Buffer.from(`${chunk.length.toString(16)}\r\n`),
                chunk,
                Buffer.from("\r\n"),
              ])
            : chunk;
          if (!socket.write(frame)) {
            socket.once("drain", writeMore);
            return;
          }
        }
        if (sent >= count && chunked && socket.writable) socket.write("0\r\n\r\n");
      };
      writeMore();
    });
  });
}
