import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localAuthSecretFile, parseEnvironment } from "@/lib/config/env";
import { repoRoot } from "../../support/test-database";

// Outside production, parseEnvironment makes a session secret under ./data of the current
// directory: these tests run in a throwaway one, never in the checkout.
const scratch = path.join(repoRoot, ".tmp", "env-test");
const checkout = process.cwd();
beforeAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  process.chdir(scratch);
});
afterAll(() => process.chdir(checkout));

describe("parseEnvironment", () => {
  it("runs on embedded defaults with no variables at all", () => {
    const parsed = parseEnvironment({});
    expect(parsed).toMatchObject({
      nodeEnv: "development",
      database: { provider: "sqlite", filePath: path.resolve("data", "folio.db") },
      siteUrl: "http://localhost:3000",
      maxDocumentBytes: 10 * 1024 * 1024,
      seedSamples: true,
      demoMode: false,
      redisUrl: null,
      smtp: null,
      oauth: { github: null, google: null, oidc: null },
    });
    // Outside production a local secret is made once, kept in ./data, and reused.
    expect(parsed.authSecret?.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(scratch, localAuthSecretFile), "utf8")).toBe(
      parsed.authSecret,
    );
    expect(parseEnvironment({}).authSecret).toBe(parsed.authSecret);
  });

  it("has no session secret in production unless NEXTAUTH_SECRET is set", () => {
    expect(parseEnvironment({ NODE_ENV: "production" }).authSecret).toBeNull();
    const secret = "s".repeat(40);
    expect(parseEnvironment({ NODE_ENV: "production", NEXTAUTH_SECRET: secret }).authSecret).toBe(
      secret,
    );
  });

  it("allows demo mode only on a loopback site URL", () => {
    expect(parseEnvironment({ FOLIO_DEMO: "true" }).demoMode).toBe(true);
    expect(
      parseEnvironment({ FOLIO_DEMO: "true", FOLIO_SITE_URL: "http://127.0.0.1:3100" }).demoMode,
    ).toBe(true);
    expect(() =>
      parseEnvironment({ FOLIO_DEMO: "true", FOLIO_SITE_URL: "https://read.example" }),
    ).toThrow(/FOLIO_DEMO: demo mode .* only allowed on a localhost/);
  });

  it("reads the OAuth providers only when both halves are set", () => {
    const parsed = parseEnvironment({
      GITHUB_ID: "id",
      GOOGLE_ID: "g",
      GOOGLE_SECRET: "gs",
      OIDC_ISSUER: "https://id.example/",
      OIDC_CLIENT_ID: "c",
      OIDC_CLIENT_SECRET: "cs",
    });
    expect(parsed.oauth.github).toBeNull();
    expect(parsed.oauth.google).toEqual({ clientId: "g", clientSecret: "gs" });
    expect(parsed.oauth.oidc).toEqual({
      clientId: "c",
      clientSecret: "cs",
      issuer: "https://id.example",
      name: "OpenID Connect",
    });
  });

  it.each([
    [
      "postgres://u@db:5432/folio",
      { provider: "postgres", connectionString: "postgres://u@db:5432/folio" },
    ],
    [
      "postgresql://u@db/folio",
      { provider: "postgres", connectionString: "postgresql://u@db/folio" },
    ],
    ["file:/var/lib/folio/folio.db", { provider: "sqlite", filePath: "/var/lib/folio/folio.db" }],
  ])("reads DATABASE_URL %s", (url, database) => {
    expect(parseEnvironment({ DATABASE_URL: url }).database).toEqual(database);
  });

  it.each([
    [{ DATABASE_URL: "mysql://db/folio" }, /DATABASE_URL: must be a file: URL/],
    [{ FOLIO_MAX_DOCUMENT_BYTES: "-5" }, /FOLIO_MAX_DOCUMENT_BYTES/],
    [{ FOLIO_MAX_DOCUMENT_BYTES: "lots" }, /FOLIO_MAX_DOCUMENT_BYTES/],
    [{ FOLIO_SITE_URL: "not a url" }, /FOLIO_SITE_URL/],
    [{ FOLIO_SEED_SAMPLES: "maybe" }, /FOLIO_SEED_SAMPLES/],
    [{ NEXTAUTH_SECRET: "short" }, /NEXTAUTH_SECRET: must be at least 32 characters/],
    [{ REDIS_URL: "http://cache" }, /REDIS_URL/],
    [{ SMTP_URL: "mail.example:25" }, /SMTP_URL/],
  ])("rejects %j with a readable error", (source, message) => {
    expect(() => parseEnvironment(source)).toThrow(message);
  });

  it("strips a trailing slash from the site URL and reads flags", () => {
    const parsed = parseEnvironment({
      FOLIO_SITE_URL: "https://read.example/",
      FOLIO_SEED_SAMPLES: "false",
    });
    expect(parsed.siteUrl).toBe("https://read.example");
    expect(parsed.seedSamples).toBe(false);
  });
});
