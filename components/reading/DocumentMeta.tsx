import { format, formatDate, type Locale, type Messages } from "@/lib/i18n";
import type { DocumentListing } from "@/lib/reading/documents";

export function paidPercent(document: Pick<DocumentListing, "freeWords" | "paidWords">): number {
  const total = document.freeWords + document.paidWords;
  return total === 0 ? 0 : Math.round((document.paidWords / total) * 100);
}

/** Length, reading time, date and author of a document, as one line of metadata. */
export function DocumentMeta({
  document,
  locale,
  messages,
}: {
  document: DocumentListing;
  locale: Locale;
  messages: Messages;
}) {
  const parts = [
    format(locale, messages.document.length, { count: document.freeWords + document.paidWords }),
    format(locale, messages.document.readingTime, { minutes: document.readingMinutes }),
    format(locale, messages.document.published, { date: formatDate(locale, document.publishedAt) }),
  ];
  if (document.author)
    parts.unshift(format(locale, messages.document.by, { author: document.author }));
  return <p className="document-meta">{parts.join(" · ")}</p>;
}
