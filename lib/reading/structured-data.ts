import type { DocumentListing } from "@/lib/reading/documents";

/**
 * schema.org Article markup for a document page, built from public fields only. A document with a
 * paid part says so (isAccessibleForFree: false) and names the paywalled section by CSS class, as
 * Google's paywalled-content guidance asks, so the preview is not mistaken for cloaking.
 */
export function articleJsonLd(document: DocumentListing, url: string): Record<string, unknown> {
  const isFree = document.paidRegions === 0;
  return {
    "@context": "https://schema.org",
    "@type": "Article",
    headline: document.title,
    description: document.summary,
    inLanguage: document.language,
    datePublished: document.publishedAt.toISOString(),
    dateModified: document.updatedAt.toISOString(),
    url,
    ...(document.author ? { author: { "@type": "Person", name: document.author } } : {}),
    ...(document.tags.length > 0 ? { keywords: document.tags.join(", ") } : {}),
    isAccessibleForFree: isFree,
    ...(isFree
      ? {}
      : {
          hasPart: {
            "@type": "WebPageElement",
            isAccessibleForFree: false,
            cssSelector: ".paywall",
          },
        }),
  };
}

/** JSON for an inline <script>: `<` is escaped so no text can close the script element. */
export function serializeJsonLd(data: Record<string, unknown>): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
