import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusMessage } from "@/components/auth/StatusMessage";
import { signUpAction } from "@/lib/auth/actions";
import { NewPasswordField } from "@/components/auth/NewPasswordField";
import { isLocale, messagesFor } from "@/lib/i18n";
import { queryValue } from "@/lib/http/request-values";

export default async function SignUpPage({ params, searchParams }: PageProps<"/[locale]/signup">) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const messages = messagesFor(locale);
  const status = queryValue((await searchParams).status);
  return (
    <section className="auth-page">
      <h1>{messages.auth.signUpTitle}</h1>
      <StatusMessage
        status={status}
        success={{ status: "sent", text: messages.auth.signUpSent }}
        messages={messages}
      />
      <form action={signUpAction} className="stack">
        <label>
          {messages.auth.email}
          <input type="email" name="email" autoComplete="email" required />
        </label>
        <NewPasswordField label={messages.auth.newPassword} />
        <button type="submit" className="button">
          {messages.auth.signUp}
        </button>
      </form>
      <p>
        <Link href="/signin">{messages.auth.signInTitle}</Link>
      </p>
    </section>
  );
}
