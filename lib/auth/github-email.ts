import { normalizeEmail } from "@/lib/auth/email-address";

/**
 * GitHub's address for a sign-in. The profile's `email` is whatever public address the user typed,
 * never checked by GitHub, so Folio ignores it: the address is the user's primary one from the
 * emails API, and only if GitHub has verified it. With none, the sign-in has no address and is
 * refused (lib/auth/options.ts, signIn), so a GitHub identity never joins an account it cannot
 * prove the address of.
 */

export const githubApi = "https://api.github.com";

/** The verified primary address in a GET /user/emails answer, normalised, or null. */
export function verifiedPrimaryEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  for (const entry of emails as unknown[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const { email, primary, verified } = entry as Record<string, unknown>;
    if (primary === true && verified === true) return normalizeEmail(email);
  }
  return null;
}

/**
 * next-auth's userinfo step for GitHub: the profile with `email` replaced by the verified primary
 * address (or none) and `email_verified` saying which. A failed emails request means no address.
 */
export async function githubProfileWithVerifiedEmail<Profile extends object>(
  profile: Promise<Profile>,
  tokens: { access_token?: string },
  api: string = githubApi,
): Promise<Omit<Profile, "email"> & { email: string | undefined; email_verified: boolean }> {
  const [user, emails] = await Promise.all([
    profile,
    fetch(`${api}/user/emails`, {
      headers: {
        Authorization: `Bearer ${tokens.access_token ?? ""}`,
        Accept: "application/vnd.github+json",
      },
    })
      .then((response) => (response.ok ? (response.json() as Promise<unknown>) : null))
      .catch(() => null),
  ]);
  const email = verifiedPrimaryEmail(emails);
  return { ...user, email: email ?? undefined, email_verified: email !== null };
}
