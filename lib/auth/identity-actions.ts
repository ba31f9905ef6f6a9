"use server";

import { redirect } from "next/navigation";
import { removeIdentity } from "@/lib/auth/identities";
import { getSignedInReader } from "@/lib/auth/session";
import { formField } from "@/lib/http/request-values";

/**
 * Removes one of the signed-in reader's linked identities (account page). A server action: Next.js
 * refuses it unless the request's Origin is this site, so another site cannot post it (CSRF), and
 * removeIdentity only ever touches the reader's own identities.
 */
export async function removeIdentityAction(form: FormData): Promise<never> {
  const reader = await getSignedInReader();
  if (!reader) redirect("/signin?callbackUrl=%2Faccount");
  const outcome = await removeIdentity(reader.id, formField(form, "identity"));
  redirect(`/account?identity=${outcome}`);
}
