import { handleStripeWebhook } from "@/lib/billing/subscriptions";
import { readBoundedText } from "@/lib/http/bounded-body";
import { bodyLimits } from "@/lib/http/edge-policy";

/** Stripe's webhook endpoint: the signature is verified over the raw body, before any parsing. */
export async function POST(request: Request) {
  // server.ts refuses a larger body before reading it; this holds under any other server too.
  const payload = await readBoundedText(request, bodyLimits.webhook);
  if (payload === null) {
    return Response.json(
      { error: "payload too large" },
      { status: 413, headers: { "Cache-Control": "no-store" } },
    );
  }
  const result = await handleStripeWebhook(payload, request.headers.get("stripe-signature"));
  return Response.json(result.body, {
    status: result.status,
    headers: { "Cache-Control": "no-store" },
  });
}
