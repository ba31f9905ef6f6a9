import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { consumeLimit } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/auth/request-ip";
import { env } from "@/lib/config/env";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: NextRequest, context: Context) {
  // next-auth builds its callback URLs from NEXTAUTH_URL; Folio has one setting for its address.
  process.env.NEXTAUTH_URL ??= env().siteUrl;
  const { nextauth } = await context.params;
  // Every try of a mailed code or link counts, per address and per client, before next-auth
  // looks it up: six digits cannot be guessed within the limit. Whatever the method: next-auth
  // checks a POST to this path too (the code and address come from the query either way).
  if (nextauth.join("/") === "callback/email") {
    const decision = await consumeLimit("code-guess", {
      email: request.nextUrl.searchParams.get("email"),
      ip: clientIp(request.headers),
    });
    if (!decision.allowed) {
      return Response.redirect(new URL("/signin?error=TooManyAttempts", env().siteUrl), 303);
    }
  }
  return NextAuth(request, context, authOptions());
}

export { handle as GET, handle as POST };
