import "server-only";
import crypto from "node:crypto";
import { PrismaAdapter } from "@next-auth/prisma-adapter";
import type { NextAuthOptions } from "next-auth";
import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import CredentialsProvider from "next-auth/providers/credentials";
import EmailProvider from "next-auth/providers/email";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import type { Provider } from "next-auth/providers/index";
import { headers } from "next/headers";
import { normalizeEmail } from "@/lib/auth/email-address";
import { githubProfileWithVerifiedEmail } from "@/lib/auth/github-email";
import { notifyIdentityLinked } from "@/lib/auth/identities";
import {
  endSession,
  identityIdOf,
  sessionLifetimeSeconds,
  startSession,
} from "@/lib/auth/reader-sessions";
import { encodeSessionToken, liveSession, type SessionClaims } from "@/lib/auth/session-token";
import { verifyPassword } from "@/lib/auth/password";
import { consumeLimit, resetLimit } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/auth/request-ip";
import { checkSignInCode, hashSignInToken, storeSignInCode } from "@/lib/auth/sign-in-codes";
import { WorkSlotsFull } from "@/lib/auth/work-slots";
import { env, requireAuthSecret } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { safeReturnPath } from "@/lib/http/safe-return-path";
import { requestLocale } from "@/lib/i18n/request-locale";
import { canSendMail, sendMail } from "@/lib/mail/mailer";
import { signInMail } from "@/lib/mail/templates";

/** Sign-in links and codes live 15 minutes and work once. */
export const signInTokenMinutes = 15;

/**
 * next-auth's Prisma adapter over Folio's database. The database is opened (and migrated) on first
 * use, so the adapter resolves it per call; emails of new users are normalised like every other.
 */
function folioAdapter(): Adapter {
  // The adapter is typed against the default @prisma/client location; Folio generates its
  // clients elsewhere (one per provider), with the same models.
  const adapter = async () =>
    PrismaAdapter((await db()) as unknown as Parameters<typeof PrismaAdapter>[0]);
  return {
    createUser: async (user: Omit<AdapterUser, "id">) =>
      (await adapter()).createUser!({ ...user, email: normalizeEmail(user.email) ?? user.email }),
    getUser: async (id) => (await adapter()).getUser!(id),
    getUserByEmail: async (email) =>
      (await adapter()).getUserByEmail!(normalizeEmail(email) ?? email),
    getUserByAccount: async (account) => (await adapter()).getUserByAccount!(account),
    updateUser: async (user) => (await adapter()).updateUser!(user),
    linkAccount: async (account: AdapterAccount) => {
      await (
        await adapter()
      ).linkAccount!(account);
    },
    // Codes are stored by sendVerificationRequest (only when the mail goes out) and checked, with
    // every try counted, by lib/auth/sign-in-codes.ts.
    createVerificationToken: async (token) => token,
    useVerificationToken: checkSignInCode,
  };
}

/** A six-digit code: the link carries it, and a reader can type it instead of clicking. */
function generateSignInCode(): string {
  return crypto.randomInt(0, 1_000_000).toString().padStart(6, "0");
}

function emailProvider(): Provider {
  return EmailProvider({
    // Mail goes through lib/mail (SMTP, or the demo outbox); next-auth's own transport is unused.
    server: "smtp://unused.invalid",
    maxAge: signInTokenMinutes * 60,
    generateVerificationToken: generateSignInCode,
    normalizeIdentifier(identifier) {
      const email = normalizeEmail(identifier);
      if (!email) throw new Error("Invalid email address");
      return email;
    },
    async sendVerificationRequest({ identifier, url, token, expires }) {
      // The response is the same whether the mail is sent or held back by the limit.
      const decision = await consumeLimit("mail-send", {
        email: identifier,
        ip: clientIp(await headers()),
      });
      if (!decision.allowed) {
        console.warn(
          `[folio] sign-in mail to a limited address held back (${decision.retryAfterSeconds}s)`,
        );
        return;
      }
      // This code replaces any earlier one for the address: one live code at a time.
      await storeSignInCode(identifier, hashSignInToken(token, requireAuthSecret()), expires);
      await sendMail(identifier, signInMail(await requestLocale(), url, token, signInTokenMinutes));
    },
  });
}

function passwordProvider(): Provider {
  return CredentialsProvider({
    id: "password",
    name: "Password",
    credentials: { email: { type: "email" }, password: { type: "password" } },
    async authorize(credentials, request) {
      const email = normalizeEmail(credentials?.email);
      const password = typeof credentials?.password === "string" ? credentials.password : "";
      const requestHeaders = new Headers(request.headers as Record<string, string>);
      const decision = await consumeLimit("password-sign-in", {
        email,
        ip: clientIp(requestHeaders),
      });
      // Too many attempts: refused before any work (the limits never look at accounts, so this
      // says nothing about the address). Unknown address or wrong password: the same answer,
      // after the same work; with argon2 saturated, "try later" (the sign-in page's message).
      if (!decision.allowed) throw new Error("TooManyAttempts");
      const user = email ? await (await db()).user.findUnique({ where: { email } }) : null;
      const valid = await verifyPassword(user?.passwordHash ?? null, password).catch((error) => {
        throw error instanceof WorkSlotsFull ? new Error("TooManyAttempts") : error;
      });
      if (!user || !valid) return null;
      await resetLimit("password-sign-in", user.email ?? "");
      return { id: user.id, email: user.email, name: user.name };
    },
  });
}

