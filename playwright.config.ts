import { randomUUID } from "node:crypto";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end and canary tests against a production build of Folio. The server is started by
 * scripts/e2e-server.ts with a fresh database holding the canary fixtures and the samples.
 */
const port = Number(process.env.FOLIO_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;
const smtpPort = port + 25;
const mailHttpPort = port + 26;
const oidcPort = port + 10;
export const mailCatcherURL = `http://127.0.0.1:${mailHttpPort}`;
export const oidcIssuer = `http://127.0.0.1:${oidcPort}`;
const stripePort = port + 11;
export const stripeStandinURL = `http://127.0.0.1:${stripePort}`;
const stripeWebhookSecret = "whsec_folio_e2e";
/**
 * The past_due grace period of the e2e server, short enough for a test to wait it out in real
 * time: the stand-in's clock moves Stripe on, but Folio counts the grace on its own clock.
 */
export const pastDueGraceSeconds = 60;

// Computed once in the runner and inherited by its workers and the web server.
process.env.FOLIO_TEST_CANARY ??= `CANARY${randomUUID().replace(/-/g, "")}`;
process.env.FOLIO_TEST_FREEMARK ??= `FREEMARK${randomUUID().replace(/-/g, "")}`;

export default defineConfig({
  testDir: "tests",
  // Browser and HTTP journeys, and the attacks that need a running production server.
  testMatch: ["e2e/**/*.spec.ts", "security/**/*.spec.ts"],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 30_000,
  use: {
    baseURL,
    browserName: "chromium",
    // Folio's default interface language; tests of English set it explicitly.
    locale: "zh-CN",
    launchOptions: {
      executablePath: process.env.FOLIO_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      // Receives the mail Folio sends over SMTP; tests read it over HTTP.
      command: "npx tsx tests/support/servers/mail-catcher.ts",
      url: `${mailCatcherURL}/health`,
      reuseExistingServer: false,
      env: {
        MAIL_CATCHER_SMTP_PORT: String(smtpPort),
        MAIL_CATCHER_HTTP_PORT: String(mailHttpPort),
      },
    },
    {
      // A real OpenID provider for the OIDC sign-in test.
      command: "npx tsx tests/support/servers/oidc-issuer.ts",
      url: `${oidcIssuer}/health`,
      reuseExistingServer: false,
      env: {
        OIDC_ISSUER_PORT: String(oidcPort),
        OIDC_REDIRECT_URIS: `${baseURL}/api/auth/callback/oidc`,
      },
    },
    {
      // The local Stripe stand-in: Folio's own Stripe code talks to it through the SDK.
      command: "npx tsx tools/stripe-standin/server.ts",
      url: `${stripeStandinURL}/health`,
      reuseExistingServer: false,
      env: {
        STRIPE_STANDIN_PORT: String(stripePort),
        STRIPE_STANDIN_WEBHOOK_URL: `${baseURL}/api/stripe/webhook`,
        STRIPE_STANDIN_WEBHOOK_SECRET: stripeWebhookSecret,
        STRIPE_STANDIN_RETRY_DELAYS_MS: "500,1000,2000",
      },
    },
    {
      command: "npx tsx scripts/e2e-server.ts",
      url: `${baseURL}/api/health`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        FOLIO_E2E_PORT: String(port),
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        OIDC_ISSUER: oidcIssuer,
        OIDC_CLIENT_ID: "folio-test",
        OIDC_CLIENT_SECRET: "folio-test-secret",
        OIDC_NAME: "Test OIDC",
        NEXTAUTH_SECRET: "e2e-secret-not-for-production-0123456789abcdef",
        STRIPE_SECRET_KEY: "sk_test_folio_e2e",
        STRIPE_API_BASE: stripeStandinURL,
        STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
        FOLIO_PAST_DUE_GRACE_DAYS: String(pastDueGraceSeconds / 86_400),
        // The tests reach the server from 127.0.0.1 and claim a client address per test
        // (X-Forwarded-For, tests/e2e/helpers.ts uniqueIp), like a reverse proxy on loopback.
        FOLIO_TRUSTED_PROXIES: "127.0.0.1",
      },
    },
  ],
});
