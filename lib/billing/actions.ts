"use server";

import { redirect } from "next/navigation";
import { getSignedInReader } from "@/lib/auth/session";
import { checkoutUrlFor, portalUrlFor } from "@/lib/billing/subscriptions";
import { formField } from "@/lib/http/request-values";
import { safeReturnPath } from "@/lib/http/safe-return-path";
import { requestLocale } from "@/lib/i18n/request-locale";

/** Subscribe and manage-subscription buttons. Both act only for the signed-in reader. */
export async function subscribeAction(form: FormData): Promise<never> {
  const returnPath = safeReturnPath(formField(form, "returnTo"));
  const interval = formField(form, "interval") === "year" ? "year" : "month";
  const reader = await getSignedInReader();
  if (!reader) {
    redirect(
      `/signin?callbackUrl=${encodeURIComponent(`/pricing?callbackUrl=${encodeURIComponent(returnPath)}`)}`,
    );
  }
  let url: string;
  try {
    url = await checkoutUrlFor(reader, interval, returnPath, await requestLocale());
  } catch (error) {
    console.error("[folio] checkout could not start", error);
    redirect(`/pricing?callbackUrl=${encodeURIComponent(returnPath)}&error=checkout`);
  }
  redirect(url);
}

export async function manageSubscriptionAction(form: FormData): Promise<never> {
  const reader = await getSignedInReader();
  if (!reader) redirect("/signin?callbackUrl=%2Faccount");
  const url = await portalUrlFor(
    reader.id,
    safeReturnPath(formField(form, "returnTo") || "/account"),
  );
  redirect(url);
}
