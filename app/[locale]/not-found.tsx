import Link from "next/link";
import { messagesFor } from "@/lib/i18n";
import { requestLocale } from "@/lib/i18n/request-locale";

export default async function NotFound() {
  // not-found receives no params: negotiate the locale exactly as the proxy did.
  const messages = messagesFor(await requestLocale());
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
