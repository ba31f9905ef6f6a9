"use client";

import { useSearchParams } from "next/navigation";

/**
 * The note after returning from Checkout. Read in the browser, so the document page itself does
 * not depend on the query string (and stays cacheable for anonymous readers).
 */
export function CheckoutNotice({
  unlocked,
  thanks,
  pending,
}: {
  unlocked: boolean;
  thanks: string;
  pending: string;
}) {
  const checkout = useSearchParams().get("checkout");
  if (checkout !== "subscribed" && checkout !== "pending") return null;
  return (
    <p role="status" className="form-status" data-testid="checkout-status">
      {checkout === "subscribed" && unlocked ? thanks : pending}
    </p>
  );
}
