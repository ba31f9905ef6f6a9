import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { expect, type Page } from "@playwright/test";
import { mailCatcherURL } from "../../playwright.config";
import {
  extractCode,
  extractLinks,
  mailCatcherClient,
  type CapturedMail,
} from "../support/servers/mail-catcher";
import { isPostgresUrl, repoRoot, testDatabaseUrl } from "../support/test-database";

export const mail = mailCatcherClient(mailCatcherURL);
export { extractCode, extractLinks };

/** A fresh address per test, so per-address limits and accounts never collide between tests. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

/** A made-up client address per test: the per-address limits count each test on its own. */
export function uniqueIp(): string {
  const byte = () => Math.floor(Math.random() * 250) + 1;
  return `10.${byte()}.${byte()}.${byte()}`;
}

const databaseUrl = testDatabaseUrl("e2e");

/** Runs one of Folio's command-line scripts against the end-to-end database. */
export function runScript(script: string, args: string[]): string {
  return execFileSync("npx", ["tsx", "--conditions=react-server", script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
}

/** One SQL statement against the end-to-end database (for states a browser cannot reach, like expiry). */
export async function execute(statement: string, parameters: unknown[] = []): Promise<void> {
  if (isPostgresUrl(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(statement, parameters);
    } finally {
      await client.end();
    }
    return;
  }
  const connection = new Database(databaseUrl.slice("file:".length));
  try {
    connection.prepare(statement.replace(/\$\d+/g, "?")).run(...parameters);
  } finally {
    connection.close();
  }
}

/** Rows of one SQL query against the end-to-end database (to check what a request stored). */
export async function query(
  statement: string,
  parameters: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  if (isPostgresUrl(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(statement, parameters)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }
  const connection = new Database(databaseUrl.slice("file:".length), { readonly: true });
  try {
    return connection.prepare(statement.replace(/\$\d+/g, "?")).all(...parameters) as Record<
      string,
      unknown
    >[];
  } finally {
    connection.close();
  }
}

/** Asks for a sign-in mail from the sign-in page and returns the mail once it arrives. */
export async function requestSignInMail(page: Page, email: string, callbackPath = "/") {
  const requested = new Date();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  await page.getByLabel("电子邮箱").first().fill(email);
  await page.getByRole("button", { name: "发送登录链接" }).click();
  await expect(page).toHaveURL(/\/signin\/check-email/);
  return mail.latest(email, { after: requested, timeoutMs: 15_000 });
}

/** The sign-in link in a mail (the one pointing at next-auth's email callback). */
export function signInLink(message: CapturedMail): string {
  const link = extractLinks(message).find((url) => url.includes("/api/auth/callback/email"));
  if (!link) throw new Error(`no sign-in link in mail "${message.subject}"`);
  return link;
}

export async function signInByLink(page: Page, email: string, callbackPath = "/") {
  const message = await requestSignInMail(page, email, callbackPath);
  await page.goto(signInLink(message));
  await expect(page.getByTestId("account-link")).toBeVisible();
}
