import "server-only";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_MAX_DOCUMENT_BYTES } from "@/lib/documents/decode";

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
});

export type DatabaseTarget =
  { provider: "sqlite"; filePath: string } | { provider: "postgres"; connectionString: string };

export interface Environment {
  nodeEnv: "development" | "production" | "test";
  database: DatabaseTarget;
  siteUrl: string;
  maxDocumentBytes: number;
  seedSamples: boolean;
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
  return {
    nodeEnv: values.NODE_ENV,
    database: databaseTargetFromUrl(values.DATABASE_URL),
    siteUrl: values.FOLIO_SITE_URL.replace(/\/+$/, ""),
    maxDocumentBytes: values.FOLIO_MAX_DOCUMENT_BYTES,
    seedSamples: values.FOLIO_SEED_SAMPLES,
  };
}

let cached: Environment | undefined;

/** The validated environment of this process (read on first use; throws a readable error). */
export function env(): Environment {
  cached ??= parseEnvironment(process.env);
  return cached;
}
