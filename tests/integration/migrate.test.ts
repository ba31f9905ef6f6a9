import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { databaseTargetFromUrl } from "@/lib/config/env";
import { readMigrations } from "@/lib/db/migrate";
import {
  isPostgresUrl,
  repoRoot,
  testDatabaseUrl,
  wipeTestDatabase,
} from "../support/test-database";

const run = promisify(execFile);

/** Starts a separate Node process that migrates the database, as a starting app server would. */
function migrateInChildProcess(url: string) {
  return run("npx", ["tsx", "--conditions=react-server", "scripts/db/migrate.ts", "--json"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url },
  }).then((result) => JSON.parse(result.stdout.trim().split("\n").pop() ?? "[]") as string[]);
}

describe("migrations", () => {
  // Its own database, so the shared one of the other integration tests is left alone (SQLite);
  // on PostgreSQL the run wipes and re-migrates the test database, which the next file re-uses.
  const url = isPostgresUrl(testDatabaseUrl("x"))
    ? testDatabaseUrl("x")
    : testDatabaseUrl("concurrent-migrations");

  it("are applied exactly once when four processes start at the same time", async () => {
    await wipeTestDatabase(url);
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateInChildProcess(url)));
    const names = readMigrations(databaseTargetFromUrl(url).provider).map(
      (migration) => migration.name,
    );
    expect(results.flat().sort()).toEqual([...names].sort());
    expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    expect(await migrateInChildProcess(url)).toEqual([]);
  });
});
