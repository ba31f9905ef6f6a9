import fc from "fast-check";
import type { Account, User } from "next-auth";
import { decode } from "next-auth/jwt";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { publicAuthErrors, publicAuthRedirect } from "@/lib/auth/auth-errors";
import { removeIdentity } from "@/lib/auth/identities";
import { authOptions } from "@/lib/auth/options";
import { endAllSessions, endSession } from "@/lib/auth/reader-sessions";
import { encodeSessionToken, liveSession, type SessionClaims } from "@/lib/auth/session-token";
import { env } from "@/lib/config/env";
import { db, disconnectDb } from "@/lib/db/client";
import { isPostgresUrl } from "../support/test-database";

/**
 * Issue 9, findings 12 and 14, against the real database (SQLite, or PostgreSQL with
 * FOLIO_TEST_DATABASE_URL): a session is live only while its server-side record is, every way of
 * ending one works on the next check, and next-auth's own decode (which its session, sign-out and
 * OAuth callback routes use, the last to pick the reader an identity is linked to) is that check.
 */
const options = authOptions();
const secret = env().authSecret!;

async function newReader(email: string) {
  return (await db()).user.create({ data: { email, emailVerified: new Date() } });
}

async function linkIdentity(userId: string, providerAccountId: string) {
  return (await db()).account.create({
    data: { userId, type: "oauth", provider: "oidc", providerAccountId },
  });
}

/** A sign-in as next-auth's callback route performs it: the jwt callback, then encode. */
async function signIn(
  user: { id: string; email: string | null },
  account?: Account,
  browserToken?: string,
) {
  const using = browserToken ? authOptions({ sessionToken: browserToken }) : options;
  const token = await using.callbacks!.jwt!({
    token: { sub: user.id, email: user.email },
    user: { id: user.id, email: user.email } as User,
    account: account ?? null,
    trigger: "signIn",
  });
  return options.jwt!.encode!({ token, secret, maxAge: options.session!.maxAge! });
}

const oidcAccount = (providerAccountId: string): Account => ({
  provider: "oidc",
  type: "oauth",
  providerAccountId,
});

beforeEach(async () => {
  const database = await db();
  await database.readerSession.deleteMany();
  await database.account.deleteMany();
  await database.user.deleteMany();
});

afterAll(async () => {
  await disconnectDb();
});

/**
 * Deletes an Account row the way a tool with foreign keys off would (SQLite's own shell, or
 * PostgreSQL with triggers disabled): its sessions' rows stay behind.
 */
async function removeRowWithoutCascade(accountId: string) {
  const database = await db();
  if (!isPostgresUrl(process.env.DATABASE_URL ?? "")) {
    await database.$executeRawUnsafe("PRAGMA foreign_keys = OFF");
    try {
      await database.$executeRaw`DELETE FROM "Account" WHERE "id" = ${accountId}`;
    } finally {
      await database.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    }
    return;
  }
  await database.$transaction(async (transaction) => {
    await transaction.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    await transaction.$executeRaw`DELETE FROM "Account" WHERE "id" = ${accountId}`;
  });
}

