// Writes a migration for both providers: the SQL that takes the schema as of the newest migration
// (prisma/migrations/schema.snapshot.prisma) to prisma/schema.prisma.
//   npm run db:migration -- <name>     write prisma/migrations/{sqlite,postgres}/<timestamp>_<name>/
//   npm run db:migration -- --check    exit 1 if schema.prisma has changes no migration covers (CI)
import fs from "node:fs";
import path from "node:path";
import {
  migratedSchemaSnapshotPath,
  migrationsRoot,
  providers,
  runPrisma,
  schemaPathFor,
  sqliteSchemaPath,
  type Provider,
} from "./prisma-cli";

function diffSql(provider: Provider): string {
  const from = fs.existsSync(migratedSchemaSnapshotPath)
    ? ["--from-schema-datamodel", schemaPathFor(provider, migratedSchemaSnapshotPath)]
    : ["--from-empty"];
  return runPrisma([
    "migrate",
    "diff",
    ...from,
    "--to-schema-datamodel",
    schemaPathFor(provider),
    "--script",
  ])
    .split("\n")
    .filter(
      (line) =>
        !line.startsWith("Loaded Prisma config") && !line.startsWith("Prisma config detected"),
    )
    .join("\n")
    .trim();
}

const isEmptyDiff = (sql: string) => sql === "" || sql === "-- This is an empty migration.";

const [argument] = process.argv.slice(2);
const sqlByProvider = new Map(providers.map((provider) => [provider, diffSql(provider)] as const));
const pending = [...sqlByProvider.values()].some((sql) => !isEmptyDiff(sql));

if (argument === "--check") {
  if (pending) {
    console.error(
      "prisma/schema.prisma has changes without a migration: run `npm run db:migration -- <name>`",
    );
    process.exit(1);
  }
  console.log("migrations cover prisma/schema.prisma");
} else {
  if (!argument || !/^[a-z0-9_]+$/.test(argument)) {
    console.error("usage: npm run db:migration -- <name in lower_snake_case>");
    process.exit(2);
  }
  if (!pending) {
    console.log("nothing to migrate: prisma/schema.prisma matches the newest migration");
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  for (const [provider, sql] of sqlByProvider) {
    const folder = path.join(migrationsRoot, provider, `${stamp}_${argument}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "migration.sql"), `${sql}\n`);
    console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql`);
  }
  fs.copyFileSync(sqliteSchemaPath, migratedSchemaSnapshotPath);
}
