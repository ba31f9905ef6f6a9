import { format, type Locale, type Messages } from "@/lib/i18n";
import type { ReadableDocument } from "@/lib/reading/documents";
import { PaywallBox } from "./PaywallBox";
import { paidPercent } from "./DocumentMeta";

/**
 * The text of a document as the gate returned it. Segment HTML was rendered and sanitised at import;
 * a locked segment carries no text at all, only its size.
 */
export function DocumentBody({
  document,
  signedIn,
  prices,
  locale,
  messages,
}: {
  document: ReadableDocument;
  signedIn: boolean;
  prices: string | null;
  locale: Locale;
  messages: Messages;
}) {
  const firstLocked = document.segments.find((segment) => segment.kind === "locked");
  return (
    <div className="document-body">
      {document.segments.map((segment) => {
        switch (segment.kind) {
          case "free":
            return (
              <div
                key={segment.position}
                className="segment"
                dangerouslySetInnerHTML={{ __html: segment.html }}
              />
            );
          case "paid":
            return (
              <div
                key={segment.position}
                className="segment paywall"
                data-access="paid"
                dangerouslySetInnerHTML={{ __html: segment.html }}
              />
            );
          case "locked":
            return segment === firstLocked ? (
              <PaywallBox
                key={segment.position}
                slug={document.slug}
                paidWords={document.paidWords}
                percent={paidPercent(document)}
                unavailable={document.access === "unavailable"}
                signedIn={signedIn}
                prices={prices}
                locale={locale}
                messages={messages}
              />
            ) : (
              <p key={segment.position} className="locked-section" data-testid="locked-section">
                {format(locale, messages.paywall.lockedSection, { count: segment.words })}
              </p>
            );
        }
      })}
    </div>
  );
}
