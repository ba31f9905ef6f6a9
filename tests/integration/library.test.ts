import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { importDocument } from "@/lib/import/import-document";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import pg from "pg";
import { PrismaClient as PostgresClient } from "@/lib/db/generated/postgres";
import { PrismaClient as SqliteClient } from "@/lib/db/generated/sqlite";
import { decodeCursor, libraryQuery, listLibrary } from "@/lib/reading/documents";
import { collectDocumentFiles } from "@/lib/import/import-files";
import { samplesDirectory, seedSamplesOnce } from "@/lib/import/seed-samples";
import { clearLibrary } from "../support/library";
import { isPostgresUrl } from "../support/test-database";

/** The query plan of one statement, as text. */
async function explain(url: string, query: string, params: unknown[]): Promise<string> {
  if (isPostgresUrl(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const result = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${query}`, params);
      return result.rows.map((row) => row["QUERY PLAN"]).join("\n");
    } finally {
      await client.end();
    }
  }
  const connection = new Database(url.slice("file:".length), { readonly: true });
  try {
    const rows = connection.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as {
      detail: string;
    }[];
    return rows.map((row) => row.detail).join("\n");
  } finally {
    connection.close();
  }
}

const encode = (text: string) => new TextEncoder().encode(text);

describe("library pagination", () => {
  const count = 45;
  beforeAll(async () => {
    await clearLibrary();
    for (let index = 0; index < count; index += 1) {
      // Pairs share a publication date, so ties are broken by id.
      const day = String(1 + Math.floor(index / 2)).padStart(2, "0");
      const text = `---\ntitle: Document ${index}\nslug: doc-${index}\npublished: 2026-01-${day}\n---\nFree ${index}.\n##paidbegin##\nPaid ${index}.\n`;
      await importDocument(encode(text), `doc-${index}.md`, { maxBytes: 100_000 });
    }
  });
  afterAll(disconnectDb);

  it("walks every document once, newest first, and back again", async () => {
    const seen: string[] = [];
    const pages = [];
    let page = await listLibrary({ limit: 10 });
    pages.push(page);
    expect(page.newerCursor).toBeNull();
    while (page.olderCursor) {
      seen.push(...page.documents.map((document) => document.slug));
      page = await listLibrary({ limit: 10, older: page.olderCursor });
      pages.push(page);
    }
    seen.push(...page.documents.map((document) => document.slug));
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
    expect(pages.map((each) => each.documents.length)).toEqual([10, 10, 10, 10, 5]);

    const database = await db();
    const expected = await database.document.findMany({
      orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
      select: { slug: true },
    });
    expect(seen).toEqual(expected.map((document) => document.slug));

    // Back from the last page to the first through the newer cursors.
    const backwards: string[][] = [];
    let current = pages[pages.length - 1]!;
    while (current.newerCursor) {
      current = await listLibrary({ limit: 10, newer: current.newerCursor });
      backwards.push(current.documents.map((document) => document.slug));
    }
    expect(backwards.reverse().flat()).toEqual(seen.slice(0, 40));
    expect(current.newerCursor).toBeNull();
  });

  it("pages by seeking in the (publishedAt, id) index, not by scanning from the top", async () => {
    // The SQL Prisma sends for an older and a newer page, captured from a client that logs it.
    const url = process.env.DATABASE_URL ?? "";
    const captured: { query: string; params: unknown[] }[] = [];
    const log: [{ emit: "event"; level: "query" }] = [{ emit: "event", level: "query" }];
    const client = isPostgresUrl(url)
      ? new PostgresClient({ adapter: new PrismaPg({ connectionString: url }), log })
      : new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }), log });
    (client as SqliteClient<{ log: typeof log }>).$on("query", (event) => {
      captured.push({ query: event.query, params: JSON.parse(event.params) as unknown[] });
    });
    const middle = await listLibrary({ limit: 10 });
    const cursor = decodeCursor(middle.olderCursor ?? "");
    if (!cursor) throw new Error("expected a second page");
    try {
      for (const cursors of [
        { older: cursor, newer: null },
        { older: null, newer: cursor },
      ])
        await (client as SqliteClient).document.findMany(libraryQuery(cursors, 11));
    } finally {
      await client.$disconnect();
    }
    const selects = captured.filter((entry) =>
      /^SELECT .* FROM \S*Document\S* WHERE/.test(entry.query),
    );
    expect(selects, JSON.stringify(captured)).toHaveLength(2);
    for (const { query, params } of selects) {
      const plan = await explain(url, query, params);
      // SQLite: "SEARCH … USING INDEX Document_publishedAt_id_idx (publishedAt<?)";
      // PostgreSQL (sequential scans off, as a large table would choose): an Index Cond on it.
      expect(plan, plan).toMatch(
        isPostgresUrl(url)
          ? /Index Cond: \("publishedAt" [<>]=/
          : /SEARCH .*Document_publishedAt_id_idx \(publishedAt[<>]\?\)/,
      );
    }
  });

  it.each([
    "",
    "not-a-cursor",
    Buffer.from("2026-13-45|x").toString("base64url"),
    // Issue 9 finding 10: extended years parse in JavaScript but no database driver binds them.
    "KzI3NTc2MC0wOS0xM1QwMDowMDowMC4wMDBafHg",
    Buffer.from("-000001-01-01T00:00:00.000Z|x").toString("base64url"),
    Buffer.from("2026-02-30T00:00:00.000Z|x").toString("base64url"),
    Buffer.from("2026-01-01|x").toString("base64url"),
    Buffer.from("2026-01-01T00:00:00.000Z|x|y").toString("base64url"),
    Buffer.from("2026-01-01T00:00:00.000Z|").toString("base64url"),
  ])("treats a malformed cursor %j as the first page", async (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
    const page = await listLibrary({ limit: 10, older: cursor });
    expect(page.documents).toHaveLength(10);
    expect(page.newerCursor).toBeNull();
  });
});

describe("sample seeding on first start", () => {
  it("imports every sample once, even when two starts race", async () => {
    await clearLibrary();
    const database = await db();
    await database.$executeRaw`DELETE FROM "_folio_state" WHERE "key" = 'samples-seeded'`;
    await Promise.all([seedSamplesOnce(1_000_000), seedSamplesOnce(1_000_000)]);
    const samples = await collectDocumentFiles([samplesDirectory]);
    const documents = await database.document.findMany({ select: { slug: true, version: true } });
    expect(documents).toHaveLength(samples.length);
    expect(documents.every((document) => document.version === 1)).toBe(true);
    await seedSamplesOnce(1_000_000);
    expect(await database.document.count()).toBe(samples.length);
  });
});
