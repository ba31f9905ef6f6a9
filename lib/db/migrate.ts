import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "@/lib/config/env";
import { retryWhileBusy, SQLITE_BUSY_WAIT_MS } from "@/lib/db/sqlite-busy";

/**
 * Applies the checked-in SQL migrations (prisma/migrations/<provider>/<name>/migration.sql) in name
 * order. Prisma's own `migrate deploy` is not used: it needs the Rust engine, and its JavaScript
 * engine fails on PostgreSQL. Both appliers hold a database-wide lock for the whole run, so two
 * app processes starting at once apply each migration exactly once, and each run is one transaction:
 * a migration that fails leaves the database as it was.
 */

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDirectory(provider: DatabaseTarget["provider"]): string {
  return path.join(process.cwd(), "prisma", "migrations", provider);
}

export function readMigrations(provider: DatabaseTarget["provider"]): Migration[] {
  const directory = migrationsDirectory(provider);
  if (!fs.existsSync(directory)) throw new Error(`No migrations found at ${directory}`);
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(directory, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

function pendingMigrations(all: readonly Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const known = all.find((migration) => migration.name === name);
    if (!known)
      throw new Error(
        `The database has migration ${name}, which this version of Folio does not know`,
      );
    if (known.checksum !== checksum)
      throw new Error(`Migration ${name} was changed after it was applied`);
  }
  return all.filter((migration) => !applied.has(migration.name));
}

const createLedger = `CREATE TABLE IF NOT EXISTS "_folio_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`;
const createState = `CREATE TABLE IF NOT EXISTS "_folio_state" ("key" TEXT PRIMARY KEY, "value" TEXT NOT NULL)`;

/**
 * Sets the connection options every SQLite connection of Folio uses. SQLite's own busy wait is a
 * couple of milliseconds: it blocks the thread, so longer waits are retried from timers instead.
 */
export async function configureSqliteConnection(connection: Database.Database): Promise<void> {
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_WAIT_MS}`);
  await retryWhileBusy(async () => connection.pragma("journal_mode = WAL"));
  connection.pragma("foreign_keys = ON");
}

async function migrateSqlite(
  filePath: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const connection = new Database(filePath);
  try {
    await configureSqliteConnection(connection);
    // BEGIN IMMEDIATE takes the write lock up front: a second process waits (retried from timers,
    // so its event loop keeps serving) and then finds the migrations already applied.
    await retryWhileBusy(async () => connection.exec("BEGIN IMMEDIATE"));
    try {
      connection.exec(createLedger);
      connection.exec(createState);
      const rows = connection
        .prepare(`SELECT "name", "checksum" FROM "_folio_migrations"`)
        .all() as {
        name: string;
        checksum: string;
      }[];
      const pending = pendingMigrations(
        migrations,
        new Map(rows.map((row) => [row.name, row.checksum])),
      );
      const record = connection.prepare(
        `INSERT INTO "_folio_migrations" ("name", "checksum", "appliedAt") VALUES (?, ?, ?)`,
      );
      for (const migration of pending) {
        connection.exec(migration.sql);
        record.run(migration.name, migration.checksum, new Date().toISOString());
      }
      connection.exec("COMMIT");
      return pending.map((migration) => migration.name);
    } catch (error) {
      connection.exec("ROLLBACK");
      throw error;
    }
  } finally {
    connection.close();
  }
}

/** An arbitrary constant that names Folio's migration lock among PostgreSQL advisory locks. */
const postgresMigrationLockKey = 7_310_442_019;

async function migratePostgres(
  connectionString: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("BEGIN");
    try {
      // Held until COMMIT/ROLLBACK; a concurrent starter waits here.
      await client.query("SELECT pg_advisory_xact_lock($1)", [postgresMigrationLockKey]);
      await client.query(createLedger);
      await client.query(createState);
      const { rows } = await client.query<{ name: string; checksum: string }>(
        `SELECT "name", "checksum" FROM "_folio_migrations"`,
      );
      const pending = pendingMigrations(
        migrations,
        new Map(rows.map((row) => [row.name, row.checksum])),
      );
      for (const migration of pending) {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_folio_migrations" ("name", "checksum", "appliedAt") VALUES ($1, $2, $3)`,
          [migration.name, migration.checksum, new Date().toISOString()],
        );
      }
      await client.query("COMMIT");
      return pending.map((migration) => migration.name);
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations and returns the names applied (empty when up to date). `migrations`
 * is every checked-in one; the upgrade test passes an older prefix to build the database an
 * earlier Folio left behind.
 */
export async function migrateDatabase(
  target: DatabaseTarget,
  migrations: readonly Migration[] = readMigrations(target.provider),
): Promise<string[]> {
  return target.provider === "sqlite"
    ? migrateSqlite(target.filePath, migrations)
    : migratePostgres(target.connectionString, migrations);
}
