"use client";

import { usePathname } from "next/navigation";
import { isLocale, locales, type Locale } from "@/lib/i18n/locales";

const localeNames: Record<Locale, string> = { "zh-CN": "中文", en: "English" };

/** Links that save the reader's interface language and bring them back to this page. */
export function LocaleSwitcher({ current, label }: { current: Locale; label: string }) {
  const pathname = usePathname() ?? "/";
  const [, first, ...rest] = pathname.split("/");
  const pathWithoutLocale = isLocale(first) ? `/${rest.join("/")}` : pathname;
  return (
    <nav className="locale-switcher" aria-label={label}>
      {locales.map((locale) =>
        locale === current ? (
          <span key={locale} aria-current="true" lang={locale}>
            {localeNames[locale]}
          </span>
        ) : (
          <a
            key={locale}
            lang={locale}
            hrefLang={locale}
            href={`/api/locale?to=${locale}&next=${encodeURIComponent(pathWithoutLocale)}`}
          >
            {localeNames[locale]}
          </a>
        ),
      )}
    </nav>
  );
}
