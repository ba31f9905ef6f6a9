import { notFound } from "next/navigation";
import { StatusMessage } from "@/components/auth/StatusMessage";
import { requestPasswordResetAction } from "@/lib/auth/actions";
import { isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";

export default async function RequestResetPage({
  params,
  searchParams,
}: PageProps<"/[locale]/reset-password">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const messages = messagesFor(locale);
  const status = queryValue((await searchParams).status);
  return (
    <section className="auth-page">
      <h1>{messages.auth.resetTitle}</h1>
      <StatusMessage
        status={status}
        success={{ status: "sent", text: messages.auth.resetSent }}
        messages={messages}
      />
      <form action={requestPasswordResetAction} className="stack">
        <label>
          {messages.auth.email}
          <input type="email" name="email" autoComplete="email" required />
        </label>
        <button type="submit" className="button">
          {messages.auth.resetRequest}
        </button>
      </form>
    </section>
  );
}
