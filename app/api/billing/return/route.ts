import type { NextRequest } from "next/server";
import { getSignedInReader } from "@/lib/auth/session";
import { confirmCheckout } from "@/lib/billing/subscriptions";
import { safeReturnPath } from "@/lib/http/safe-return-path";

/**
 * Where Stripe Checkout sends the reader back. The subscription is recorded here through the same
 * idempotent function as the webhook, so the document unlocks without waiting for the event.
 */
export async function GET(request: NextRequest) {
  const next = safeReturnPath(request.nextUrl.searchParams.get("next"));
  const sessionId = request.nextUrl.searchParams.get("session_id") ?? "";
  const reader = await getSignedInReader();
  let outcome = "pending";
  if (reader && /^cs_[A-Za-z0-9_]+$/.test(sessionId)) {
    outcome = await confirmCheckout(sessionId, reader.id).catch((error: unknown) => {
      console.error(
        "[folio] checkout return could not be confirmed; the webhook will record it",
        error,
      );
      return "pending";
    });
  }
  const separator = next.includes("?") ? "&" : "?";
  const status = outcome === "recorded" ? "subscribed" : "pending";
  return new Response(null, {
    status: 303,
    headers: { Location: `${next}${separator}checkout=${status}` },
  });
}
