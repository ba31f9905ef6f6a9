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
import { getSignedInReader } from "@/lib/auth/session";
import { requestLocale } from "@/lib/i18n/request-locale";

/**
 * Form actions of the account pages. Each works without JavaScript: it does its work and redirects
 * to a page that shows the outcome. Next.js checks that a server action's Origin matches the host.
 */
const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

export async function signUpAction(form: FormData): Promise<never> {
  const outcome = await requestSignUp({
    email: field(form, "email"),
    password: field(form, "password"),
    ip: clientIp(await headers()),
    locale: await requestLocale(),
  });
  redirect(`/signup?status=${outcome}`);
}

export async function confirmSignUpAction(form: FormData): Promise<never> {
  const email = await confirmSignUp(field(form, "token"));
  redirect(
    email
      ? `/signin?status=confirmed&email=${encodeURIComponent(email)}`
      : "/signup/confirm?status=invalid-token",
  );
}

export async function requestPasswordResetAction(form: FormData): Promise<never> {
  const outcome = await requestPasswordReset({
    email: field(form, "email"),
    ip: clientIp(await headers()),
    locale: await requestLocale(),
  });
  redirect(`/reset-password?status=${outcome}`);
}

export async function resetPasswordAction(form: FormData): Promise<never> {
  const token = field(form, "token");
  const outcome = await resetPassword(token, field(form, "password"));
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
