import Link from "next/link";
import { cookies, headers } from "next/headers";
import { localeCookieName, messagesFor, negotiateLocale } from "@/lib/i18n";

export default async function NotFound() {
  // not-found receives no params; negotiate the locale exactly as the proxy did.
  const [requestCookies, requestHeaders] = await Promise.all([cookies(), headers()]);
  const locale = negotiateLocale(
    requestCookies.get(localeCookieName)?.value,
    requestHeaders.get("accept-language"),
  );
  const messages = messagesFor(locale);
  return (
    <section className="notice">
      <h1>{messages.notFound.title}</h1>
      <p>{messages.notFound.body}</p>
      <p>
        <Link href="/">{messages.notFound.home}</Link>
      </p>
    </section>
  );
}
