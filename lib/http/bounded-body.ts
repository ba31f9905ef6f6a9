import type { IncomingMessage } from "node:http";

export type BodyOutcome = "complete" | "too-large" | "invalid" | "aborted";

/**
 * Counts a request's body bytes as Node's HTTP parser hands them over (chunked or not), passing
 * each chunk on to the stream's reader (Next.js) unchanged, and stops at `limit`: past it
 * nothing more is passed on or kept, the socket is paused, and the request ends in "too-large".
 * With `judge`, the body (then kept, at most `limit` bytes) is judged before its end is passed
 * on: a reader waiting for the whole body never sees one that `judge` refuses. It works by
 * intercepting the stream's `push`, the one method the parser feeds a request body through.
 */
export function watchBody(
  request: IncomingMessage,
  limit: number,
  judge?: (body: Buffer) => Promise<boolean>,
): Promise<BodyOutcome> {
  const push = request.push.bind(request);
  const kept: Buffer[] = [];
  let size = 0;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      request.push = push;
      request.off("aborted", onAborted);
      resolve(outcome);
    };
    const onAborted = () => settle("aborted");
    request.once("aborted", onAborted);
    request.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (chunk === null) {
        if (!judge) {
          settle("complete");
          return push(null);
        }
        void judge(Buffer.concat(kept)).then((valid) => {
          if (!valid) return settle("invalid");
          settle("complete");
          push(null);
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
        kept.length = 0;
        settle("too-large");
        return false; // the parser pauses the socket
      }
      if (judge) kept.push(bytes);
      return push(bytes);
    };
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
