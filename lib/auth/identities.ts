import "server-only";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import type { Locale } from "@/lib/i18n";
import { canSendMail, sendMail } from "@/lib/mail/mailer";
import { identityLinkedMail } from "@/lib/mail/templates";

/**
 * A reader's linked identities (OAuth/OpenID accounts): listed on the account page, removable
 * there, and announced by mail when one is added to an existing account, so an identity someone
 * linked with a stolen session does not sit unseen. Removing one deletes its row, and with it
 * (foreign key) every session it signed in.
 */

export interface LinkedIdentity {
  id: string;
  provider: string;
  /** The provider's id for the person (OpenID `sub`, GitHub's numeric id, …). */
  providerAccountId: string;
  linkedAt: Date;
}

/** The display name of a provider id. */
export function providerName(provider: string): string {
  if (provider === "oidc") return env().oauth.oidc?.name ?? "OpenID Connect";
  if (provider === "github") return "GitHub";
  if (provider === "google") return "Google";
  return provider;
}

export async function listIdentities(userId: string): Promise<LinkedIdentity[]> {
  const rows = await (
    await db()
  ).account.findMany({
    where: { userId },
    select: { id: true, provider: true, providerAccountId: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => ({
    id: row.id,
    provider: row.provider,
    providerAccountId: row.providerAccountId,
    linkedAt: row.createdAt,
  }));
}

export type RemoveIdentityOutcome = "removed" | "not-found" | "last-sign-in";

/**
 * Removes one of the reader's own identities (an id of someone else's is "not-found"), ending every
 * session it signed in. Refused when it is the reader's only way back in: no other identity, no
 * password, and no mail to send a sign-in link with.
 */
export async function removeIdentity(
  userId: string,
  identityId: string,
): Promise<RemoveIdentityOutcome> {
  const database = await db();
  const identity = await database.account.findFirst({
    where: { id: identityId, userId },
    select: { id: true },
  });
  if (!identity) return "not-found";
  const [others, user] = await Promise.all([
    database.account.count({ where: { userId, id: { not: identityId } } }),
    database.user.findUnique({
      where: { id: userId },
      select: { passwordHash: true, email: true },
    }),
  ]);
  const canComeBack = others > 0 || Boolean(user?.passwordHash) || (canSendMail() && !!user?.email);
  if (!canComeBack) return "last-sign-in";
  const { count } = await database.account.deleteMany({ where: { id: identityId, userId } });
  return count === 1 ? "removed" : "not-found";
}

/**
 * Mails the reader that an identity was linked, unless it is the one their account was just created
 * with (no password, no verified address, no other identity: there is nobody else to warn).
 */
export async function notifyIdentityLinked(
  userId: string,
  provider: string,
  locale: Locale,
): Promise<void> {
  if (!canSendMail()) return;
  try {
    const database = await db();
    const user = await database.user.findUnique({
      where: { id: userId },
      select: { email: true, emailVerified: true, passwordHash: true },
    });
    if (!user?.email) return;
    const identities = await database.account.count({ where: { userId } });
    if (identities <= 1 && !user.passwordHash && !user.emailVerified) return;
    await sendMail(
      user.email,
      identityLinkedMail(locale, providerName(provider), `${env().siteUrl}/account`),
    );
  } catch (error) {
    // The identity is linked and listed on the account page either way.
    console.error("[folio] could not mail the reader about a linked identity", error);
  }
}
