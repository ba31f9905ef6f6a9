import { notFound } from "next/navigation";
import { StatusMessage } from "@/components/auth/StatusMessage";
import { confirmSignUpAction } from "@/lib/auth/actions";
import { isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";

/** Confirmation takes a button press: mail scanners that open links must not use the token up. */
export default async function ConfirmSignUpPage({
  params,
  searchParams,
}: PageProps<"/[locale]/signup/confirm">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const messages = messagesFor(locale);
  const query = await searchParams;
  return (
    <section className="auth-page">
      <h1>{messages.auth.confirmTitle}</h1>
      <StatusMessage status={queryValue(query.status)} messages={messages} />
      <p>{messages.auth.confirmBody}</p>
      <form action={confirmSignUpAction}>
        <input type="hidden" name="token" value={queryValue(query.token) ?? ""} />
        <button type="submit" className="button">
          {messages.auth.confirm}
        </button>
      </form>
    </section>
  );
}
