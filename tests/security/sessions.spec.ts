import { decode, encode } from "next-auth/jwt";
import {
  expect,
  test,
  type APIRequestContext,
  type BrowserContext,
  type Page,
} from "@playwright/test";
import { baseURL, oidcIssuer } from "../../playwright.config";
import { startOidcIssuer } from "../support/servers/oidc-issuer";
import { execute, mail, query, signInByLink, uniqueEmail, uniqueIp } from "../e2e/helpers";

/**
 * Issue 9, findings 12 and 14: sessions that outlive a sign-out, a revocation or the identity that
 * made them, and OAuth sign-ins that turn a dead cookie back into a live session. Each test is the
 * request an attacker holding a copied session cookie sends.
 */
const secret = "e2e-secret-not-for-production-0123456789abcdef"; // playwright.config.ts
const cookieName = "next-auth.session-token"; // an http test site: no __Secure- prefix

// A cold production server on a busy machine answers its first sign-in slowly: warm it up first.
test.beforeAll(async ({ request }) => {
  for (const path of ["/signin", "/api/auth/csrf", "/api/auth/providers", "/account"])
    await request.get(path, { timeout: 60_000 });
});

test.beforeEach(async ({ context }) => {
  await context.setExtraHTTPHeaders({ "x-forwarded-for": uniqueIp() });
});

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies(baseURL);
  const chunks = cookies
    .filter((cookie) => cookie.name === cookieName || cookie.name.startsWith(`${cookieName}.`))
    .sort((first, second) => first.name.localeCompare(second.name));
  const token = chunks.map((cookie) => cookie.value).join("");
  if (!token) throw new Error("no session cookie");
  return token;
}

/** A fresh browser holding only a copy of a session token: the attacker's. */
async function attackerWith(
  browser: import("@playwright/test").Browser,
  token: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
  await context.addCookies([{ name: cookieName, value: token, url: baseURL }]);
  return { context, page: await context.newPage() };
}

/** What /api/auth/session says about a token, and the session cookie it sets back (if any). */
async function pollSession(request: APIRequestContext, token: string) {
  const response = await request.get("/api/auth/session", {
    headers: { cookie: `${cookieName}=${token}` },
  });
  const body = (await response.json()) as { user?: { email?: string } };
  const reissued = response
    .headersArray()
    .filter((header) => header.name.toLowerCase() === "set-cookie")
    .map((header) => header.value)
    .find((value) => value.startsWith(`${cookieName}=`) && !value.startsWith(`${cookieName}=;`));
  return { body, reissued: reissued?.slice(cookieName.length + 1).split(";")[0] ?? null };
}

async function signInWithOidc(page: Page, login: string) {
  await page.goto("/signin?callbackUrl=%2Faccount");
  await page.getByRole("button", { name: "使用 Test OIDC 登录" }).click();
  await page.locator("input[name=login]").fill(login);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.goto("/account");
  await page.getByRole("button", { name: "退出登录", exact: true }).click();
  await expect(page.getByRole("link", { name: "登录" }).first()).toBeVisible();
}

