import { notFound } from "next/navigation";
import { getSignedInReader } from "@/lib/auth/session";
import { subscribeAction } from "@/lib/billing/actions";
import { planOffers } from "@/lib/billing/plans";
import { env } from "@/lib/config/env";
import { safeReturnPath } from "@/lib/http/safe-return-path";
import { format, isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";

export default async function PricingPage({
  params,
  searchParams,
}: PageProps<"/[locale]/pricing">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const query = await searchParams;
  const messages = messagesFor(locale);
  const returnTo = safeReturnPath(queryValue(query.callbackUrl));
  const [offers, reader] = await Promise.all([planOffers(locale, messages), getSignedInReader()]);
  const trialDays = env().plans.trialDays;

  return (
    <section className="pricing">
      <h1>{messages.billing.pricingTitle}</h1>
      <p>{messages.billing.pricingBody}</p>
      {queryValue(query.error) === "checkout" ? (
        <p role="alert" className="form-error">
          {messages.billing.checkoutFailed}
        </p>
      ) : null}
      {!offers ? (
        <p role="status">{messages.billing.unavailable}</p>
      ) : (
        <>
          {reader ? null : <p className="muted">{messages.billing.signInFirst}</p>}
          <ul className="plans">
            {offers.map((offer) => (
              <li key={offer.interval} className="plan" data-testid={`plan-${offer.interval}`}>
                <h2>{offer.label}</h2>
                <p className="plan-price">{offer.price}</p>
                {trialDays > 0 ? (
                  <p className="muted">
                    {format(locale, messages.billing.trial, { days: trialDays })}
                  </p>
                ) : null}
                <form action={subscribeAction}>
                  <input type="hidden" name="interval" value={offer.interval} />
                  <input type="hidden" name="returnTo" value={returnTo} />
                  <button type="submit" className="button">
                    {messages.billing.subscribe}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
