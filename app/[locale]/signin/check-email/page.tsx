import { notFound } from "next/navigation";
import { safeReturnPath } from "@/lib/http/safe-return-path";
import { isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";

/**
 * After a sign-in mail: the code form is a plain GET form to next-auth's email callback (the same
 * URL the mailed link opens), so it works without JavaScript and counts against the guess limit.
 */
export default async function CheckEmailPage({
  params,
  searchParams,
}: PageProps<"/[locale]/signin/check-email">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const query = await searchParams;
  const messages = messagesFor(locale);
  return (
    <section className="auth-page">
      <h1>{messages.auth.checkEmailTitle}</h1>
      <p>{messages.auth.checkEmailBody}</p>
      <form method="get" action="/api/auth/callback/email" className="stack">
        <input
          type="hidden"
          name="callbackUrl"
          value={safeReturnPath(queryValue(query.callbackUrl))}
        />
        <label>
          {messages.auth.email}
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            defaultValue={queryValue(query.email) ?? ""}
          />
        </label>
        <label>
          {messages.auth.codeLabel}
          <input
            name="token"
            inputMode="numeric"
            pattern="[0-9]{6}"
            maxLength={6}
            autoComplete="one-time-code"
            required
          />
        </label>
        <button type="submit" className="button">
          {messages.auth.useCode}
        </button>
      </form>
    </section>
  );
}
