import "server-only";
import { cookies, headers } from "next/headers";
import { localeCookieName, negotiateLocale, type Locale } from "@/lib/i18n/locales";

/** The interface language of this request, decided exactly as proxy.ts decides it. */
export async function requestLocale(): Promise<Locale> {
  const [requestCookies, requestHeaders] = await Promise.all([cookies(), headers()]);
  return negotiateLocale(
    requestCookies.get(localeCookieName)?.value,
    requestHeaders.get("accept-language"),
  );
}
