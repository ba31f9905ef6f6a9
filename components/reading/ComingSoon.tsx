import Link from "next/link";
import type { Messages } from "@/lib/i18n";
import { safeReturnPath } from "@/lib/http/safe-return-path";

/** Where the paywall's calls to action lead until accounts and subscriptions open. */
export function ComingSoon({
  title,
  callbackUrl,
  messages,
}: {
  title: string;
  callbackUrl: unknown;
  messages: Messages;
}) {
  const back = safeReturnPath(typeof callbackUrl === "string" ? callbackUrl : null);
  return (
    <section className="notice">
      <h1>{title}</h1>
      <p>{messages.comingSoon.body}</p>
      <p>
        <Link href={back}>{messages.comingSoon.back}</Link>
      </p>
    </section>
  );
}
