// Prisma CLI configuration. Folio uses Prisma without its Rust engines: the CLI runs the
// JavaScript schema engine through a driver adapter. The CLI is only used to generate clients
// and to diff schemas into migration SQL (scripts/db/); migrations are applied by lib/db/migrate.ts.
import path from "node:path";
import os from "node:os";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    // A throwaway database: diffing schemas never needs Folio's real data.
    return new PrismaBetterSQLite3({
      url: `file:${path.join(os.tmpdir(), "folio-prisma-cli.db")}`,
    });
  },
});
