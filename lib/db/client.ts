import "server-only";
import { env, type DatabaseTarget } from "@/lib/config/env";
import { migrateDatabase } from "@/lib/db/migrate";
import { DEFAULT_BUSY_RETRY } from "@/lib/db/sqlite-busy";
import type { PrismaClient } from "@/lib/db/generated/sqlite";

/**
 * Folio's one database handle. The SQLite and PostgreSQL clients are generated from the same
 * models (prisma/schema.prisma), so they share one API; the SQLite client's type stands for both.
 */
export type Db = PrismaClient;

async function createClient(target: DatabaseTarget): Promise<Db> {
  if (target.provider === "sqlite") {
    const [{ PrismaClient: SqliteClient }, { sqliteAdapterFactory }] = await Promise.all([
      import("@/lib/db/generated/sqlite"),
      import("@/lib/db/sqlite-adapter"),
    ]);
    // WAL and foreign keys are set on the file by migrateDatabase. The adapter waits for other
    // processes' write locks from timers, never on the event loop (lib/db/sqlite-adapter.ts), so
    // a transaction may wait for its BEGIN IMMEDIATE as long as the adapter retries.
    return new SqliteClient({
      adapter: sqliteAdapterFactory(target.filePath),
      transactionOptions: { maxWait: DEFAULT_BUSY_RETRY.budgetMs + 1_000 },
    });
  }
  const [{ PrismaClient: PostgresClient }, { PrismaPg }] = await Promise.all([
    import("@/lib/db/generated/postgres"),
    import("@prisma/adapter-pg"),
  ]);
  const client = new PostgresClient({
    adapter: new PrismaPg({ connectionString: target.connectionString }),
  });
  // Same models, same generated API; only the provider-specific internals differ.
  return client as unknown as Db;
}

interface DatabaseState {
  ready: Promise<Db> | undefined;
}

// Kept on globalThis so Next's dev server reloads do not open a new pool per edit.
const state = ((globalThis as { __folioDatabase?: DatabaseState }).__folioDatabase ??= {
  ready: undefined,
});

/** The migrated database of this process; migrations run once, on first use. */
export function db(): Promise<Db> {
  state.ready ??= (async () => {
    const target = env().database;
    await migrateDatabase(target);
    return createClient(target);
  })().catch((error: unknown) => {
    state.ready = undefined; // let the next request try again instead of caching the failure
    throw error;
  });
  return state.ready;
}

/** Closes the connection pool (tests and command-line scripts). */
export async function disconnectDb(): Promise<void> {
  const ready = state.ready;
  state.ready = undefined;
  if (ready) await (await ready).$disconnect();
}
