import { handleStripeWebhook } from "@/lib/billing/subscriptions";

/** Stripe's webhook endpoint: the signature is verified over the raw body, before any parsing. */
export async function POST(request: Request) {
  const result = await handleStripeWebhook(
    await request.text(),
    request.headers.get("stripe-signature"),
  );
  return Response.json(result.body, {
    status: result.status,
    headers: { "Cache-Control": "no-store" },
  });
}
