import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimits } from "@/lib/auth/rate-limit";
import { confirmSignUp } from "@/lib/auth/accounts";
import { verifyPassword } from "@/lib/auth/password";
import { recordSubscription } from "@/lib/billing/subscriptions";
import { databaseTargetFromUrl, type DatabaseTarget } from "@/lib/config/env";
import { db, disconnectDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/sqlite";
import { migrateDatabase, readMigrations } from "@/lib/db/migrate";
import { seedSamplesOnce } from "@/lib/import/seed-samples";
import { anonymousViewer, type Entitlement } from "@/lib/reading/access";
import { getDocumentForViewer } from "@/lib/reading/documents";
import { entitlementOf, viewerForReader } from "@/lib/reading/viewer";
import {
  isPostgresUrl,
  repoRoot,
  testDatabaseUrl,
  wipeTestDatabase,
} from "../support/test-database";

/**
 * Upgrades that lose nothing. The database is built as the release of 1a4eca5 left it — only its
 * migrations, then its data exactly as its own code stored it (tests/fixtures/upgrade) — and then
 * every later migration is applied, whatever they are. Afterwards every stored value is still
 * there, and it still means the same through today's code: the documents read the same through the
 * gate, grants and subscriptions entitle whom they did, the Stripe ledger still swallows
 * duplicates, rate-limit counts still count, a mailed sign-up link still works.
 */

const release = "1a4eca5";
const fixtureDirectory = path.join(repoRoot, "tests", "fixtures", "upgrade", release);

// Its own SQLite file; on PostgreSQL the test database, wiped again afterwards for the next file.
const url = isPostgresUrl(testDatabaseUrl("x")) ? testDatabaseUrl("x") : testDatabaseUrl("upgrade");
// Folio reads its environment on first use (env(), db()): after this line.
process.env.DATABASE_URL = url;
const target: DatabaseTarget = databaseTargetFromUrl(url);
const provider = target.provider;

type Row = Record<string, unknown>;
interface Fixture {
  provider: string;
  tables: { table: string; rows: Row[] }[];
}
const releasedMigrations = (
  JSON.parse(fs.readFileSync(path.join(fixtureDirectory, "migrations.json"), "utf8")) as {
    migrations: Record<string, { name: string; sha256: string }[]>;
  }
).migrations[provider];
const fixture = JSON.parse(
  fs.readFileSync(path.join(fixtureDirectory, `${provider}.json`), "utf8"),
) as Fixture;
const rowsOf = (table: string): Row[] =>
  fixture.tables.find((entry) => entry.table === table)?.rows ?? [];

/** Inserts the release's rows as they were stored: raw values, no client in between. */
async function insertReleasedData(): Promise<void> {
  if (target.provider === "sqlite") {
    const connection = new Database(target.filePath);
    try {
      connection.pragma("foreign_keys = ON");
      connection.transaction(() => {
        for (const { table, rows } of fixture.tables)
          for (const row of rows) {
            const columns = Object.keys(row);
            connection
              .prepare(
                `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
              )
              .run(...columns.map((column) => row[column]));
          }
      })();
    } finally {
      connection.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    await client.query("BEGIN");
    for (const { table, rows } of fixture.tables)
      for (const row of rows)
        // json_populate_record types each value by the column, as row_to_json wrote it.
        await client.query(
          `INSERT INTO "${table}" SELECT * FROM json_populate_record(NULL::"${table}", $1)`,
          [JSON.stringify(row)],
        );
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

/** A stored value as today's client would return it, for the field's Prisma type. */
function storedValueAs(type: string, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case "DateTime":
      // SQLite keeps Prisma's ISO text; PostgreSQL's row_to_json prints timestamp(3) without a zone (UTC).
      return new Date(
        typeof value === "string" && !/(?:Z|[+-]\d\d:\d\d)$/.test(value)
          ? `${value}Z`
          : String(value),
      ).toISOString();
    case "Boolean":
      return value === true || value === 1;
    default:
      return value;
  }
}

/** The table's primary key columns, as the upgraded database defines them. */
async function primaryKeyColumns(table: string): Promise<string[]> {
  if (target.provider === "sqlite") {
    const connection = new Database(target.filePath, { readonly: true });
    try {
      return (connection.pragma(`table_info("${table}")`) as { name: string; pk: number }[])
        .filter((column) => column.pk > 0)
        .sort((first, second) => first.pk - second.pk)
        .map((column) => column.name);
    } finally {
      connection.close();
    }
  }
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ column: string }>(
      `SELECT a.attname AS column FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [`"${table}"`],
    );
    return rows.map((row) => row.column);
  } finally {
    await client.end();
  }
}

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

let appliedOnUpgrade: string[] = [];
const laterMigrations = () =>
  readMigrations(provider)
    .map((migration) => migration.name)
    .filter((name) => !releasedMigrations?.some((released) => released.name === name));

beforeAll(async () => {
  if (!releasedMigrations) throw new Error(`no released migrations for ${provider}`);
  const current = readMigrations(provider);
  const base = releasedMigrations.map((released) => {
    const migration = current.find((candidate) => candidate.name === released.name);
    if (!migration)
      throw new Error(
        `migration ${released.name} of release ${release} is gone: databases that applied it would refuse to start`,
      );
    if (migration.checksum !== released.sha256)
      throw new Error(
        `migration ${released.name} of release ${release} was edited: databases that applied it would refuse to start ("changed after it was applied"). Put the change in a new migration.`,
      );
    return migration;
  });
  await wipeTestDatabase(url);
  expect(await migrateDatabase(target, base)).toEqual(base.map((migration) => migration.name));
  await insertReleasedData();
  appliedOnUpgrade = await migrateDatabase(target);
});

afterAll(async () => {
  await disconnectDb();
  if (isPostgresUrl(url)) await wipeTestDatabase(url);
});

const now = new Date("2026-12-01T12:00:00.000Z");
const day = 24 * 60 * 60 * 1000;

async function readerId(email: string): Promise<string> {
  const reader = await (await db()).user.findUniqueOrThrow({ where: { email } });
  return reader.id;
}

describe(`upgrading a database of release ${release}`, () => {
  it("applies every later migration, once", async () => {
    expect(appliedOnUpgrade).toEqual(laterMigrations());
    expect(await migrateDatabase(target)).toEqual([]);
  });

  it("keeps every row and every value, as today's client reads them", async () => {
    const database = await db();
    const models = Prisma.dmmf.datamodel.models;
    for (const { table, rows } of fixture.tables) {
      if (table === "_folio_state") continue; // not a model; checked below
      const model = models.find((candidate) => (candidate.dbName ?? candidate.name) === table);
      expect(model, `table ${table} is no longer a model`).toBeDefined();
      if (!model) continue;
      // Every model has a delegate named after it; the client's type does not index by string.
      const delegate = (database as unknown as Record<string, { findMany(): Promise<Row[]> }>)[
        model.name.charAt(0).toLowerCase() + model.name.slice(1)
      ];
      const stored = (await delegate?.findMany()) ?? [];
      expect(stored, table).toHaveLength(rows.length);
      // Rows are matched on the primary key, or on every column where a table has none.
      const primaryKey = await primaryKeyColumns(table);
      for (const row of rows) {
        const expected = new Map<string, unknown>();
        for (const [column, value] of Object.entries(row)) {
          const field = model.fields.find(
            (candidate) => (candidate.dbName ?? candidate.name) === column,
          );
          expect(field, `column ${table}.${column} is gone`).toBeDefined();
          if (field) expected.set(field.name, storedValueAs(field.type, value));
        }
        const key = primaryKey.length > 0 ? primaryKey : [...expected.keys()];
        const match = stored.find((candidate) =>
          key.every((name) => comparable(candidate[name]) === expected.get(name)),
        );
        expect(match, `${table} ${key.map((name) => String(row[name])).join("/")}`).toBeDefined();
        for (const [name, value] of expected)
          expect(comparable(match?.[name]), `${table}.${name}`).toEqual(value);
      }
    }
  });

  it("renders every document the same through the gate: free text to all, paid text to the entitled", async () => {
    const entitled = await viewerForReader(await readerId("granted@example.test"), now);
    const unentitled = await viewerForReader(await readerId("nothing@example.test"), now);
    for (const document of rowsOf("Document")) {
      const slug = String(document.slug);
      const publicSegments = rowsOf("PublicSegment").filter(
        (segment) => segment.documentId === document.id,
      );
      const paidSegments = rowsOf("PaidSegment").filter(
        (segment) => segment.documentId === document.id,
      );
      const preview = publicSegments.map((segment) =>
        segment.kind === "free"
          ? { kind: "free", position: segment.position, html: segment.html }
          : { kind: "locked", position: segment.position, words: segment.words },
      );
      const full = publicSegments.map((segment) =>
        segment.kind === "free"
          ? { kind: "free", position: segment.position, html: segment.html }
          : {
              kind: "paid",
              position: segment.position,
              html: paidSegments.find((paid) => paid.position === segment.position)?.html,
            },
      );
      const hasPaid = paidSegments.length > 0;
      for (const [viewer, segments, access] of [
        [anonymousViewer, hasPaid ? preview : full, hasPaid ? "preview" : "full"],
        [unentitled, hasPaid ? preview : full, hasPaid ? "preview" : "full"],
        [entitled, full, "full"],
      ] as const) {
        const readable = await getDocumentForViewer(slug, viewer, now);
        expect(readable, slug).toMatchObject({ title: document.title, access });
        expect(readable?.segments, `${slug} for ${viewer.kind}`).toEqual(segments);
        if (segments === preview)
          for (const paid of paidSegments)
            expect(JSON.stringify(readable)).not.toContain(String(paid.html));
      }
    }
  });

  it.each<[string, Entitlement]>([
    ["granted@example.test", { kind: "full", until: null, source: "grant" }],
    [
      "dated-grant@example.test",
      { kind: "full", until: new Date("2099-12-31T00:00:00.000Z"), source: "grant" },
    ],
    ["expired-grant@example.test", { kind: "none" }],
    ["revoked-grant@example.test", { kind: "none" }],
    [
      "active@example.test",
      {
        kind: "full",
        until: new Date(new Date("2099-01-01T00:00:00.000Z").getTime() + 2 * day),
        source: "subscription",
      },
    ],
    // Seven days' grace (the default) from when Folio first saw it past_due.
    [
      "pastdue@example.test",
      {
        kind: "full",
        until: new Date(new Date("2026-11-25T00:00:05.000Z").getTime() + 7 * day),
        source: "subscription",
      },
    ],
    ["canceled@example.test", { kind: "none" }],
    ["oauth@example.test", { kind: "none" }],
    ["nothing@example.test", { kind: "none" }],
  ])("%s is entitled as before", async (email, expected) => {
    expect(await entitlementOf(await readerId(email), now)).toEqual(expected);
  });

  it("ends the past_due grace when it ended before", async () => {
    const reader = await readerId("pastdue@example.test");
    expect(await entitlementOf(reader, new Date("2026-12-02T00:00:04.000Z"))).toMatchObject({
      kind: "full",
    });
    expect(await entitlementOf(reader, new Date("2026-12-02T00:00:05.000Z"))).toEqual({
      kind: "none",
    });
  });

  it("still signs in with the stored password and the linked OAuth account", async () => {
    const database = await db();
    const reader = await database.user.findUniqueOrThrow({
      where: { email: "granted@example.test" },
    });
    expect(await verifyPassword(reader.passwordHash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(reader.passwordHash, "wrong horse battery staple")).toBe(false);
    const account = await database.account.findUniqueOrThrow({
      where: { provider_providerAccountId: { provider: "github", providerAccountId: "4242" } },
      include: { user: true },
    });
    expect(account.user.email).toBe("oauth@example.test");
  });

  it("still accepts the sign-up link mailed before the upgrade, once", async () => {
    expect(await confirmSignUp("upgrade-sign-up-token")).toBe("signing-up@example.test");
    expect(await confirmSignUp("upgrade-sign-up-token")).toBeNull();
  });

  it("still recognises every Stripe event applied before as a duplicate", async () => {
    const database = await db();
    const before = await database.subscription.findUniqueOrThrow({
      where: { id: "sub_upgrade_active" },
    });
    for (const event of rowsOf("ProcessedStripeEvent")) {
      const outcome = await recordSubscription(
        {
          id: before.id,
          customerId: before.customerId,
          status: "canceled",
          priceId: before.priceId,
          interval: "month",
          currentPeriodEnd: before.currentPeriodEnd,
          cancelAtPeriodEnd: true,
        },
        { id: String(event.id), type: String(event.type) },
      );
      expect(outcome, String(event.id)).toBe("duplicate");
    }
    expect(
      await database.subscription.findUniqueOrThrow({ where: { id: "sub_upgrade_active" } }),
    ).toEqual(before);
  });

  it("keeps counting the rate limits where they were (3 of 10 password attempts used)", async () => {
    const limits = createRateLimits({ kind: "database", database: db });
    const subject = { email: "granted@example.test", ip: "203.0.113.7" };
    for (let attempt = 4; attempt <= 10; attempt++)
      expect(await limits.consume("password-sign-in", subject), `attempt ${attempt}`).toEqual({
        allowed: true,
      });
    expect(await limits.consume("password-sign-in", subject)).toMatchObject({ allowed: false });
  });

  it("does not seed the samples again into a library that was seeded before", async () => {
    const database = await db();
    const documents = await database.document.count();
    await seedSamplesOnce(10 * 1024 * 1024);
    expect(await database.document.count()).toBe(documents);
    const state = await database.$queryRaw<{ key: string; value: string }[]>`
      SELECT "key", "value" FROM "_folio_state"`;
    expect(state).toEqual(rowsOf("_folio_state"));
  });
});
