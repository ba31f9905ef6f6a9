import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  confirmSignUp,
  requestPasswordReset,
  requestSignUp,
  resetPassword,
} from "@/lib/auth/accounts";
import { verifyPassword } from "@/lib/auth/password";
import { closeRateLimits } from "@/lib/auth/rate-limit";
import { db, disconnectDb } from "@/lib/db/client";
import { deliverDueMail } from "@/lib/mail/worker";

/**
 * Issue 9, finding 13: a stranger plants a password on someone else's account through a genuine
 * mail. The attacker signs up with the victim's address; the victim gets a real "confirm your
 * account" mail and presses it; the attacker's password is set and the attacker signs in with full
 * access. Each test plays one order of events with the real functions behind the forms, the real
 * database and the real mail path (demo outbox), and then "presses" every sign-up link the
 * victim's inbox holds, as a victim might.
 */
process.env.FOLIO_DEMO = "true";
delete process.env.SMTP_URL;
delete process.env.REDIS_URL;

const attackerPassword = "attacker chose this one";
const ownerPassword = "the owner's own passphrase";

const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

async function inbox(email: string) {
  await deliverDueMail();
  return (await db()).outboxMail.findMany({
    where: { recipient: email },
    orderBy: { createdAt: "asc" },
  });
}

function linkTokens(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1]!);
}

/** Every sign-up confirmation token in the address's inbox, oldest first. */
async function signUpTokens(email: string): Promise<string[]> {
  return (await inbox(email)).flatMap((mail) =>
    linkTokens(mail.text, /\/signup\/confirm\?token=([\w-]+)/g),
  );
}

async function resetTokens(email: string): Promise<string[]> {
  return (await inbox(email)).flatMap((mail) =>
    linkTokens(mail.text, /\/reset-password\/([\w-]+)/g),
  );
}

/** The victim presses every sign-up link they were mailed. */
async function pressEverySignUpLink(email: string): Promise<void> {
  for (const token of await signUpTokens(email)) await confirmSignUp(token);
}

const signUp = (email: string, password: string, locale: "en" | "zh-CN" = "en") =>
  requestSignUp({ email, password, ip: null, locale });

async function storedHash(email: string): Promise<string | null> {
  const user = await (await db()).user.findUnique({ where: { email } });
  return user?.passwordHash ?? null;
}

async function magicLinkReader(email: string) {
  return (await db()).user.create({ data: { email, emailVerified: new Date() } });
}

async function oidcReader(email: string) {
  const user = await magicLinkReader(email);
  await (
    await db()
  ).account.create({
    data: { userId: user.id, type: "oauth", provider: "oidc", providerAccountId: randomUUID() },
  });
  return user;
}

/** The owner sets a password through the reset mail, as the form does. */
async function ownerResets(email: string, password: string) {
  const before = new Set(await resetTokens(email));
  expect(await requestPasswordReset({ email, ip: null, locale: "en" })).toBe("sent");
  const token = (await resetTokens(email)).find((candidate) => !before.has(candidate));
  expect(token).toBeDefined();
  expect(await resetPassword(token!, password)).toBe("done");
}

beforeAll(async () => {
  await (await db()).rateLimit.deleteMany();
});
beforeEach(async () => {
  // Each test uses fresh addresses; the mail limit is per address, but the table is shared.
  await (await db()).rateLimit.deleteMany();
});
afterAll(async () => {
  await closeRateLimits();
  await disconnectDb();
});

describe("a sign-up on an address that already has an account", () => {
  it.each([
    ["a magic-link reader", magicLinkReader],
    ["an OpenID Connect reader", oidcReader],
  ])("never sets the requester's password for %s", async (_label, makeReader) => {
    const email = address("victim");
    await makeReader(email);
    expect(await signUp(email, attackerPassword)).toBe("sent");
    await pressEverySignUpLink(email);

    expect(await storedHash(email)).toBeNull();
    const mails = await inbox(email);
    expect(mails.map((mail) => mail.subject)).toEqual(["You already have a Folio account"]);
    expect(mails[0]?.text).toContain("/reset-password");
  });

  it("tells the owner in Chinese when the sign-up came in Chinese", async () => {
    const email = address("victim-zh");
    await magicLinkReader(email);
    await signUp(email, attackerPassword, "zh-CN");
    const mails = await inbox(email);
    expect(mails.map((mail) => mail.subject)).toEqual(["你已有 Folio 账户"]);
    expect(await signUpTokens(email)).toEqual([]);
  });

  it("keeps the owner's own password", async () => {
    const email = address("owner");
    await magicLinkReader(email);
    await ownerResets(email, ownerPassword);
    await signUp(email, attackerPassword);
    await pressEverySignUpLink(email);
    expect(await verifyPassword(await storedHash(email), ownerPassword)).toBe(true);
  });
});

