import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleStripeWebhook } from "@/lib/billing/subscriptions";

/**
 * Folio's webhook handler behind a real HTTP endpoint, for tests that let the Stripe stand-in
 * deliver its signed events itself (concurrently, retried on 5xx) instead of handing them over.
 * It is the same function app/api/stripe/webhook/route.ts calls, without the Next.js server.
 */
export interface WebhookEndpoint {
  url: string;
  /** Every answer Folio gave, in order: event id, status and body. */
  answers: { eventId: string | null; status: number; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startWebhookEndpoint(): Promise<WebhookEndpoint> {
  const answers: WebhookEndpoint["answers"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const payload = Buffer.concat(chunks).toString("utf8");
      const signature = req.headers["stripe-signature"];
      void handleStripeWebhook(payload, typeof signature === "string" ? signature : null).then(
        (result) => {
          const eventId = /"id":\s*"(evt_[A-Za-z0-9]+)"/.exec(payload)?.[1] ?? null;
          answers.push({ eventId, status: result.status, body: result.body });
          res.writeHead(result.status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(result.body));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook`,
    answers,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
