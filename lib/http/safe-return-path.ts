/**
 * A path on this site to send the reader back to, or "/" when the value is missing or could leave
 * the site. The value is resolved first and the RESULT is judged: dot segments ("/.//x",
 * "/a/..//x", "/%2e//x") collapse into "//x" only after resolution, so a check of the raw value
 * misses them. Idempotent: a returned path is returned unchanged when passed in again.
 */
export function safeReturnPath(value: string | null | undefined): string {
  const resolved = resolveOnSite(value);
  // Judging the result by the same rules once more makes the function idempotent by construction.
  return resolved !== null && resolveOnSite(resolved) === resolved ? resolved : "/";
}

const siteOrigin = "http://folio.invalid";
const maxLength = 2048;

/**
 * The path of a safe resolved URL: starts with one "/", and no percent-escape in it decodes to a
 * slash, backslash, space or control character, so even a component that decodes the path once
 * (or reads "\" as "/") cannot turn it into "//host".
 */
const safePathname =
  /^\/(?!\/)(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%(?![01][0-9a-f]|2[0f]|5c|7f)[0-9a-f]{2})*$/i;
/** Query and fragment as the URL serialiser writes them: printable ASCII only. */
const safeSuffix = /^[\u0021-\u007e]*$/;

function resolveOnSite(value: string | null | undefined): string | null {
  if (!value || value.length > maxLength || !value.startsWith("/")) return null;
  // Browsers drop tabs and newlines anywhere in a URL ("/\t/x" is "//x") and read "\" as "/".
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, siteOrigin);
  } catch {
    return null;
  }
  if (url.origin !== siteOrigin || url.username || url.password) return null;
  if (!safePathname.test(url.pathname)) return null;
  const suffix = `${url.search}${url.hash}`;
  if (!safeSuffix.test(suffix)) return null;
  return `${url.pathname}${suffix}`;
}
