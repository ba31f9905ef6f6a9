"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

export interface SignInLabels {
  email: string;
  password: string;
  sendLink: string;
  passwordHint: string;
  signInWithPassword: string;
  orContinueWith: string;
  emailUnavailable: string;
  errorWrongPassword: string;
  errorInvalidEmail: string;
}

/**
 * Email first: a sign-in link (and code) by mail, or a password. OAuth buttons below. Signing in
 * goes through next-auth's own endpoints (with its CSRF token); the callback URL is a same-site path.
 */
export function SignInForm({
  labels,
  callbackUrl,
  initialEmail,
  emailEnabled,
  oauthProviders,
}: {
  labels: SignInLabels;
  callbackUrl: string;
  initialEmail: string;
  emailEnabled: boolean;
  oauthProviders: { id: string; label: string }[];
}) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const router = useRouter();

  async function sendLink(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await signIn("email", { email, callbackUrl, redirect: false });
    if (result?.ok && !result.error) {
      const query = new URLSearchParams({ email, callbackUrl });
      router.push(`/signin/check-email?${query}`);
      return;
    }
    setError(labels.errorInvalidEmail);
    setBusy(false);
  }

  async function signInWithPassword(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await signIn("password", { email, password, callbackUrl, redirect: false });
    if (result?.ok && !result.error) {
      // Signed in: show the page the reader came from, rendered with their new session.
      router.push(callbackUrl);
      router.refresh();
      return;
    }
    setError(labels.errorWrongPassword);
    setBusy(false);
  }

  return (
    <div className="auth-forms">
      <form onSubmit={emailEnabled ? sendLink : signInWithPassword} className="stack">
        <label>
          {labels.email}
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        {emailEnabled ? (
          <button type="submit" className="button" disabled={busy}>
            {labels.sendLink}
          </button>
        ) : (
          <p role="status">{labels.emailUnavailable}</p>
        )}
      </form>
      <form onSubmit={signInWithPassword} className="stack">
        <p className="muted">{labels.passwordHint}</p>
        <label>
          {labels.password}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-secondary" disabled={busy}>
          {labels.signInWithPassword}
        </button>
        {error ? (
          <p role="alert" className="form-error">
            {error}
          </p>
        ) : null}
      </form>
      {oauthProviders.length > 0 ? (
        <div className="stack">
          <p className="muted">{labels.orContinueWith}</p>
          {oauthProviders.map((provider) => (
            <button
              key={provider.id}
              type="button"
              className="button button-secondary"
              onClick={() => signIn(provider.id, { callbackUrl })}
            >
              {provider.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