describe("a session is live only while its record is", () => {
  it("a signed-in token is live, for pages and for next-auth alike", async () => {
    const reader = await newReader("live@example.org");
    const token = await signIn(reader);
    expect((await liveSession(token))?.reader.id).toBe(reader.id);
    expect((await options.jwt!.decode!({ token, secret }))?.uid).toBe(reader.id);
  });

  it("sign-out ends that session only", async () => {
    const reader = await newReader("signout@example.org");
    const [first, second] = [await signIn(reader), await signIn(reader)];
    const claims = (await liveSession(first))!.claims;
    await options.events!.signOut!({ token: claims, session: undefined as never });
    expect(await liveSession(first)).toBeNull();
    expect(await options.jwt!.decode!({ token: first, secret })).toBeNull();
    expect((await liveSession(second))?.reader.id).toBe(reader.id);
    await endSession((await liveSession(second))!.claims.sid);
    expect(await liveSession(second)).toBeNull();
  });

  it("sign-out everywhere and a session-version change (password reset) end every session", async () => {
    const reader = await newReader("everywhere@example.org");
    const tokens = [await signIn(reader), await signIn(reader)];
    await endAllSessions(reader.id);
    for (const token of tokens) expect(await liveSession(token)).toBeNull();

    const later = await signIn(reader);
    await (
      await db()
    ).user.update({ where: { id: reader.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await liveSession(later)).toBeNull();
  });

  it("an expired record ends the session whatever the token says", async () => {
    const reader = await newReader("expired@example.org");
    const token = await signIn(reader);
    await (
      await db()
    ).readerSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await liveSession(token)).toBeNull();
  });

  it("a validly encrypted token without a session, or naming another reader's, is refused", async () => {
    const victim = await newReader("victim@example.org");
    const attacker = await newReader("attacker@example.org");
    const victimClaims = (await liveSession(await signIn(victim)))!.claims;
    const attackerClaims = (await liveSession(await signIn(attacker)))!.claims;
    const { encode } = await import("next-auth/jwt");
    const forged = [
      { uid: victim.id, sv: 1 }, // the format before session records
      { ...victimClaims, sid: "made-up" },
      { ...attackerClaims, uid: victim.id, sub: victim.id }, // the attacker's session, the victim's id
    ];
    for (const claims of forged) {
      expect(await liveSession(await encode({ token: claims, secret }))).toBeNull();
    }
  });

  it("removing an identity, or deleting its row by hand, ends every session it signed in", async () => {
    const reader = await newReader("identities@example.org");
    const first = await linkIdentity(reader.id, "sub-1");
    const second = await linkIdentity(reader.id, "sub-2");
    const byFirst = await signIn(reader, oidcAccount("sub-1"));
    const bySecond = await signIn(reader, oidcAccount("sub-2"));
    const byMail = await signIn(reader, {
      provider: "email",
      type: "email",
      providerAccountId: "x",
    });

    expect(await removeIdentity(reader.id, first.id)).toBe("removed");
    expect(await liveSession(byFirst)).toBeNull();
    expect(await liveSession(bySecond)).not.toBeNull();

    await (await db()).account.delete({ where: { id: second.id } });
    expect(await liveSession(bySecond)).toBeNull();
    expect((await liveSession(byMail))?.reader.id).toBe(reader.id);
  });

  it("an identity deleted without the foreign key's cascade still ends its sessions", async () => {
    const reader = await newReader("no-cascade@example.org");
    const identity = await linkIdentity(reader.id, "sub-3");
    const session = await signIn(reader, oidcAccount("sub-3"));
    const database = await db();
    await removeRowWithoutCascade(identity.id);
    expect(await database.readerSession.count({ where: { userId: reader.id } })).toBe(1);
    expect(await liveSession(session)).toBeNull();
  });

  it("linking an identity from a signed-in browser replaces its session, not ties it to the identity", async () => {
    const reader = await newReader("linking@example.org");
    const byMail = await signIn(reader);
    await linkIdentity(reader.id, "linked-first"); // so the later one is not the only way in
    const identity = await linkIdentity(reader.id, "linked-later");
    const afterLink = await signIn(reader, oidcAccount("linked-later"), byMail);
    expect(await liveSession(byMail)).toBeNull();
    expect(await removeIdentity(reader.id, identity.id)).toBe("removed");
    expect((await liveSession(afterLink))?.reader.id).toBe(reader.id);

    // Another reader's live cookie replaces nothing of theirs.
    const other = await newReader("bystander@example.org");
    const bystander = await signIn(other);
    await signIn(reader, undefined, bystander);
    expect((await liveSession(bystander))?.reader.id).toBe(other.id);
  });

  it("a reader removes only their own identities", async () => {
    const owner = await newReader("owner@example.org");
    const other = await newReader("other@example.org");
    const identity = await linkIdentity(owner.id, "owned");
    const token = await signIn(owner, oidcAccount("owned"));
    expect(await removeIdentity(other.id, identity.id)).toBe("not-found");
    expect(await liveSession(token)).not.toBeNull();
  });
});

describe("a token is never re-issued past its session's end", () => {
  it("re-encoding (every /api/auth/session poll) keeps the expiry", async () => {
    const reader = await newReader("poll@example.org");
    const token = await signIn(reader);
    const claims = (await liveSession(token))!.claims;
    const first = await decode({ token, secret });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await options.jwt!.encode!({ token: claims, secret, maxAge: 30 * 24 * 3600 });
    expect((await decode({ token: again, secret }))?.exp).toBe(first?.exp);
    expect(first?.exp).toBe(claims.sexp);
  });

  it("a token without a session, or with an ended one, is not encoded at all", async () => {
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -1_000_000_000, max: 0 }), async (offset) => {
        const claims: SessionClaims = { uid: "u", sv: 1, sid: "s", sexp: now + offset };
        await expect(encodeSessionToken({ token: claims, secret })).rejects.toThrow();
      }),
      { numRuns: 30 },
    );
    await expect(encodeSessionToken({ token: { uid: "u", sv: 1 }, secret })).rejects.toThrow();
  });
});

describe("OAuth sign-in links only by a verified address under one normalisation", () => {
  const signInCallback = options.callbacks!.signIn!;

  it.each([
    ["oidc", "\u212Aate@example.org", true], // Kelvin sign: not the plain-k reader
    ["oidc", "kate@example.org", false], // unverified
    ["github", "kate@example.org", false], // GitHub without a verified primary address
    ["google", "KATE@example.org ", false],
  ])("%s with %j (verified: %j) is refused", async (provider, email, verified) => {
    await newReader("kate@example.org");
    const allowed = await signInCallback({
      user: { id: "new", email } as User,
      account: { provider, type: "oauth", providerAccountId: "p" },
      profile: { email, email_verified: verified } as never,
    });
    expect(allowed).toBe(false);
  });

  it("a verified address of any provider may join its reader", async () => {
    await newReader("kate@example.org");
    for (const provider of ["oidc", "github", "google"]) {
      const allowed = await signInCallback({
        user: { id: "new", email: "Kate@Example.org" } as User,
        account: { provider, type: "oauth", providerAccountId: "p" },
        profile: { email: "Kate@Example.org", email_verified: true } as never,
      });
      expect(allowed, provider).toBe(true);
    }
  });
});

describe("sign-in error URLs carry only fixed codes", () => {
  it("any error text becomes a known code on the sign-in page (property)", () => {
    const site = "http://127.0.0.1:3000";
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom("/api/auth/error", "/signin", "/api/auth/signin"),
        (text, path) => {
          const result = new URL(
            publicAuthRedirect(`${site}${path}?error=${encodeURIComponent(text)}`, site),
          );
          expect(result.origin + result.pathname).toBe(`${site}/signin`);
          expect([...result.searchParams.keys()]).toEqual(["error"]);
          expect(publicAuthErrors).toContain(result.searchParams.get("error"));
          if (!(publicAuthErrors as readonly string[]).includes(text))
            expect(result.searchParams.get("error")).toBe("Default");
        },
      ),
    );
  });

  it("redirects without an error are left alone", () => {
    expect(publicAuthRedirect("http://s.test/account", "http://s.test")).toBe(
      "http://s.test/account",
    );
  });
});
