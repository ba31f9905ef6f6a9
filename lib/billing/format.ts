import type { Locale } from "@/lib/i18n";

// Stripe amounts are in the currency's smallest unit, except for these zero-decimal currencies.
const zeroDecimal = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

export function formatPrice(locale: Locale, amount: number, currency: string): string {
  const units = zeroDecimal.has(currency) ? amount : amount / 100;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(units);
}
