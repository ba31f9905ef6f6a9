import type { IncomingMessage } from "node:http";

export type CapturedBody =
  | { outcome: "complete"; body: Buffer; replay: () => void }
  | { outcome: "too-large" }
  | { outcome: "aborted" };

/**
 * Reads a request's body before anyone else does, counting bytes as they arrive (chunked or
 * not) and stopping at `limit`: past it the socket is paused and nothing more is kept. Within
 * it, `replay` hands the same bytes on to the request stream's next reader (Next.js), which
 * sees an ordinary request. It works by intercepting the stream's `push`, the one method Node's
 * HTTP parser feeds a request body through.
 */
export function captureBody(request: IncomingMessage, limit: number): Promise<CapturedBody> {
  const push = request.push.bind(request);
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: CapturedBody) => {
      if (settled) return;
      settled = true;
      request.off("aborted", onAborted);
      resolve(result);
    };
    const onAborted = () => settle({ outcome: "aborted" });
    request.once("aborted", onAborted);
    request.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (settled) return false;
      if (chunk === null) {
        settle({
          outcome: "complete",
          body: Buffer.concat(chunks),
          replay: () => {
            request.push = push;
            for (const kept of chunks) push(kept);
            push(null);
          },
        });
        return false;
      }
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : typeof chunk === "string"
          ? Buffer.from(chunk, encoding)
          : Buffer.from(chunk as Uint8Array); // the parser pushes Buffers; anything else is bytes
      size += bytes.length;
      if (size > limit) {
        chunks.length = 0;
        // From here on the stream is Node's again: whoever refuses the request may drain it.
        request.push = push;
        settle({ outcome: "too-large" });
        return false; // the parser pauses the socket
      }
      chunks.push(bytes);
      return true;
    };
    // Already finished before we looked (an empty body): nothing was pushed but the end.
    if (request.complete && request.readableEnded)
      settle({ outcome: "complete", body: Buffer.alloc(0), replay: () => {} });
  });
}

/**
 * A Web Request's body as text, or null past `limit` bytes: the stream is cancelled there, so a
 * route behind another server (next start, next dev) never holds more than the limit either.
 */
export async function readBoundedText(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
