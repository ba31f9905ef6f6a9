/**
 * The sign-in error codes a URL may carry. next-auth puts the message of any exception thrown in a
 * callback or an authorize function into its error URL (`/api/auth/error?error=<message>`), and its
 * error route copies the parameter into the redirect unencoded, so a database error's text, or a
 * crafted `&callbackUrl=…`, reached the sign-in page's address. Every response of the auth route
 * passes through publicAuthResponse, which replaces any redirect carrying an error with the sign-in
 * page and one code of this fixed set (anything unknown is "Default").
 */
export const publicAuthErrors = [
  "CredentialsSignin",
  "Verification",
  "TooManyAttempts",
  "OAuthAccountNotLinked",
  "AccessDenied",
  "EmailSignin",
  "Default",
] as const;

export type PublicAuthError = (typeof publicAuthErrors)[number];

const known = new Set<string>(publicAuthErrors);

export function publicAuthError(code: string | null | undefined): PublicAuthError {
  return code && known.has(code) ? (code as PublicAuthError) : "Default";
}

/**
 * A redirect target with any error replaced: a URL with an `error` parameter (or unparseable)
 * becomes `<site>/signin?error=<code>`; other URLs are returned as they are.
 */
export function publicAuthRedirect(url: string, siteUrl: string): string {
  let target: URL;
  try {
    target = new URL(url, siteUrl);
  } catch {
    return `${siteUrl}/signin?error=Default`;
  }
  if (!target.searchParams.has("error")) return url;
  return `${siteUrl}/signin?error=${publicAuthError(target.searchParams.get("error"))}`;
}

/**
 * next-auth's response with its error redirects made public: the Location header, and the `url`
 * of the JSON answers its client asks for (`json: "true"` posts). Everything else is untouched.
 */
export async function publicAuthResponse(response: Response, siteUrl: string): Promise<Response> {
  const location = response.headers.get("location");
  if (location !== null) {
    const safe = publicAuthRedirect(location, siteUrl);
    if (safe === location) return response;
    const headers = new Headers(response.headers);
    headers.set("location", safe);
    return new Response(response.body, { status: response.status, headers });
  }
  if (!response.headers.get("content-type")?.includes("application/json")) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const headers = new Headers(response.headers);
  if (body && typeof body === "object" && typeof (body as { url?: unknown }).url === "string") {
    const answer = body as { url: string };
    const safe = publicAuthRedirect(answer.url, siteUrl);
    if (safe !== answer.url) {
      headers.delete("content-length");
      return new Response(JSON.stringify({ ...answer, url: safe }), {
        status: response.status,
        headers,
      });
    }
  }
  return new Response(text, { status: response.status, headers });
}
