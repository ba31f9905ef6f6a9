import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_MAX_DOCUMENT_BYTES } from "@/lib/documents/decode";
import { trustedProxyProblems } from "@/lib/http/client-address";

/**
 * Every environment variable Folio reads, validated once. Each has a default that runs the
 * quick-start site (SQLite under ./data, samples seeded), so a fresh clone needs none of them.
 */
const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const environmentSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .refine(
      (url) => !url || /^(file:|postgres(ql)?:\/\/)/.test(url),
      "must be a file: URL (SQLite) or a postgres:// URL (PostgreSQL)",
    ),
  FOLIO_SITE_URL: z.url().default("http://localhost:3000"),
  FOLIO_MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_DOCUMENT_BYTES),
  FOLIO_SEED_SAMPLES: booleanFlag.default(true),
  FOLIO_DEMO: booleanFlag.default(false),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().default("Folio <no-reply@localhost>"),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
  GOOGLE_ID: z.string().optional(),
  GOOGLE_SECRET: z.string().optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("OpenID Connect"),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, "must be a Stripe secret key (sk_test_… or sk_live_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", "must start with whsec_").optional(),
  STRIPE_API_BASE: z.url().optional(),
  FOLIO_PLAN_CURRENCY: z
    .string()
    .regex(/^[a-z]{3}$/, "must be a three-letter ISO currency code in lower case")
    .default("cny"),
  FOLIO_PLAN_MONTHLY_AMOUNT: z.coerce.number().int().positive().default(3000),
  FOLIO_PLAN_YEARLY_AMOUNT: z.coerce.number().int().positive().default(30000),
  FOLIO_TRIAL_DAYS: z.coerce.number().int().min(0).max(730).default(0),
  FOLIO_PAST_DUE_GRACE_DAYS: z.coerce.number().min(0).max(60).default(7),
  FOLIO_TRUSTED_PROXIES: z
    .string()
    .default("")
    .superRefine((list, context) => {
      for (const message of trustedProxyProblems(list))
        context.addIssue({ code: "custom", message });
    }),
});

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export type DatabaseTarget =
  { provider: "sqlite"; filePath: string } | { provider: "postgres"; connectionString: string };

export interface Environment {
  nodeEnv: "development" | "production" | "test";
  database: DatabaseTarget;
  siteUrl: string;
  maxDocumentBytes: number;
  seedSamples: boolean;
  /**
   * The quick-start mode: mail goes to the server log and the local /outbox page. Only allowed
   * on a loopback site URL, so a public deployment can never hand out sign-in links that way.
   */
  demoMode: boolean;
  /** Signs and encrypts session tokens (next-auth); null in production without NEXTAUTH_SECRET. */
  authSecret: string | null;
  redisUrl: string | null;
  smtp: { url: string; from: string } | null;
  oauth: {
    github: OAuthClient | null;
    google: OAuthClient | null;
    oidc: (OAuthClient & { issuer: string; name: string }) | null;
  };
  /** Stripe, or null when subscriptions are not configured. */
  stripe: {
    secretKey: string;
    webhookSecret: string | null;
    /** Set only for the local stand-in (a loopback URL and a test key, never a live one). */
    apiBase: string | null;
  } | null;
  plans: {
    currency: string;
    monthlyAmount: number;
    yearlyAmount: number;
    trialDays: number;
    pastDueGraceDays: number;
  };
  /** Reverse proxies whose X-Forwarded-For is believed (lib/http/client-address.ts); "" = none. */
  trustedProxies: string;
}

/** The embedded default database, relative to the directory Folio runs from. */
export const defaultSqliteFile = path.join("data", "folio.db");

export function databaseTargetFromUrl(url: string | undefined): DatabaseTarget {
  if (!url) return { provider: "sqlite", filePath: path.resolve(defaultSqliteFile) };
  if (url.startsWith("file:"))
    return { provider: "sqlite", filePath: path.resolve(url.slice("file:".length)) };
  return { provider: "postgres", connectionString: url };
}

