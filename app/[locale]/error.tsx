"use client";

import { useParams } from "next/navigation";
import { isLocale, messagesFor } from "@/lib/i18n";

/** Shown when a page fails. In production Next sends only a digest here, never the message or stack. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const { locale } = useParams<{ locale: string }>();
  const messages = messagesFor(isLocale(locale) ? locale : "zh-CN");
  return (
    <section className="notice" role="alert">
      <h1>{messages.error.title}</h1>
      <p>{messages.error.body}</p>
      {error.digest ? (
        <p className="muted">
          {messages.error.reference}: {error.digest}
        </p>
      ) : null}
      <button type="button" className="button" onClick={reset}>
        {messages.error.retry}
      </button>
    </section>
  );
}
