import { NextResponse, type NextRequest } from "next/server";
import { isLocale, localeCookieName } from "@/lib/i18n/locales";
import { safeReturnPath } from "@/lib/http/safe-return-path";

/** The language switcher: remembers the choice in a cookie and returns to the page (same origin only). */
export function GET(request: NextRequest) {
  const locale = request.nextUrl.searchParams.get("to");
  // A relative Location keeps the reader on the host they used (behind a proxy Next may not know it).
  const response = new NextResponse(null, {
    status: 303,
    headers: {
      Location: safeReturnPath(request.nextUrl.searchParams.get("next")),
      "Cache-Control": "no-store",
    },
  });
  if (isLocale(locale)) {
    response.cookies.set(localeCookieName, locale, {
      path: "/",
      maxAge: 60 * 60 * 24 * 365,
      sameSite: "lax",
      httpOnly: true,
      secure: request.nextUrl.protocol === "https:",
    });
  }
  return response;
}
