import type { Metadata } from "next";
import { Suspense } from "react";
import { CheckoutNotice } from "@/components/client/CheckoutNotice";
import { notFound } from "next/navigation";
import { DocumentBody } from "@/components/reading/DocumentBody";
import { DocumentMeta } from "@/components/reading/DocumentMeta";
import { env } from "@/lib/config/env";
import { isValidSlug } from "@/lib/documents/slug";
import { isLocale, locales, messagesFor } from "@/lib/i18n";
import { paywallPrices } from "@/lib/billing/plans";
import { getDocumentForViewer, getDocumentPreview } from "@/lib/reading/documents";
import { articleJsonLd, serializeJsonLd } from "@/lib/reading/structured-data";
import { getViewer } from "@/lib/auth/session";

type Props = PageProps<"/[locale]/d/[slug]">;

// Metadata comes from the public view only: title, summary (free text) and dates.
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const document = isValidSlug(slug) ? await getDocumentPreview(slug) : null;
  if (!document) return {};
  const path = `/d/${document.slug}`;
  return {
    title: document.title,
    description: document.summary,
    authors: document.author ? [{ name: document.author }] : undefined,
    keywords: document.tags,
    alternates: {
      canonical: path,
      languages: Object.fromEntries(locales.map((locale) => [locale, `/${locale}${path}`])),
    },
    openGraph: {
      type: "article",
      title: document.title,
      description: document.summary,
      url: path,
      publishedTime: document.publishedAt.toISOString(),
      modifiedTime: document.updatedAt.toISOString(),
      tags: document.tags,
    },
    twitter: { card: "summary", title: document.title, description: document.summary },
  };
}

export default async function DocumentPage({ params }: Props) {
  const { locale, slug } = await params;
  // Slugs are plain ASCII; anything else cannot name a document (and needs no database query).
  if (!isLocale(locale) || !isValidSlug(slug)) notFound();
  const viewer = await getViewer();
  const document = await getDocumentForViewer(slug, viewer);
  if (!document) notFound();
  const messages = messagesFor(locale);
  const prices = document.access === "full" ? null : await paywallPrices(locale, messages);
  const jsonLd = articleJsonLd(document, `${env().siteUrl}/d/${document.slug}`);

  return (
    <article className="document" lang={document.language} data-access={document.access}>
      <script
        type="application/ld+json"
        dangerouslySetInnerHTML={{ __html: serializeJsonLd(jsonLd) }}
      />
      <Suspense fallback={null}>
        <CheckoutNotice
          unlocked={document.access === "full"}
          thanks={messages.billing.thanks}
          pending={messages.billing.pending}
        />
      </Suspense>
      <header className="document-header">
        <h1>{document.title}</h1>
        <DocumentMeta document={document} locale={locale} messages={messages} />
      </header>
      <DocumentBody
        document={document}
        signedIn={viewer.kind === "reader"}
        prices={prices}
        locale={locale}
        messages={messages}
      />
    </article>
  );
}
