import { expect, test } from "@playwright/test";
import {
  execute,
  extractCode,
  extractLinks,
  mail,
  requestSignInMail,
  runScript,
  signInByLink,
  signInLink,
  uniqueEmail,
  uniqueIp,
} from "./helpers";

/**
 * Accounts end to end in Chromium, with real mail (an SMTP server the run starts) and a real
 * OpenID provider: every way to sign in, sign out and reset, and the attacks each must refuse.
 */
test.beforeEach(async ({ context }) => {
  await context.setExtraHTTPHeaders({ "x-forwarded-for": uniqueIp() });
});

test.describe("signing in", () => {
  test("by magic link, back to the document the reader came from", async ({ page }) => {
    const email = uniqueEmail("link");
    await page.goto("/d/canary-regions");
    await page.getByTestId("paywall").getByRole("link", { name: "已是会员？登录" }).click();
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fd%2Fcanary-regions/);
    const requested = new Date();
    await page.getByLabel("电子邮箱").first().fill(email);
    await page.getByRole("button", { name: "发送登录链接" }).click();
    await expect(page.getByRole("heading", { name: "请查收邮件" })).toBeVisible();
    const message = await mail.latest(email, { after: requested });
    expect(message.subject).toBe("登录 Folio");
    await page.goto(signInLink(message));
    await expect(page).toHaveURL(/\/d\/canary-regions$/);
    await expect(page.getByTestId("account-link")).toBeVisible();
    // Signed in without access: asked to subscribe, no longer to sign in.
    await expect(page.getByTestId("paywall")).toContainText("你的账户目前不包含会员内容");
    await expect(
      page.getByTestId("paywall").getByRole("link", { name: "已是会员？登录" }),
    ).toHaveCount(0);
  });

  test("by the six-digit code from the same mail", async ({ page }) => {
    const email = uniqueEmail("code");
    const message = await requestSignInMail(page, email, "/account");
    const code = extractCode(message);
    expect(code).toMatch(/^\d{6}$/);
    await page.getByLabel("六位验证码").fill(code!);
    await page.getByRole("button", { name: "用验证码登录" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("account-email")).toHaveText(email);
  });

  test("with a password: sign up, confirm by mail, sign in, sign out", async ({ page }) => {
    const email = uniqueEmail("password");
    const password = "correct horse battery";
    await page.goto("/signup");
    const requested = new Date();
    await page.getByLabel("电子邮箱").fill(email);
    await page.getByLabel("新密码").fill(password);
    await page.getByRole("button", { name: "注册" }).click();
    await expect(page.getByRole("status")).toContainText("请查收邮件");

    // Before the address is confirmed the password does not work.
    await page.goto("/signin");
    await page.getByLabel("电子邮箱").first().fill(email);
    await page.getByLabel("密码").fill(password);
    await page.getByRole("button", { name: "用密码登录" }).click();
    await expect(page.getByText("邮箱或密码不正确")).toBeVisible();

    const confirmation = await mail.latest(email, { after: requested });
    const link = extractLinks(confirmation).find((url) => url.includes("/signup/confirm"));
    await page.goto(link!);
    await page.getByRole("button", { name: "确认" }).click();
    await expect(page.getByRole("status")).toContainText("地址已确认");
    await expect(page.getByLabel("电子邮箱").first()).toHaveValue(email);
    await page.getByLabel("密码").fill(password);
    await page.getByRole("button", { name: "用密码登录" }).click();
    await expect(page.getByTestId("account-link")).toBeVisible();

    await page.goto("/account");
    await page.getByRole("button", { name: "退出登录", exact: true }).click();
    await expect(page.getByRole("link", { name: "登录" }).first()).toBeVisible();
    await page.goto("/account");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount/);
  });

  test("through the OpenID Connect provider", async ({ page }) => {
    const email = uniqueEmail("oidc");
    await page.goto("/signin?callbackUrl=%2Faccount");
    await page.getByRole("button", { name: "使用 Test OIDC 登录" }).click();
    await page.locator("input[name=login]").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("account-email")).toHaveText(email);
  });

  test("OIDC refuses an address the provider has not verified", async ({ page }) => {
    await page.goto("/signin");
    await page.getByRole("button", { name: "使用 Test OIDC 登录" }).click();
    await page.locator("input[name=login]").fill(`unverified-${uniqueEmail("oidc")}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/signin\?error=AccessDenied/);
    await expect(page.getByTestId("account-link")).toHaveCount(0);
  });
});

test.describe("password reset", () => {
  test("sets a new password and ends every other session", async ({ page, browser }) => {
    const email = uniqueEmail("reset");
    // An account made by magic link, then signed in on a second device.
    await signInByLink(page, email);
    const otherDevice = await browser.newContext({
      extraHTTPHeaders: { "x-forwarded-for": uniqueIp() },
    });
    const other = await otherDevice.newPage();
    await signInByLink(other, email);

    const requested = new Date();
    await page.goto("/reset-password");
    await page.getByLabel("电子邮箱").fill(email);
    await page.getByRole("button", { name: "发送重设链接" }).click();
    await expect(page.getByRole("status")).toContainText("如果该地址有账户");
    const message = await mail.latest(email, { after: requested });
    await page.goto(extractLinks(message).find((url) => url.includes("/reset-password/"))!);
    await page.getByLabel("新密码").fill("a brand new passphrase");
    await page.getByRole("button", { name: "保存新密码" }).click();
    await expect(page.getByRole("status")).toContainText("密码已更新");

    await other.goto("/account");
    await expect(other).toHaveURL(/\/signin/);
    await otherDevice.close();

    await page.getByLabel("电子邮箱").first().fill(email);
    await page.getByLabel("密码").fill("a brand new passphrase");
    await page.getByRole("button", { name: "用密码登录" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await expect(page.getByTestId("account-link")).toBeVisible();

    // The reset link worked once.
    await page.goto(extractLinks(message).find((url) => url.includes("/reset-password/"))!);
    await page.getByLabel("新密码").fill("yet another passphrase");
    await page.getByRole("button", { name: "保存新密码" }).click();
    await expect(page.getByText("链接无效或已过期")).toBeVisible();
  });

  test("answers the same for an address without an account, and sends nothing", async ({
    page,
  }) => {
    const email = uniqueEmail("nobody");
    await page.goto("/reset-password");
    await page.getByLabel("电子邮箱").fill(email);
    await page.getByRole("button", { name: "发送重设链接" }).click();
    await expect(page.getByRole("status")).toContainText("如果该地址有账户");
    expect(await mail.all(email)).toEqual([]);
  });
});

test.describe("refused", () => {
  test("a magic link used twice", async ({ page, browser }) => {
    const email = uniqueEmail("twice");
    const link = signInLink(await requestSignInMail(page, email));
    await page.goto(link);
    await expect(page.getByTestId("account-link")).toBeVisible();
    const second = await browser.newContext();
    const secondPage = await second.newPage();
    await secondPage.goto(link);
    await expect(secondPage).toHaveURL(/error=Verification/);
    await expect(secondPage.getByTestId("account-link")).toHaveCount(0);
    await second.close();
  });

  test("an expired link", async ({ page }) => {
    const email = uniqueEmail("expired");
    const link = signInLink(await requestSignInMail(page, email));
    await execute(`UPDATE "VerificationToken" SET "expires" = $1 WHERE "identifier" = $2`, [
      "2000-01-01T00:00:00.000Z",
      email,
    ]);
    await page.goto(link);
    await expect(page).toHaveURL(/error=Verification/);
    await expect(page.getByTestId("account-link")).toHaveCount(0);
  });

  test("a link for another address", async ({ page }) => {
    const email = uniqueEmail("owner");
    const link = new URL(signInLink(await requestSignInMail(page, email)));
    link.searchParams.set("email", uniqueEmail("attacker"));
    await page.goto(link.toString());
    await expect(page).toHaveURL(/error=Verification/);
    await expect(page.getByTestId("account-link")).toHaveCount(0);
  });

  test("a callbackUrl to another origin", async ({ page }) => {
    const email = uniqueEmail("redirect");
    const message = await requestSignInMail(page, email, "https://evil.example/steal");
    const link = signInLink(message);
    expect(link).not.toContain("evil.example");
    await page.goto(link);
    expect(new URL(page.url()).host).toBe(new URL(link).host);
    // Tampering with the link itself is refused too.
    const tampered = await requestSignInMail(page, uniqueEmail("tampered"));
    const url = new URL(signInLink(tampered));
    url.searchParams.set("callbackUrl", "https://evil.example/steal");
    await page.goto(url.toString());
    expect(new URL(page.url()).host).toBe(url.host);
  });

  test("sign-out without the CSRF token", async ({ page }) => {
    await signInByLink(page, uniqueEmail("csrf"));
    const response = await page.request.post("/api/auth/signout", { form: { callbackUrl: "/" } });
    expect(response.status()).toBeLessThan(500);
    await page.goto("/account");
    await expect(page.getByTestId("account-email")).toBeVisible();
  });

  test("a session revoked by signing out everywhere", async ({ page, browser }) => {
    const email = uniqueEmail("everywhere");
    await signInByLink(page, email);
    const otherDevice = await browser.newContext({
      extraHTTPHeaders: { "x-forwarded-for": uniqueIp() },
    });
    const other = await otherDevice.newPage();
    await signInByLink(other, email);
    await other.goto("/account");
    await expect(other.getByTestId("account-email")).toHaveText(email);

    await page.goto("/account");
    await page.getByRole("button", { name: "在所有设备上退出" }).click();
    await expect(page.getByRole("status")).toContainText("已在所有设备上退出");
    await other.goto("/account");
    await expect(other).toHaveURL(/\/signin/);
    await otherDevice.close();
  });
});

test.describe("abuse limits", () => {
  test("sign-in mail: the sixth request in an hour sends nothing and answers the same", async ({
    page,
  }) => {
    for (const email of [uniqueEmail("known"), uniqueEmail("unknown")]) {
      if (email.startsWith("known")) await signInByLink(page, email); // an existing account
      await page.context().clearCookies();
      const before = (await mail.all(email)).length;
      const answers: string[] = [];
      for (let attempt = 0; attempt < 6; attempt += 1) {
        const response = await page.request.get("/api/auth/csrf");
        const { csrfToken } = (await response.json()) as { csrfToken: string };
        const answer = await page.request.post("/api/auth/signin/email", {
          form: { email, csrfToken, callbackUrl: "/", json: "true" },
        });
        answers.push(`${answer.status()} ${(await answer.text()).replace(email, "<email>")}`);
      }
      expect(new Set(answers).size).toBe(1);
      await expect
        .poll(async () => (await mail.all(email)).length - before)
        .toBe(email.startsWith("known") ? 4 : 5);
    }
  });

  test("passwords: identical answers for known and unknown addresses, then locked", async ({
    page,
  }) => {
    const known = uniqueEmail("locked");
    await page.goto("/signup");
    const requested = new Date();
    await page.getByLabel("电子邮箱").fill(known);
    await page.getByLabel("新密码").fill("the right password");
    await page.getByRole("button", { name: "注册" }).click();
    const confirmation = await mail.latest(known, { after: requested });
    await page.goto(extractLinks(confirmation).find((url) => url.includes("/signup/confirm"))!);
    await page.getByRole("button", { name: "确认" }).click();
    await expect(page.getByRole("status")).toContainText("地址已确认");

    const attempt = async (email: string, password: string) => {
      const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as {
        csrfToken: string;
      };
      const response = await page.request.post("/api/auth/callback/password", {
        form: { email, password, csrfToken, json: "true" },
        maxRedirects: 0,
      });
      return `${response.status()} ${(await response.text()).replace(email, "<email>")}`;
    };
    const unknown = uniqueEmail("ghost");
    for (let index = 0; index < 10; index += 1) {
      expect(await attempt(known, "a wrong password")).toBe(
        await attempt(unknown, "a wrong password"),
      );
    }
    // Ten failures: even the right password is refused until the window ends.
    expect(await attempt(known, "the right password")).toBe(
      await attempt(unknown, "the right password"),
    );
  });

  test("codes: the sixth guess is refused even when it is right", async ({ page }) => {
    const email = uniqueEmail("guess");
    const message = await requestSignInMail(page, email);
    const code = extractCode(message)!;
    const wrong = code === "000000" ? "000001" : "000000";
    for (let guess = 0; guess < 5; guess += 1) {
      await page.goto(`/api/auth/callback/email?email=${encodeURIComponent(email)}&token=${wrong}`);
      await expect(page).toHaveURL(/error=Verification/);
    }
    await page.goto(`/api/auth/callback/email?email=${encodeURIComponent(email)}&token=${code}`);
    await expect(page).toHaveURL(/error=TooManyAttempts/);
    await expect(page.getByTestId("account-link")).toHaveCount(0);
  });
});

test("a production server has no outbox", async ({ request }) => {
  for (const path of ["/outbox", "/en/outbox", "/zh-CN/outbox"]) {
    expect((await request.get(path)).status()).toBe(404);
  }
});

test("complimentary access from the command line unlocks and locks on the next page load", async ({
  page,
}) => {
  const email = uniqueEmail("granted");
  await signInByLink(page, email, "/d/canary-regions");
  await expect(page.getByTestId("paywall")).toBeVisible();
  expect(runScript("scripts/grant.ts", [email, "--until", "2099-12-31"])).toContain("granted");
  await page.reload();
  await expect(page.getByTestId("paywall")).toHaveCount(0);
  await expect(page.locator("article")).toHaveAttribute("data-access", "full");
  await page.goto("/account");
  await expect(page.getByTestId("account-access")).toContainText("2099");
  expect(runScript("scripts/grant.ts", [email, "--revoke"])).toContain("revoked 1");
  await page.goto("/d/canary-regions");
  await expect(page.getByTestId("paywall")).toBeVisible();
});
