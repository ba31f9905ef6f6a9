/** Money, dates and HTML escaping for hosted pages and invoice line descriptions (English). */
import type Stripe from "stripe";

/** 900 "usd" → "$9.00"; 500 "jpy" → "¥500" (minor units per currency, from Intl). */
export function formatAmount(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
  } catch {
    return `${(amount / 100).toFixed(2)} ${code}`;
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** "month", "3 months", "year". */
export function intervalLabel(recurring: Stripe.Price.Recurring | null): string {
  if (!recurring) return "one time";
  const count = recurring.interval_count;
  return count === 1 ? recurring.interval : `${count} ${recurring.interval}s`;
}

/** "$9.00 / month". */
export function priceLabel(price: Stripe.Price): string {
  const amount = formatAmount(price.unit_amount ?? 0, price.currency);
  return price.recurring ? `${amount} / ${intervalLabel(price.recurring)}` : amount;
}

/** "March 5, 2027" (UTC). */
export function formatDate(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });
}
