// Runs the Prisma CLI the way it works on a machine without Prisma's Rust engines, and derives the
// PostgreSQL twin of prisma/schema.prisma (the only schema anyone edits).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const sqliteSchemaPath = path.join(repoRoot, "prisma", "schema.prisma");
export const postgresSchemaPath = path.join(repoRoot, "prisma", ".generated", "postgres.prisma");
export const migrationsRoot = path.join(repoRoot, "prisma", "migrations");
/** The schema as of the newest migration: new migrations are the diff from it to schema.prisma. */
export const migratedSchemaSnapshotPath = path.join(migrationsRoot, "schema.snapshot.prisma");

export type Provider = "sqlite" | "postgres";
export const providers: readonly Provider[] = ["sqlite", "postgres"];

/** Rewrites the SQLite schema into the PostgreSQL one: provider, url and client output change. */
export function toPostgresSchema(sqliteSchema: string): string {
  const replaced = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://localhost/folio"')
    .replace(
      /output\s*=\s*"\.\.\/lib\/db\/generated\/sqlite"/,
      'output     = "../../lib/db/generated/postgres"',
    );
  if (
    replaced === sqliteSchema ||
    !replaced.includes('"postgresql"') ||
    !replaced.includes("generated/postgres")
  ) {
    throw new Error(
      "prisma/schema.prisma no longer has the datasource/generator lines scripts/db expects",
    );
  }
  return replaced;
}

export function schemaPathFor(provider: Provider, sourceSchemaPath = sqliteSchemaPath): string {
  if (provider === "sqlite") return sourceSchemaPath;
  const target =
    sourceSchemaPath === sqliteSchemaPath
      ? postgresSchemaPath
      : path.join(
          path.dirname(postgresSchemaPath),
          `${path.basename(sourceSchemaPath, ".prisma")}.postgres.prisma`,
        );
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, toPostgresSchema(fs.readFileSync(sourceSchemaPath, "utf8")));
  return target;
}

export function runPrisma(args: string[]): string {
  return execFileSync(
    process.execPath,
    [path.join(repoRoot, "node_modules", "prisma", "build", "index.js"), ...args],
    {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        // Any path: it stops the CLI from trying to download the Rust schema engine (engine "js" is used).
        PRISMA_SCHEMA_ENGINE_BINARY:
          process.env.PRISMA_SCHEMA_ENGINE_BINARY ??
          path.join(repoRoot, "prisma", ".no-rust-engine"),
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        PRISMA_GENERATE_NO_HINTS: "1",
      },
    },
  );
}
