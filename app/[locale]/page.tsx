import Link from "next/link";
import { notFound } from "next/navigation";
import { DocumentMeta } from "@/components/reading/DocumentMeta";
import { isLocale, messagesFor } from "@/lib/i18n";
import { decodeCursor, listLibrary } from "@/lib/reading/documents";
import { queryValue } from "@/lib/http/request-values";

export default async function LibraryPage({ params, searchParams }: PageProps<"/[locale]">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const query = await searchParams;
  const older = queryValue(query.older);
  const newer = queryValue(query.newer);
  // A cursor Folio did not write names no page of the library: "not found", not the first page.
  if (
    (older !== undefined && !decodeCursor(older)) ||
    (newer !== undefined && !decodeCursor(newer))
  )
    notFound();
  const page = await listLibrary({ older, newer });
  const messages = messagesFor(locale);

  return (
    <section className="library">
      <h1>{messages.library.title}</h1>
      {page.documents.length === 0 ? <p>{messages.library.empty}</p> : null}
      <ol className="library-list">
        {page.documents.map((document) => (
          <li key={document.id} className="library-item">
            <h2>
              <Link href={`/d/${document.slug}`} lang={document.language}>
                {document.title}
              </Link>{" "}
              <span className={document.paidRegions > 0 ? "badge badge-paid" : "badge badge-free"}>
                {document.paidRegions > 0 ? messages.library.paid : messages.library.free}
              </span>
            </h2>
            <p className="library-summary" lang={document.language}>
              {document.summary}
            </p>
            <DocumentMeta document={document} locale={locale} messages={messages} />
          </li>
        ))}
      </ol>
      <nav className="pagination">
        {page.newerCursor ? (
          <Link href={`/?newer=${page.newerCursor}`}>{messages.library.newer}</Link>
        ) : (
          <span />
        )}
        {page.olderCursor ? (
          <Link href={`/?older=${page.olderCursor}`}>{messages.library.older}</Link>
        ) : null}
      </nav>
    </section>
  );
}
