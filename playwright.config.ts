import { randomUUID } from "node:crypto";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end and canary tests against a production build of Folio. The server is started by
 * scripts/e2e-server.ts with a fresh database holding the canary fixtures and the samples.
 */
const port = Number(process.env.FOLIO_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;

// Computed once in the runner and inherited by its workers and the web server.
process.env.FOLIO_TEST_CANARY ??= `CANARY${randomUUID().replace(/-/g, "")}`;
process.env.FOLIO_TEST_FREEMARK ??= `FREEMARK${randomUUID().replace(/-/g, "")}`;

export default defineConfig({
  testDir: "tests/e2e",
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
  webServer: {
    command: "npx tsx scripts/e2e-server.ts",
    url: `${baseURL}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { FOLIO_E2E_PORT: String(port) },
  },
});
