import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { hasClientAddressFrontDoor } from "@/lib/http/client-address";
import { mayReadOutbox, peerAddressHeader } from "@/lib/http/peer-address";
import { formatDate, isLocale, messagesFor } from "@/lib/i18n";

/**
 * Demo mode's outbox: the mail Folio would have sent, for the quick start without SMTP. It exists
 * only in demo mode (which itself requires a localhost site URL) and only answers connections from
 * this machine: judged by the socket's peer address, which server.ts writes into every request
 * (never by Host, which a client on the network sets to "localhost" as easily as anything).
 * Under `next dev`/`next start` nothing writes that header, so the outbox stays closed there.
 */
export default async function OutboxPage({ params }: PageProps<"/[locale]/outbox">) {
  const { locale } = await params;
  // Under `next start`/`next dev` nothing overwrites the header: a client could claim loopback.
  const peerAddress = hasClientAddressFrontDoor() ? (await headers()).get(peerAddressHeader) : null;
  if (!isLocale(locale) || !mayReadOutbox(env(), peerAddress)) notFound();
  const messages = messagesFor(locale);
  const mails = await (
    await db()
  ).outboxMail.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
  return (
    <section className="outbox">
      <h1>{messages.outbox.title}</h1>
      <p className="muted">{messages.outbox.body}</p>
      {mails.length === 0 ? <p>{messages.outbox.empty}</p> : null}
      {mails.map((mail) => (
        <article key={mail.id} className="outbox-mail" data-testid="outbox-mail">
          <h2>{mail.subject}</h2>
          <p className="muted">
            {messages.outbox.to}: {mail.recipient} · {formatDate(locale, mail.createdAt)}{" "}
            {mail.createdAt.toISOString().slice(11, 19)}
          </p>
          {/* Folio's own templates: every value in them is HTML-escaped (lib/mail/templates.ts). */}
          <div dangerouslySetInnerHTML={{ __html: mail.html }} />
        </article>
      ))}
    </section>
  );
}
