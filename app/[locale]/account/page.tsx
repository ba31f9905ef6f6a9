import { notFound, redirect } from "next/navigation";
import { LinkedIdentities } from "@/components/auth/LinkedIdentities";
import { SignOutButton } from "@/components/client/SignOutButton";
import { signOutEverywhereAction } from "@/lib/auth/actions";
import { manageSubscriptionAction } from "@/lib/billing/actions";
import { latestSubscription } from "@/lib/billing/subscriptions";
import { getSignedInReader } from "@/lib/auth/session";
import { format, formatDate, isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";
import { entitlementOf } from "@/lib/reading/viewer";

export default async function AccountPage({
  params,
  searchParams,
}: PageProps<"/[locale]/account">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const reader = await getSignedInReader();
  if (!reader) redirect("/signin?callbackUrl=%2Faccount");
  const messages = messagesFor(locale);
  const [entitlement, subscription] = await Promise.all([
    entitlementOf(reader.id, new Date()),
    latestSubscription(reader.id),
  ]);
  const access =
    entitlement.kind === "none"
      ? messages.auth.accessNone
      : entitlement.until === null
        ? messages.auth.accessForever
        : format(locale, messages.auth.accessUntil, {
            date: formatDate(locale, entitlement.until),
          });

  return (
    <section className="auth-page">
      <h1>{messages.auth.account}</h1>
      <dl className="account-details">
        <dt>{messages.auth.email}</dt>
        <dd data-testid="account-email">{reader.email}</dd>
        <dt>{messages.auth.accessTitle}</dt>
        <dd data-testid="account-access">{access}</dd>
        {subscription ? (
          <>
            <dt>{messages.billing.subscriptionTitle}</dt>
            <dd data-testid="account-subscription">
              {format(locale, messages.billing.status, {
                status:
                  (messages.billing.statuses as Record<string, string>)[subscription.status] ??
                  subscription.status,
              })}
              {" · "}
              {format(
                locale,
                subscription.cancelAtPeriodEnd ? messages.billing.endsOn : messages.billing.renews,
                {
                  date: formatDate(locale, subscription.currentPeriodEnd),
                },
              )}
            </dd>
          </>
        ) : null}
      </dl>
      {subscription ? (
        <form action={manageSubscriptionAction}>
          <input type="hidden" name="returnTo" value="/account" />
          <button type="submit" className="button">
            {messages.billing.manage}
          </button>
        </form>
      ) : null}
      <LinkedIdentities
        locale={locale}
        userId={reader.id}
        outcome={queryValue((await searchParams).identity)}
      />
      <div className="button-row">
        <SignOutButton label={messages.auth.signOut} />
        <form action={signOutEverywhereAction}>
          <button type="submit" className="button button-secondary">
            {messages.auth.signOutEverywhere}
          </button>
        </form>
      </div>
    </section>
  );
}