describe("a sign-up requested before the account existed", () => {
  it("does not attach to the account the owner made later by magic link", async () => {
    const email = address("later");
    await signUp(email, attackerPassword); // no account yet: a genuine confirmation mail
    await magicLinkReader(email); // the owner signs in by link before anyone confirms
    await pressEverySignUpLink(email);
    expect(await storedHash(email)).toBeNull();
  });

  it("dies when the owner sets a password, so it cannot overwrite it later", async () => {
    const email = address("older");
    await signUp(email, attackerPassword);
    await magicLinkReader(email);
    await ownerResets(email, ownerPassword);
    await pressEverySignUpLink(email);
    expect(await verifyPassword(await storedHash(email), ownerPassword)).toBe(true);
    expect(await verifyPassword(await storedHash(email), attackerPassword)).toBe(false);
  });

  it("of two pending sign-ups, only the first confirmed sets a password", async () => {
    const email = address("two");
    await signUp(email, attackerPassword);
    await signUp(email, ownerPassword);
    const [attackersLink, ownersLink] = await signUpTokens(email);
    expect(await confirmSignUp(ownersLink!)).toBe(email);
    expect(await confirmSignUp(attackersLink!)).toBeNull();
    expect(await verifyPassword(await storedHash(email), ownerPassword)).toBe(true);
  });

  it("of two sign-up links pressed at the same moment, exactly one wins", async () => {
    const email = address("race");
    await signUp(email, attackerPassword);
    await signUp(email, ownerPassword);
    const tokens = await signUpTokens(email);
    const results = await Promise.all(tokens.map((token) => confirmSignUp(token)));
    expect(results.filter((result) => result === email)).toHaveLength(1);
    const hash = await storedHash(email);
    const winner = results[0] === email ? attackerPassword : ownerPassword;
    expect(await verifyPassword(hash, winner)).toBe(true);
  });
});

describe("reset and sign-up", () => {
  it("a reset link dies when a sign-up confirmation sets the password first", async () => {
    const email = address("reset-race");
    await signUp(email, ownerPassword);
    const [signUpToken] = await signUpTokens(email);
    // No account yet: a reset request mails nothing and leaves no token behind.
    await requestPasswordReset({ email, ip: null, locale: "en" });
    expect(await resetTokens(email)).toEqual([]);
    expect(await confirmSignUp(signUpToken!)).toBe(email);
    expect(await verifyPassword(await storedHash(email), ownerPassword)).toBe(true);
  });

  it("every pending reset link dies when one of them sets the password", async () => {
    const email = address("resets");
    await magicLinkReader(email);
    await requestPasswordReset({ email, ip: null, locale: "en" });
    await requestPasswordReset({ email, ip: null, locale: "en" });
    const [first, second] = await resetTokens(email);
    expect(await resetPassword(second!, ownerPassword)).toBe("done");
    expect(await resetPassword(first!, attackerPassword)).toBe("invalid-token");
    expect(await verifyPassword(await storedHash(email), ownerPassword)).toBe(true);
  });

  it("a pending sign-up dies when a reset sets the password", async () => {
    const email = address("signup-then-reset");
    await signUp(email, attackerPassword);
    const database = await db();
    await magicLinkReader(email);
    await ownerResets(email, ownerPassword);
    expect(await database.emailActionToken.count({ where: { email, purpose: "sign-up" } })).toBe(0);
  });

  it("a genuine sign-up on a new address still works end to end", async () => {
    const email = address("new");
    expect(await signUp(email, ownerPassword)).toBe("sent");
    const [token] = await signUpTokens(email);
    expect(await confirmSignUp(token!)).toBe(email);
    expect(await verifyPassword(await storedHash(email), ownerPassword)).toBe(true);
    expect(await confirmSignUp(token!)).toBeNull();
  });
});
