import { en } from "./messages/en";
import { zhCN, type Messages } from "./messages/zh-CN";
import type { Locale } from "./locales";

export {
  defaultLocale,
  isLocale,
  localeCookieName,
  locales,
  negotiateLocale,
  type Locale,
} from "./locales";
export type { Messages };

const catalogs: Record<Locale, Messages> = { "zh-CN": zhCN, en };

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}

/** Fills `{name}` placeholders; numbers are formatted for the locale. */
export function format(
  locale: Locale,
  template: string,
  values: Record<string, string | number>,
): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) return placeholder;
    return typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  }).format(date);
}
