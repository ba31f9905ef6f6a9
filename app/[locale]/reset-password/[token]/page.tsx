import { notFound } from "next/navigation";
import { StatusMessage } from "@/components/auth/StatusMessage";
import { resetPasswordAction } from "@/lib/auth/actions";
import { NewPasswordField } from "@/components/auth/NewPasswordField";
import { isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";

export default async function ResetPasswordPage({
  params,
  searchParams,
}: PageProps<"/[locale]/reset-password/[token]">) {
  const { locale, token } = await params;
  if (!isLocale(locale)) notFound();
  const messages = messagesFor(locale);
  const status = queryValue((await searchParams).status);
  return (
    <section className="auth-page">
      <h1>{messages.auth.resetTitle}</h1>
      <StatusMessage status={status} messages={messages} />
      <form action={resetPasswordAction} className="stack">
        <input type="hidden" name="token" value={token} />
        <NewPasswordField label={messages.auth.newPassword} />
        <button type="submit" className="button">
          {messages.auth.resetSave}
        </button>
      </form>
    </section>
  );
}
