import { notFound, redirect } from "next/navigation";
import { SignOutButton } from "@/components/client/SignOutButton";
import { signOutEverywhereAction } from "@/lib/auth/actions";
import { getSignedInReader } from "@/lib/auth/session";
import { format, formatDate, isLocale, messagesFor } from "@/lib/i18n";
import { entitlementOf } from "@/lib/reading/viewer";

export default async function AccountPage({ params }: PageProps<"/[locale]/account">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const reader = await getSignedInReader();
  if (!reader) redirect("/signin?callbackUrl=%2Faccount");
  const messages = messagesFor(locale);
  const entitlement = await entitlementOf(reader.id, new Date());
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
      </dl>
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
