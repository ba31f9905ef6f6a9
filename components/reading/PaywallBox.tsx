import Link from "next/link";
import { format, type Locale, type Messages } from "@/lib/i18n";

/**
 * Stands where the paid part begins for a viewer who may not read it: anonymous readers are asked
 * to subscribe or sign in, signed-in readers without access to subscribe. It carries the `paywall`
 * class that the page's JSON-LD names (Google's paywalled-content markup).
 */
export function PaywallBox({
  slug,
  paidWords,
  percent,
  unavailable,
  signedIn,
  prices,
  locale,
  messages,
}: {
  signedIn: boolean;
  /** "¥30.00 a month, or ¥300.00 a year", or null when subscriptions are unavailable. */
  prices: string | null;
  slug: string;
  paidWords: number;
  percent: number;
  unavailable: boolean;
  locale: Locale;
  messages: Messages;
}) {
  const returnTo = encodeURIComponent(`/d/${slug}`);
  return (
    <aside className="paywall" aria-labelledby="paywall-heading" data-testid="paywall">
      <h2 id="paywall-heading">{messages.paywall.heading}</h2>
      {unavailable ? (
        <p role="status">{messages.paywall.unavailable}</p>
      ) : (
        <>
          <p>{format(locale, messages.paywall.body, { count: paidWords, percent })}</p>
          {prices ? <p className="paywall-prices">{prices}</p> : null}
          {signedIn ? <p className="muted">{messages.paywall.signedInNoAccess}</p> : null}
          <p className="paywall-actions">
            <Link className="button" href={`/pricing?callbackUrl=${returnTo}`}>
              {messages.paywall.subscribe}
            </Link>
            {signedIn ? null : (
              <Link href={`/signin?callbackUrl=${returnTo}`}>{messages.paywall.signIn}</Link>
            )}
          </p>
        </>
      )}
    </aside>
  );
}
