import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { publicAuthResponse } from "@/lib/auth/auth-errors";
import { consumeLimit } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/auth/request-ip";
import { sessionTokenFromCookies } from "@/lib/auth/session-token";
import { env } from "@/lib/config/env";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: NextRequest, context: Context) {
  // next-auth builds its callback URLs from NEXTAUTH_URL; Folio has one setting for its address.
  process.env.NEXTAUTH_URL ??= env().siteUrl;
  const { nextauth } = await context.params;
  // Every try of a mailed code or link counts, per address and per client, before next-auth
  // looks it up: six digits cannot be guessed within the limit.
  if (request.method === "GET" && nextauth.join("/") === "callback/email") {
    const decision = await consumeLimit("code-guess", {
      email: request.nextUrl.searchParams.get("email"),
      ip: clientIp(request.headers),
    });
    if (!decision.allowed) {
      return Response.redirect(new URL("/signin?error=TooManyAttempts", env().siteUrl), 303);
    }
  }
  // No internal error text leaves in a redirect: errors map to a fixed set of codes.
  const sessionToken = sessionTokenFromCookies(request.cookies.getAll());
  return publicAuthResponse(
    await NextAuth(request, context, authOptions({ sessionToken })),
    env().siteUrl,
  );
}

export { handle as GET, handle as POST };
