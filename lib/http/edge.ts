import type { IncomingMessage, ServerResponse } from "node:http";
import { messagesFor, negotiateLocale, localeCookieName } from "@/lib/i18n";
import { watchBody } from "@/lib/http/bounded-body";
import {
  bodyLimit,
  hasBody,
  judgeRequestBody,
  judgeRequestHead,
  refusal,
  routeClass,
  allowedMethods,
  type Refusal,
} from "@/lib/http/edge-policy";
import { peerAddressHeader } from "@/lib/http/peer-address";

/**
 * The first thing server.ts does with every request, before the page cache or Next.js: records
 * the socket's peer address (overwriting any such header the client sent), refuses what
 * lib/http/edge-policy.ts does not accept with a localised 4xx, and reads any body within its
 * route's limit (by Content-Length up front, by counting bytes for chunked bodies), replaying it
 * to Next.js only when it is complete and well-formed. Returns whether the request goes on.
 */
export async function admitRequest(
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  request.headers[peerAddressHeader] = request.socket.remoteAddress ?? "";
  const head = judgeRequestHead(request);
  if (head) return refuse(request, response, head);
  if (!hasBody(request.headers)) {
    // A server action without a body still has one to judge (empty JSON is malformed).
    const empty =
      routeClass(request) === "action" ? await judgeRequestBody(request, Buffer.alloc(0)) : null;
    return empty ? refuse(request, response, empty) : true;
  }
  // With a Content-Length within the limit (checked above) Node's parser delivers exactly that
  // many bytes: Next.js reads the body itself, unless it is a server action's, whose decoding
  // Next.js answers with a 500 when the body is malformed. A chunked body needs counting too.
  const isAction = routeClass(request) === "action";
  if (request.headers["transfer-encoding"] === undefined && !isAction) return true;
  // The body passes on to Next.js as it arrives; this only counts it (and, for server actions,
  // holds its end back until it is judged well-formed). Next.js runs meanwhile. This runs before
  // the first await of the request's handling, so the parser has pushed no body byte yet.
  let bodyRefusal: Refusal | null = null;
  const judge = isAction
    ? async (body: Buffer) => {
        bodyRefusal = await judgeRequestBody(request, body);
        return bodyRefusal === null;
      }
    : undefined;
  void watchBody(request, bodyLimit(request), judge).then((outcome) => {
    if (outcome === "complete") return;
    if (outcome === "aborted") return request.socket.destroy();
    // Refused mid-body: answer unless Next.js already did, then close (the reader sees an error).
    const refused = outcome === "too-large" ? refusal("payloadTooLarge") : bodyRefusal;
    if (refused && !response.headersSent) refuse(request, response, refused, true);
    else request.socket.destroy();
  });
  return true;
}

const savedLocale = new RegExp(`(?:^|;\\s*)${localeCookieName}=([^;]+)`);

function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  refused: Refusal,
  midBody = false,
): false {
  const acceptLanguage = request.headers["accept-language"];
  const locale = negotiateLocale(
    savedLocale.exec(request.headers.cookie ?? "")?.[1],
    typeof acceptLanguage === "string" ? acceptLanguage : null,
  );
  const text = `${messagesFor(locale).httpRefusals[refused.reason]}\n`;
  // A refused body is never kept: after the answer it is discarded, briefly, then the socket closes.
  const closes = midBody || (hasBody(request.headers) && !request.complete);
  if (closes) lingerThenClose(request, response);
  response.writeHead(refused.status, {
    "content-type": "text/plain; charset=utf-8",
    "content-language": locale,
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(refused.status === 405 ? { allow: allowedMethods.join(", ") } : {}),
  });
  response.end(request.method === "HEAD" ? undefined : text);
  return false;
}

/** How long a refused upload is read and thrown away after the answer (nginx's lingering close). */
const lingerMs = 1000;

/**
 * Closing the socket at once while the client is still sending makes the kernel reset the
 * connection, and the client often loses the 4xx it was sent. So, like nginx's lingering close,
 * the answer goes out on a connection that stays open, Node's server discards the rest of the body
 * as it arrives (it drains an unread request once the response has finished), and the socket is
 * closed after a moment whatever the client is still doing.
 */
function lingerThenClose(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket;
  response.once("finish", () => {
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    socket.once("close", () => clearTimeout(timer));
  });
}