export function parseEnvironment(source: Record<string, string | undefined>): Environment {
  const result = environmentSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Folio's environment is invalid:\n${problems.join("\n")}`);
  }
  const values = result.data;
  const siteUrl = values.FOLIO_SITE_URL.replace(/\/+$/, "");
  if (values.FOLIO_DEMO && !isLoopbackUrl(siteUrl)) {
    throw new Error(
      `Folio's environment is invalid:\n  FOLIO_DEMO: demo mode shows sign-in mail on a local page and is only allowed on a localhost FOLIO_SITE_URL (got ${siteUrl})`,
    );
  }
  const production = values.NODE_ENV === "production" && !values.FOLIO_DEMO;
  if (
    values.STRIPE_API_BASE &&
    !(isLoopbackUrl(values.STRIPE_API_BASE) && values.STRIPE_SECRET_KEY?.startsWith("sk_test_"))
  ) {
    throw new Error(
      "Folio's environment is invalid:\n  STRIPE_API_BASE: only for the local Stripe stand-in: a localhost URL with an sk_test_ key",
    );
  }
  const pair = (id: string | undefined, secret: string | undefined): OAuthClient | null =>
    id && secret ? { clientId: id, clientSecret: secret } : null;
  const oidcClient = pair(values.OIDC_CLIENT_ID, values.OIDC_CLIENT_SECRET);
  return {
    nodeEnv: values.NODE_ENV,
    database: databaseTargetFromUrl(values.DATABASE_URL),
    siteUrl,
    maxDocumentBytes: values.FOLIO_MAX_DOCUMENT_BYTES,
    seedSamples: values.FOLIO_SEED_SAMPLES,
    demoMode: values.FOLIO_DEMO,
    authSecret: values.NEXTAUTH_SECRET ?? (production ? null : localAuthSecret()),
    redisUrl: values.REDIS_URL ?? null,
    smtp: values.SMTP_URL ? { url: values.SMTP_URL, from: values.MAIL_FROM } : null,
    oauth: {
      github: pair(values.GITHUB_ID, values.GITHUB_SECRET),
      google: pair(values.GOOGLE_ID, values.GOOGLE_SECRET),
      oidc:
        oidcClient && values.OIDC_ISSUER
          ? {
              ...oidcClient,
              issuer: values.OIDC_ISSUER.replace(/\/+$/, ""),
              name: values.OIDC_NAME,
            }
          : null,
    },
    stripe: values.STRIPE_SECRET_KEY
      ? {
          secretKey: values.STRIPE_SECRET_KEY,
          webhookSecret: values.STRIPE_WEBHOOK_SECRET ?? null,
          apiBase: values.STRIPE_API_BASE?.replace(/\/+$/, "") ?? null,
        }
      : null,
    plans: {
      currency: values.FOLIO_PLAN_CURRENCY,
      monthlyAmount: values.FOLIO_PLAN_MONTHLY_AMOUNT,
      yearlyAmount: values.FOLIO_PLAN_YEARLY_AMOUNT,
      trialDays: values.FOLIO_TRIAL_DAYS,
      pastDueGraceDays: values.FOLIO_PAST_DUE_GRACE_DAYS,
    },
    trustedProxies: values.FOLIO_TRUSTED_PROXIES,
  };
}

/**
 * The session secret, or a clear error. Checked when a server starts (instrumentation.ts) rather
 * than when the environment is parsed, so `next build` needs no secret.
 */
export function requireAuthSecret(): string {
  const secret = env().authSecret;
  if (!secret) {
    throw new Error(
      "Folio's environment is invalid:\n  NEXTAUTH_SECRET: required in production (32+ random characters, e.g. `openssl rand -base64 32`)",
    );
  }
  return secret;
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Where the quick-start keeps the secret it made on first run (never used in production). */
export const localAuthSecretFile = path.join("data", "auth-secret");

/** Development and demo only: a random secret made once and kept under ./data. */
function localAuthSecret(): string {
  const file = path.resolve(localAuthSecretFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), {
      flag: "wx",
      mode: 0o600,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return fs.readFileSync(file, "utf8").trim();
}

let cached: Environment | undefined;

/** The validated environment of this process (read on first use; throws a readable error). */
export function env(): Environment {
  cached ??= parseEnvironment(process.env);
  return cached;
}
