import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { publicAuthResponse } from "@/lib/auth/auth-errors";
import { authOptions } from "@/lib/auth/options";
import { clientIp } from "@/lib/auth/request-ip";
import { sessionTokenFromCookies } from "@/lib/auth/session-token";
import { withCodeCheckScope } from "@/lib/auth/sign-in-codes";
import { env } from "@/lib/config/env";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handle(request: NextRequest, context: Context) {
  // next-auth builds its callback URLs from NEXTAUTH_URL; Folio has one setting for its address.
  process.env.NEXTAUTH_URL ??= env().siteUrl;
  const sessionToken = sessionTokenFromCookies(request.cookies.getAll());
  // Every try of a mailed code or link is counted where next-auth compares it (the adapter's
  // useVerificationToken, lib/auth/sign-in-codes.ts), whatever the method, path or parameters.
  const { result, refused } = await withCodeCheckScope(
    clientIp(request.headers),
    (): Promise<Response> => NextAuth(request, context, authOptions({ sessionToken })),
  );
  if (refused)
    return Response.redirect(new URL("/signin?error=TooManyAttempts", env().siteUrl), 303);
  // No internal error text leaves in a redirect: errors map to a fixed set of codes.
  return publicAuthResponse(result, env().siteUrl);
}

export { handle as GET, handle as POST };