function oauthProviders(): Provider[] {
  const { github, google, oidc } = env().oauth;
  const providers: Provider[] = [];
  // GitHub's profile email may be unverified: the address used is its verified primary one from the
  // emails API, with email_verified set from it (lib/auth/github-email.ts), or none.
  if (github)
    providers.push(
      GitHubProvider({
        ...github,
        allowDangerousEmailAccountLinking: true,
        userinfo: {
          url: "https://api.github.com/user",
          request: ({ client, tokens }) =>
            githubProfileWithVerifiedEmail(client.userinfo(tokens.access_token ?? ""), tokens),
        },
      }),
    );
  // Google and the OpenID provider vouch for the address (email_verified); see signIn below.
  if (google)
    providers.push(GoogleProvider({ ...google, allowDangerousEmailAccountLinking: true }));
  if (oidc) {
    providers.push({
      id: "oidc",
      name: oidc.name,
      type: "oauth",
      wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      allowDangerousEmailAccountLinking: true,
      profile(profile: { sub: string; email?: string; name?: string; picture?: string }) {
        return {
          id: profile.sub,
          email: profile.email ?? null,
          name: profile.name ?? null,
          image: profile.picture ?? null,
        };
      },
    });
  }
  return providers;
}

/** Providers that link to an existing reader by email (only ever a verified one, see signIn). */
const emailLinkingProviders = new Set(["github", "google", "oidc"]);

export interface AuthRequest {
  /** The session token the request carries (its cookie), if any: a sign-in replaces its session. */
  sessionToken?: string | null;
}

export function authOptions(request: AuthRequest = {}): NextAuthOptions {
  return {
    secret: requireAuthSecret(),
    adapter: folioAdapter(),
    // Required by the password provider; each token carries the reader's session version,
    // checked against the database on every request that reads paid text.
    session: { strategy: "jwt", maxAge: sessionLifetimeSeconds },
    // Every path of next-auth that reads the session cookie (its session, sign-out and callback
    // routes, where a cookie decides which reader an OAuth identity is linked to) reads it through
    // liveSession, the one check: a revoked or expired session is no cookie at all. Tokens are
    // encoded to expire with their session, so re-issuing one never extends it.
    jwt: {
      encode: encodeSessionToken,
      decode: async ({ token }) => (await liveSession(token))?.claims ?? null,
    },
    pages: { signIn: "/signin", verifyRequest: "/signin/check-email", error: "/signin" },
    providers: [
      ...(canSendMail() ? [emailProvider()] : []),
      passwordProvider(),
      ...oauthProviders(),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.type !== "oauth") return true;
        const email = normalizeEmail(user.email);
        if (!email) return false;
        if (!emailLinkingProviders.has(account.provider)) return true;
        // Accounts are matched by verified email only: the provider must vouch for the address,
        // and an existing reader it would join must have proved the address too.
        if ((profile as { email_verified?: unknown } | undefined)?.email_verified !== true)
          return false;
        const database = await db();
        const existing = await database.user.findUnique({
          where: { email },
          select: { id: true, emailVerified: true },
        });
        if (existing && !existing.emailVerified) {
          const linked = await database.account.count({
            where: { userId: existing.id, provider: account.provider },
          });
          if (linked === 0) return false;
        }
        return true;
      },
      async jwt({ token, user, account }) {
        // Without `user` the token came through jwt.decode, so it names a live session already.
        if (!user) return token;
        // A sign-in: a new session record, tied to the identity it was made with (if any).
        const record = await (
          await db()
        ).user.findUnique({ where: { id: user.id }, select: { sessionVersion: true } });
        if (!record) throw new Error("sign-in for an unknown reader");
        const accountId =
          account?.type === "oauth"
            ? await identityIdOf(account.provider, account.providerAccountId)
            : null;
        const current = await liveSession(request.sessionToken);
        const session = await startSession({
          userId: user.id,
          accountId,
          now: new Date(),
          replacing: current?.reader.id === user.id ? current.claims.sid : null,
        });
        const claims: SessionClaims = {
          ...token,
          sub: user.id,
          uid: user.id,
          sv: record.sessionVersion,
          sid: session.id,
          sexp: Math.floor(session.expiresAt.getTime() / 1000),
        };
        return claims;
      },
      async session({ session, token }) {
        // Identity only: entitlement is never put in the token or the session.
        return {
          // The session's own end, not next-auth's "now + maxAge".
          expires:
            typeof token.sexp === "number"
              ? new Date(token.sexp * 1000).toISOString()
              : session.expires,
          user: {
            id: String(token.uid ?? ""),
            email: token.email ?? null,
            name: token.name ?? null,
          },
          sessionVersion: typeof token.sv === "number" ? token.sv : -1,
        };
      },
      async redirect({ url, baseUrl }) {
        if (url.startsWith("/")) return `${baseUrl}${safeReturnPath(url)}`;
        try {
          const target = new URL(url);
          if (target.origin === new URL(baseUrl).origin) {
            return `${baseUrl}${safeReturnPath(`${target.pathname}${target.search}${target.hash}`)}`;
          }
        } catch {
          // not a URL: fall through to the home page
        }
        return baseUrl;
      },
    },
    events: {
      // next-auth passes the decoded token: liveSession's claims, so a live session's row.
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(token.sid);
      },
      async linkAccount({ user, account }) {
        await notifyIdentityLinked(user.id, account.provider, await requestLocale());
      },
      async signIn({ user, account }) {
        // A sign-in through a mailed link or code proves the address.
        if (account?.type === "email") {
          await (
            await db()
          ).user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
        }
      },
    },
  };
}
