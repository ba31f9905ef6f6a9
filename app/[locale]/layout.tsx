import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LocaleSwitcher } from "@/components/client/LocaleSwitcher";
import { isSignedIn } from "@/lib/auth/session";
import { isTestPayments } from "@/lib/billing/stripe";
import { env } from "@/lib/config/env";
import { isLocale, locales, messagesFor } from "@/lib/i18n";
import "../globals.css";

export function generateStaticParams() {
  return locales.map((locale) => ({ locale }));
}

export async function generateMetadata({ params }: LayoutProps<"/[locale]">): Promise<Metadata> {
  const { locale } = await params;
  const messages = messagesFor(isLocale(locale) ? locale : "zh-CN");
  return {
    metadataBase: new URL(env().siteUrl),
    title: { default: messages.siteName, template: `%s · ${messages.siteName}` },
    description: messages.tagline,
    alternates: { types: { "application/rss+xml": "/rss.xml" } },
  };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
};

export default async function LocaleLayout({ children, params }: LayoutProps<"/[locale]">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const messages = messagesFor(locale);
  const signedIn = await isSignedIn();
  return (
    <html lang={locale}>
      <body>
        {isTestPayments() ? (
          <p className="demo-banner" role="note" data-testid="test-payments-banner">
            {messages.billing.testBanner}
          </p>
        ) : null}
        <header className="site-header">
          <Link href="/" className="site-name">
            {messages.siteName}
          </Link>
          <nav className="site-nav">
            <Link href="/">{messages.nav.library}</Link>
            {signedIn ? (
              <Link href="/account" data-testid="account-link">
                {messages.nav.account}
              </Link>
            ) : (
              <Link href="/signin">{messages.nav.signIn}</Link>
            )}
            <LocaleSwitcher current={locale} label={messages.nav.language} />
          </nav>
        </header>
        <main className="site-main">{children}</main>
        <footer className="site-footer">
          <span>{messages.tagline}</span> · <a href="/rss.xml">RSS</a>
        </footer>
      </body>
    </html>
  );
}
