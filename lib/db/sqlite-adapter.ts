import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import {
  DEFAULT_BUSY_RETRY,
  retryWhileBusy,
  SQLITE_BUSY_WAIT_MS,
  type BusyRetryPolicy,
} from "@/lib/db/sqlite-busy";

// The adapter package exports only its factory; these are the types of what it connects.
type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<SqlDriverAdapter["startTransaction"]>>;
type IsolationLevel = Parameters<SqlDriverAdapter["startTransaction"]>[0];

/**
 * Prisma's better-sqlite3 adapter, changed in two ways so that waiting for another process's
 * write lock never blocks the event loop (lib/db/sqlite-busy.ts):
 *
 * - SQLite's own busy wait is SQLITE_BUSY_WAIT_MS; a statement outside a transaction that is still
 *   refused is retried from a timer (in autocommit mode a refused statement changed nothing).
 * - Transactions start with BEGIN IMMEDIATE, retried the same way, instead of the adapter's plain
 *   BEGIN. The write lock is then held from the first statement on, so no statement inside the
 *   transaction can be refused (a deferred transaction that has read cannot wait for the lock at
 *   all: SQLite refuses it at once, or with SQLITE_BUSY_SNAPSHOT), and the wait happens at the one
 *   point where trying again is safe. Readers are unaffected in WAL mode.
 *
 * The adapter has one connection; like Prisma's, it runs one transaction at a time on it.
 */
export function sqliteAdapterFactory(
  filePath: string,
  retry: BusyRetryPolicy = DEFAULT_BUSY_RETRY,
): Pick<PrismaBetterSQLite3, "provider" | "adapterName" | "connect"> {
  const inner = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: SQLITE_BUSY_WAIT_MS });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const connection = await inner.connect();
      // In WAL mode, synchronous=NORMAL syncs at checkpoints instead of at every commit: with the
      // default (FULL) each autocommit write, such as a rate-limit counter, held the event loop in
      // fsync for ~9 ms (p99 ~23 ms measured here), four of them per sign-in attempt. An
      // application crash loses nothing; a power loss may lose the last commits, never the file.
      await connection.executeScript("PRAGMA synchronous = NORMAL");
      return nonBlockingAdapter(connection, retry);
    },
  };
}

function nonBlockingAdapter(inner: SqlDriverAdapter, retry: BusyRetryPolicy): SqlDriverAdapter {
  let transactionQueue: Promise<void> = Promise.resolve();
  /** Resolves, in call order, once the previous transaction has ended; returns its own end. */
  const nextTransactionTurn = async (): Promise<() => void> => {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const previous = transactionQueue;
    transactionQueue = previous.then(() => ended);
    await previous;
    return end;
  };

  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => retryWhileBusy(() => inner.queryRaw(query), retry),
    executeRaw: (query) => retryWhileBusy(() => inner.executeRaw(query), retry),
    executeScript: (script) => retryWhileBusy(() => inner.executeScript(script), retry),
    ...(inner.getConnectionInfo ? { getConnectionInfo: () => inner.getConnectionInfo!() } : {}),
    dispose: () => inner.dispose(),
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      // SQLite transactions are serializable; Prisma's adapter accepts only that level too.
      if (isolationLevel && isolationLevel !== "SERIALIZABLE")
        throw new Error(`SQLite does not support the isolation level ${isolationLevel}`);
      const end = await nextTransactionTurn();
      try {
        await retryWhileBusy(
          () => inner.executeRaw({ sql: "BEGIN IMMEDIATE", args: [], argTypes: [] }),
          retry,
        );
      } catch (error) {
        end();
        throw error;
      }
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        // Prisma sends COMMIT and ROLLBACK itself (as queries), then calls commit()/rollback().
        options: { usePhantomQuery: false },
        queryRaw: (query) => inner.queryRaw(query),
        async executeRaw(query) {
          try {
            return await inner.executeRaw(query);
          } catch (error) {
            // Prisma calls commit()/rollback() only after its COMMIT or ROLLBACK succeeded; should
            // one fail, end the transaction here, or no transaction could ever start again.
            if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(query.sql)) {
              await inner.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => 0);
              end();
            }
            throw error;
          }
        },
        commit: async () => end(),
        rollback: async () => end(),
      };
    },
  };
}
