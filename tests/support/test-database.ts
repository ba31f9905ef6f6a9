import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * The database the tests own. SQLite by default (a throwaway file under .tmp/), or the PostgreSQL
 * named by FOLIO_TEST_DATABASE_URL. A separate variable from DATABASE_URL on purpose: the tests
 * wipe this database, and must never wipe the one a developer points Folio at.
 */
export const repoRoot = path.resolve(__dirname, "..", "..");

export function testDatabaseUrl(name: string): string {
  const configured = process.env.FOLIO_TEST_DATABASE_URL;
  if (configured) return configured;
  return `file:${path.join(repoRoot, ".tmp", "test", `${name}.db`)}`;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Drops everything in the test database, so migrations start from nothing. */
export async function wipeTestDatabase(url: string): Promise<void> {
  if (isPostgresUrl(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    } finally {
      await client.end();
    }
    return;
  }
  const file = url.slice("file:".length);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (const suffix of ["", "-wal", "-shm", "-journal"])
    fs.rmSync(`${file}${suffix}`, { force: true });
}
