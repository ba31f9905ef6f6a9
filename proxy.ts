import { NextResponse, type NextRequest } from "next/server";
import { isLocale, localeCookieName, negotiateLocale } from "@/lib/i18n/locales";

/**
 * Routing only, never access control: picks the interface language and rewrites /d/x to
 * /<locale>/d/x, so a page's output depends on its URL alone (and can be cached per locale).
 * Paid text is gated in lib/reading/documents.ts whatever this proxy does or skips.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const firstSegment = pathname.split("/")[1];
  if (isLocale(firstSegment)) return NextResponse.next();

  const locale = negotiateLocale(
    request.cookies.get(localeCookieName)?.value,
    request.headers.get("accept-language"),
  );
  const target = request.nextUrl.clone();
  target.pathname = `/${locale}${pathname === "/" ? "" : pathname}`;
  target.search = search;
  const response = NextResponse.rewrite(target);
  response.headers.set("Vary", "Accept-Language, Cookie");
  return response;
}

export const config = {
  // Everything but Next's assets, API routes, feeds and files with an extension (favicon, robots…).
  matcher: ["/((?!_next/|api/|.*\\.[a-zA-Z0-9]+$).*)"],
};
