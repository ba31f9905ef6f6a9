"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import {
  confirmSignUp,
  requestPasswordReset,
  requestSignUp,
  resetPassword,
  signOutEverywhere,
} from "@/lib/auth/accounts";
import { clientIp } from "@/lib/auth/request-ip";
import { formField } from "@/lib/http/request-values";
import { getSignedInReader } from "@/lib/auth/session";
import { requestLocale } from "@/lib/i18n/request-locale";

/**
 * Form actions of the account pages. Each works without JavaScript: it does its work and redirects
 * to a page that shows the outcome. Next.js checks that a server action's Origin matches the host.
 */
export async function signUpAction(form: FormData): Promise<never> {
  const outcome = await requestSignUp({
    email: formField(form, "email"),
    password: formField(form, "password"),
    ip: clientIp(await headers()),
    locale: await requestLocale(),
  });
  redirect(`/signup?status=${outcome}`);
}

export async function confirmSignUpAction(form: FormData): Promise<never> {
  const email = await confirmSignUp(formField(form, "token"));
  redirect(
    email
      ? `/signin?status=confirmed&email=${encodeURIComponent(email)}`
      : "/signup/confirm?status=invalid-token",
  );
}

export async function requestPasswordResetAction(form: FormData): Promise<never> {
  const outcome = await requestPasswordReset({
    email: formField(form, "email"),
    ip: clientIp(await headers()),
    locale: await requestLocale(),
  });
  redirect(`/reset-password?status=${outcome}`);
}

export async function resetPasswordAction(form: FormData): Promise<never> {
  const token = formField(form, "token");
  const outcome = await resetPassword(token, formField(form, "password"));
  redirect(
    outcome === "done"
      ? "/signin?status=reset"
      : `/reset-password/${encodeURIComponent(token)}?status=${outcome}`,
  );
}

export async function signOutEverywhereAction(): Promise<never> {
  const reader = await getSignedInReader();
  if (reader) await signOutEverywhere(reader.id);
  redirect("/signin?status=signed-out-everywhere");
}
