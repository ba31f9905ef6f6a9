import "server-only";
import { isBillingConfigured } from "@/lib/billing/stripe";
import { planPrices } from "@/lib/billing/subscriptions";
import { formatPrice } from "@/lib/billing/format";
import { format, type Locale, type Messages } from "@/lib/i18n";

export interface PlanOffer {
  interval: "month" | "year";
  label: string;
  price: string;
}

/** The plans as a page shows them, or null when subscriptions are off or Stripe is unreachable. */
export async function planOffers(locale: Locale, messages: Messages): Promise<PlanOffer[] | null> {
  if (!isBillingConfigured()) return null;
  try {
    const prices = await planPrices();
    if (prices.length === 0) return null;
    return prices.map((price) => {
      const amount = formatPrice(locale, price.amount, price.currency);
      return price.interval === "month"
        ? {
            interval: "month",
            label: messages.billing.monthly,
            price: format(locale, messages.billing.perMonth, { price: amount }),
          }
        : {
            interval: "year",
            label: messages.billing.yearly,
            price: format(locale, messages.billing.perYear, { price: amount }),
          };
    });
  } catch (error) {
    console.error("[folio] plan prices unavailable", error);
    return null;
  }
}

/** The plans in one line for the paywall ("… a month, or … a year"), or null without plans. */
export async function paywallPrices(locale: Locale, messages: Messages): Promise<string | null> {
  const offers = await planOffers(locale, messages);
  const monthly = offers?.find((offer) => offer.interval === "month");
  const yearly = offers?.find((offer) => offer.interval === "year");
  if (monthly && yearly)
    return format(locale, messages.paywall.prices, {
      monthly: monthly.price,
      yearly: yearly.price,
    });
  return (monthly ?? yearly)?.price ?? null;
}
