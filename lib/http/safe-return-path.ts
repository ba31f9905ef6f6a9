/**
 * A path on this site to send the reader back to, or "/" when the value is missing or could leave
 * the site (absolute URLs, protocol-relative "//host", backslash tricks, control characters).
 */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\"))
    return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  try {
    const resolved = new URL(value, "http://folio.invalid");
    if (resolved.origin !== "http://folio.invalid") return "/";
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return "/";
  }
}