test.describe("finding 12: a session ends when it is ended", () => {
  test("a copied cookie dies with a plain sign-out, on pages and on /api/auth/session", async ({
    page,
    browser,
    request,
  }) => {
    const email = uniqueEmail("copied");
    await signInByLink(page, email, "/account");
    const token = await sessionCookie(page.context());
    await signOut(page);

    const attacker = await attackerWith(browser, token);
    await attacker.page.goto("/account");
    await expect(attacker.page).toHaveURL(/\/signin/);
    const polled = await pollSession(request, token);
    expect(polled.body.user).toBeUndefined();
    expect(polled.reissued).toBeNull();
    await attacker.context.close();
  });

  test("a revoked token is never re-issued by /api/auth/session", async ({
    page,
    browser,
    request,
  }) => {
    const email = uniqueEmail("poll");
    await signInByLink(page, email, "/account");
    const token = await sessionCookie(page.context());
    await page.getByRole("button", { name: "在所有设备上退出" }).click();
    await expect(page.getByRole("status")).toContainText("已在所有设备上退出");

    for (let poll = 0; poll < 3; poll += 1) {
      const polled = await pollSession(request, token);
      expect(polled.body.user).toBeUndefined();
      expect(polled.reissued).toBeNull();
    }
    const attacker = await attackerWith(browser, token);
    await attacker.page.goto("/account");
    await expect(attacker.page).toHaveURL(/\/signin/);
    await attacker.context.close();
  });

  test("polling /api/auth/session never moves a session's expiry", async ({ page, request }) => {
    await signInByLink(page, uniqueEmail("extend"), "/account");
    const token = await sessionCookie(page.context());
    const original = await decode({ token, secret });
    expect(typeof original?.exp).toBe("number");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const polled = await pollSession(request, token);
    expect(polled.body.user?.email).toBeTruthy();
    if (polled.reissued) {
      const reissued = await decode({ token: polled.reissued, secret });
      expect(reissued?.exp).toBeLessThanOrEqual(original!.exp as number);
    }
  });

  test("a token with a valid signature but no live session record is refused everywhere", async ({
    page,
    browser,
    request,
  }) => {
    const email = uniqueEmail("forged");
    await signInByLink(page, email, "/account");
    const claims = (await decode({ token: await sessionCookie(page.context()), secret }))!;
    // Everything a token of the old format carried (reader id, session version), minus a session.
    const withoutSession: Record<string, unknown> = { ...claims };
    delete withoutSession.sid;
    const forged = await encode({ token: withoutSession, secret });
    const attacker = await attackerWith(browser, forged);
    await attacker.page.goto("/account");
    await expect(attacker.page).toHaveURL(/\/signin/);
    expect((await pollSession(request, forged)).body.user).toBeUndefined();
    await attacker.context.close();
  });

  test("an expired session is refused even when its token is re-encrypted with a later expiry", async ({
    page,
    browser,
  }) => {
    const email = uniqueEmail("expired-session");
    await signInByLink(page, email, "/account");
    const token = await sessionCookie(page.context());
    await execute(
      `UPDATE "ReaderSession" SET "expiresAt" = $1 WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $2)`,
      ["2000-01-01T00:00:00.000Z", email],
    );
    const attacker = await attackerWith(browser, token);
    await attacker.page.goto("/account");
    await expect(attacker.page).toHaveURL(/\/signin/);
    await attacker.context.close();
  });

  test("deleting a linked identity ends the session it created", async ({ page }) => {
    const login = uniqueEmail("unlinked");
    await signInWithOidc(page, login);
    await expect(page.getByTestId("account-email")).toHaveText(login);
    await execute(`DELETE FROM "Account" WHERE "provider" = 'oidc' AND "providerAccountId" = $1`, [
      login,
    ]);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("no internal error text reaches the sign-in URL", async ({ request }) => {
    const internal = "PrismaClientKnownRequestError: Invalid `prisma.user.findUnique()` invocation";
    for (const path of [
      `/api/auth/error?error=${encodeURIComponent(internal)}`,
      `/api/auth/signin?error=${encodeURIComponent(internal)}`,
      `/api/auth/error?error=${encodeURIComponent("Default&callbackUrl=https://evil.example")}`,
    ]) {
      const response = await request.get(path, { maxRedirects: 0 });
      const location = response.headers()["location"] ?? "";
      expect(location, path).not.toMatch(/prisma|invocation|evil/i);
      const error = new URL(location, baseURL).searchParams.get("error");
      expect(["Default", null], path).toContain(error);
    }
  });
});

test.describe("finding 14: OAuth sign-in and dead cookies", () => {
  // Several browsers and OpenID round trips per test, on a machine shared with other builds.
  test.describe.configure({ timeout: 90_000 });

  test("a revoked cookie sent with an OIDC sign-in links nothing and signs in as nobody else", async ({
    page,
    browser,
  }) => {
    const victim = uniqueEmail("victim");
    await signInByLink(page, victim, "/account");
    const token = await sessionCookie(page.context());
    await page.getByRole("button", { name: "在所有设备上退出" }).click();
    await expect(page.getByRole("status")).toContainText("已在所有设备上退出");

    const attacker = await attackerWith(browser, token);
    const attackerLogin = uniqueEmail("attacker");
    await signInWithOidc(attacker.page, attackerLogin);
    await attacker.page.goto("/account");
    await expect(attacker.page.getByTestId("account-email")).not.toHaveText(victim);
    const linked = await query(
      `SELECT a."providerAccountId" FROM "Account" a JOIN "User" u ON u."id" = a."userId" WHERE u."email" = $1`,
      [victim],
    );
    expect(linked).toEqual([]);
    await attacker.context.close();
  });

  test("an identity linked to a signed-in reader shows on the account page, is mailed, and removing it ends its sessions", async ({
    page,
    browser,
  }) => {
    const reader = uniqueEmail("linker");
    await signInByLink(page, reader, "/account");
    // Signed in, the reader adds an OpenID identity with another address.
    const identity = uniqueEmail("second-identity");
    const linked = new Date();
    await signInWithOidc(page, identity);
    await expect(page.getByTestId("account-email")).toHaveText(reader);
    await expect(page.getByTestId("linked-identities")).toContainText(identity);
    const notice = await mail.latest(reader, { after: linked });
    expect(notice.subject).toBe("你的 Folio 账户关联了新的登录方式");
    expect(notice.text).toContain("Test OIDC");

    // A second device signs in with that identity alone.
    const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
    const otherPage = await other.newPage();
    await signInWithOidc(otherPage, identity);
    await expect(otherPage.getByTestId("account-email")).toHaveText(reader);

    await page.getByTestId("linked-identities").getByRole("button", { name: "移除" }).click();
    await expect(page.getByRole("status")).toContainText("已移除");
    await expect(page.getByTestId("linked-identities")).not.toContainText(identity);
    await otherPage.goto("/account");
    await expect(otherPage).toHaveURL(/\/signin/);
    await other.close();
  });

  test("an identity whose address changes stays with its reader and joins nobody else", async ({
    browser,
  }) => {
    const subject = `moving-${crypto.randomUUID().slice(0, 8)}`;
    const original = uniqueEmail("moving");
    const first = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
    const firstPage = await first.newPage();
    await signInWithOidc(firstPage, `${subject}|${original}`);
    await expect(firstPage.getByTestId("account-email")).toHaveText(original);
    await first.close();

    // Another reader owns the address the identity asserts next (verified by the provider).
    const owner = uniqueEmail("owner-of-new");
    const ownerContext = await browser.newContext({
      extraHTTPHeaders: { "x-forwarded-for": uniqueIp() },
    });
    await signInByLink(await ownerContext.newPage(), owner);
    await ownerContext.close();

    const later = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
    const laterPage = await later.newPage();
    await signInWithOidc(laterPage, `${subject}|${owner}`);
    await expect(laterPage.getByTestId("account-email")).toHaveText(original);
    expect(
      await query(
        `SELECT a."id" FROM "Account" a JOIN "User" u ON u."id" = a."userId" WHERE u."email" = $1`,
        [owner],
      ),
    ).toEqual([]);
    await later.close();
  });

  test("an authorization response from a second issuer signs nobody in", async ({ page }) => {
    const victim = uniqueEmail("issuer-victim");
    const rogue = await startOidcIssuer({
      port: 0,
      clientId: "folio-test",
      clientSecret: "folio-test-secret",
      redirectUris: [`${baseURL}/api/auth/callback/oidc`],
    });
    try {
      // Folio starts a sign-in with its issuer; the attacker sends the same request to their own.
      await page.goto("/signin?callbackUrl=%2Faccount");
      const authorization = page.waitForRequest((request) =>
        request.url().startsWith(`${oidcIssuer}/auth?`),
      );
      await page.getByRole("button", { name: "使用 Test OIDC 登录" }).click();
      const url = new URL((await authorization).url());
      await page.waitForURL(/\/interaction\//);
      await page.goto(`${rogue.issuer}${url.pathname}${url.search}`);
      await page.locator("input[name=login]").fill(victim);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/signin\?error=Default$/);
      await page.goto("/account");
      await expect(page).toHaveURL(/\/signin/);
      expect(await query(`SELECT "id" FROM "User" WHERE "email" = $1`, [victim])).toEqual([]);
    } finally {
      await rogue.close();
    }
  });
});
