import { listIdentities, providerName } from "@/lib/auth/identities";
import { removeIdentityAction } from "@/lib/auth/identity-actions";
import { format, formatDate, messagesFor, type Locale } from "@/lib/i18n";

/** The reader's linked sign-in identities, each with a button that removes it. */
export async function LinkedIdentities({
  locale,
  userId,
  outcome,
}: {
  locale: Locale;
  userId: string;
  /** The ?identity= outcome of a removal just made, if any. */
  outcome: string | undefined;
}) {
  const messages = messagesFor(locale).identities;
  const identities = await listIdentities(userId);
  const notice =
    outcome === "removed"
      ? { role: "status", text: messages.removed }
      : outcome === "not-found"
        ? { role: "alert", text: messages.notFound }
        : outcome === "last-sign-in"
          ? { role: "alert", text: messages.lastSignIn }
          : null;
  return (
    <section className="linked-identities" data-testid="linked-identities">
      <h2>{messages.title}</h2>
      {notice ? (
        <p role={notice.role} className={notice.role === "alert" ? "form-error" : "form-status"}>
          {notice.text}
        </p>
      ) : null}
      {identities.length === 0 ? <p>{messages.none}</p> : null}
      <ul>
        {identities.map((identity) => (
          <li key={identity.id}>
            <span>
              {providerName(identity.provider)} · <code>{identity.providerAccountId}</code> ·{" "}
              {format(locale, messages.linkedOn, { date: formatDate(locale, identity.linkedAt) })}
            </span>
            <form action={removeIdentityAction}>
              <input type="hidden" name="identity" value={identity.id} />
              <button type="submit" className="button button-secondary">
                {messages.remove}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
