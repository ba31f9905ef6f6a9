import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

/** The interface languages Folio ships, and the cookie that remembers a reader's choice. */
export const locales = ["zh-CN", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "zh-CN";
export const localeCookieName = "folio-locale";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** The reader's interface language: their saved choice, else the best match for Accept-Language. */
export function negotiateLocale(
  savedChoice: string | undefined,
  acceptLanguage: string | null,
): Locale {
  if (isLocale(savedChoice)) return savedChoice;
  const requested = new Negotiator({
    headers: { "accept-language": acceptLanguage ?? "" },
  }).languages();
  try {
    const matched = match(requested, locales, defaultLocale);
    return isLocale(matched) ? matched : defaultLocale;
  } catch {
    // A malformed Accept-Language tag: fall back rather than fail the request.
    return defaultLocale;
  }
}
