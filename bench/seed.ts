// The benchmark database, seeded in a child process of bench/run.ts (which sets DATABASE_URL to
// the benchmark database, never data/folio.db). Wipes it, imports the first --import procedurally
// generated documents through the real import path (the measured import rate), fills up to --docs
// with bulk copies of their rows, inserts readers and subscribers, and writes a summary
// (bench/.data/seed.json) for run.ts. Run: tsx --conditions=react-server bench/seed.ts <options>
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { hashPassword } from "@/lib/auth/password";
import { env } from "@/lib/config/env";
import { db, disconnectDb } from "@/lib/db/client";
// Only its SQL template helpers, which build plain objects both generated clients accept.
import { Prisma } from "@/lib/db/generated/sqlite";
import { importDocument } from "@/lib/import/import-document";
import { encodeCursor } from "@/lib/reading/documents";
import { wipeTestDatabase } from "../tests/support/test-database";
import { benchDataDir, seedSummaryFile, wholeNumber, type SeedSummary } from "./shared";
import { benchDocument, benchMetadata, benchSlug, maxBenchDocuments } from "./text";

export const benchPassword = "bench-password-0001";
const libraryPageSize = 20;
const insertBatch = 1000;
/** Documents copied per transaction (measured: 100 is faster than 500). */
const copyBatch = 100;

function readerEmail(index: number): string {
  return `reader${String(index + 1).padStart(6, "0")}@bench.folio.test`;
}

async function wipe(): Promise<void> {
  const url = process.env.DATABASE_URL ?? "";
  const target = env().database;
  if (
    target.provider === "sqlite" &&
    path.resolve(target.filePath) === path.resolve("data", "folio.db")
  ) {
    throw new Error("refusing to wipe data/folio.db: the benchmark needs its own database");
  }
  await wipeTestDatabase(url);
}

/** Progress on one line on a terminal (\r), one line per report otherwise. */
function progress(verb: string, done: number, total: number, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${process.stdout.isTTY ? "\r" : "\n"}  ${verb} ${done}/${total} documents (${(done / seconds).toFixed(1)}/s)`,
  );
}

async function importDocuments(count: number, chars: number, now: Date) {
  const maxBytes = env().maxDocumentBytes;
  const encoder = new TextEncoder();
  await db(); // migrate before the clock starts
  let totalChars = 0;
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const document = benchDocument(index, { targetChars: chars, now });
    totalChars += document.text.length;
    await importDocument(encoder.encode(document.text), document.fileName, { maxBytes, now });
    if ((index + 1) % 100 === 0 || index + 1 === count)
      progress("imported", index + 1, count, started);
  }
  process.stdout.write("\n");
  const seconds = (performance.now() - started) / 1000;
  return { seconds, averageChars: Math.round(totalChars / Math.max(count, 1)) };
}

// What a bulk copy takes over from its source document; slug, title and date are its own.
const copiedColumns = {
  summary: true,
  author: true,
  tags: true,
  language: true,
  sourceFormat: true,
  sourceEncoding: true,
  sourceHash: true,
  freeWords: true,
  paidWords: true,
  readingMinutes: true,
  paidRegions: true,
} as const;

/**
 * Copies the segments of each pair's source document to its copy inside the database, so the text
 * (~45 KB a document) never travels through Prisma: createMany spends ~15 ms a document
 * serialising it (~65 documents/s). Plain SQL that SQLite and PostgreSQL both accept: quoted
 * identifiers, and a VALUES list, whose columns both name column1, column2.
 */
function copySegments(pairs: { copy: string; source: string }[]): Prisma.Sql[] {
  const values = Prisma.join(pairs.map((pair) => Prisma.sql`(${pair.copy}, ${pair.source})`));
  return [
    Prisma.sql`INSERT INTO "PublicSegment"
        ("documentId", "position", "kind", "html", "text", "words")
      SELECT pairs.column1, segment."position", segment."kind", segment."html", segment."text",
        segment."words"
      FROM (VALUES ${values}) AS pairs
      JOIN "PublicSegment" AS segment ON segment."documentId" = pairs.column2`,
    Prisma.sql`INSERT INTO "PaidSegment" ("documentId", "position", "html", "words")
      SELECT pairs.column1, segment."position", segment."html", segment."words"
      FROM (VALUES ${values}) AS pairs
      JOIN "PaidSegment" AS segment ON segment."documentId" = pairs.column2`,
  ];
}

/**
 * Documents `from` … `to - 1` as copies of the `from` imported ones (round robin): the same rows
 * (Document, PublicSegment, PaidSegment) with a new id and the slug, title and date that
 * benchDocument would give them. `copyBatch` documents per transaction: Document rows with
 * createMany, their segments copied in SQL. Memory stays flat at any --docs.
 */
async function copyDocuments(from: number, to: number, now: Date) {
  if (to <= from) return { seconds: 0 };
  const database = await db();
  const started = performance.now();
  // The imported documents, in import order, with what a copy keeps (small: no segment text).
  const sources = await database.document.findMany({
    select: { id: true, ...copiedColumns },
    orderBy: { slug: "asc" },
  });
  if (sources.length !== from)
    throw new Error(`expected ${from} imported documents to copy, found ${sources.length}`);
  const total = to - from;
  const reportEvery = process.stdout.isTTY ? 1_000 : 10_000;

  for (let start = from; start < to; start += copyBatch) {
    const end = Math.min(start + copyBatch, to);
    const created = new Date();
    const documents = [];
    const pairs = [];
    for (let index = start; index < end; index += 1) {
      const source = sources[(index - from) % sources.length];
      if (!source) throw new Error(`no source for document ${index}`);
      const { id: sourceId, ...columns } = source;
      const { slug, title, publishedAt } = benchMetadata(index, now);
      const id = crypto.randomUUID();
      documents.push({
        ...columns,
        id,
        slug,
        title,
        publishedAt,
        createdAt: created,
        updatedAt: created,
      });
      pairs.push({ copy: id, source: sourceId });
    }
    await database.$transaction([
      database.document.createMany({ data: documents }),
      ...copySegments(pairs).map((statement) => database.$executeRaw(statement)),
    ]);
    const done = end - from;
    if (done % reportEvery === 0 || end === to) progress("copied", done, total, started);
  }
  process.stdout.write("\n");
  return { seconds: (performance.now() - started) / 1000 };
}

async function insertReaders(readers: number, subscribers: number): Promise<void> {
  const database = await db();
  const passwordHash = await hashPassword(benchPassword);
  const verified = new Date();
  const periodEnd = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  for (let start = 0; start < readers; start += insertBatch) {
    const end = Math.min(start + insertBatch, readers);
    const users = [];
    const subscriptions = [];
    for (let index = start; index < end; index += 1) {
      const number = String(index + 1).padStart(6, "0");
      const subscribed = index < subscribers;
      users.push({
        id: `bench-user-${number}`,
        email: readerEmail(index),
        emailVerified: verified,
        // One known subscriber signs in; the others never need a password.
        passwordHash: index === 0 ? passwordHash : null,
        stripeCustomerId: subscribed ? `cus_bench${number}` : null,
      });
      if (subscribed) {
        subscriptions.push({
          id: `sub_bench${number}`,
          userId: `bench-user-${number}`,
          customerId: `cus_bench${number}`,
          status: "active",
          priceId: "price_bench_yearly",
          interval: "year",
          currentPeriodEnd: periodEnd,
          cancelAtPeriodEnd: false,
        });
      }
    }
    await database.user.createMany({ data: users });
    if (subscriptions.length > 0) await database.subscription.createMany({ data: subscriptions });
  }
}

/**
 * A cursor into the middle of the library (page 26 of 1,000 documents, page 2,501 of 100,000): a
 * deep page is where pagination by OFFSET, or a keyset the database cannot seek to, grows slow.
 */
async function deepCursor(documents: number): Promise<SeedSummary["deepCursor"]> {
  const pages = Math.floor(documents / 2 / libraryPageSize);
  if (pages < 1) return null;
  const database = await db();
  // The last document of page `pages` is the cursor that opens page `pages + 1`.
  const last = await database.document.findFirst({
    select: { publishedAt: true, id: true },
    orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
    skip: pages * libraryPageSize - 1,
  });
  return last ? { pages: pages + 1, cursor: encodeCursor(last) } : null;
}

async function main(): Promise<void> {
  const seedStarted = performance.now();
  const { values } = parseArgs({
    options: {
      docs: { type: "string", default: "1000" },
      // The first N documents go through the real import path; the rest are bulk copies.
      import: { type: "string", default: "1000" },
      chars: { type: "string", default: "10000" },
      readers: { type: "string", default: "10000" },
      subscribers: { type: "string", default: "1000" },
    },
  });
  const documents = wholeNumber("docs", values.docs, 1);
  const importCount = Math.min(documents, wholeNumber("import", values.import, 1));
  const chars = wholeNumber("chars", values.chars, 1);
  const readers = wholeNumber("readers", values.readers, 1);
  const subscribers = Math.min(wholeNumber("subscribers", values.subscribers, 1), readers);
  if (documents > maxBenchDocuments)
    throw new Error(`--docs must be at most ${maxBenchDocuments} (six-digit slugs)`);

  const provider = env().database.provider;
  const now = new Date();
  console.log(`Seeding the benchmark database (${provider}), wiping it first`);
  await wipe();
  console.log(`  importing ${importCount} documents of ~${chars} characters`);
  const imported = await importDocuments(importCount, chars, now);
  const rate = importCount / imported.seconds;
  console.log(
    `  import: ${importCount} documents in ${imported.seconds.toFixed(2)} s = ${rate.toFixed(1)} documents/s (target: 1,000 in < 60 s)`,
  );
  const copyCount = documents - importCount;
  if (copyCount > 0) console.log(`  bulk-copying them into ${copyCount} more documents`);
  const copied = await copyDocuments(importCount, documents, now);
  if (copyCount > 0)
    console.log(
      `  bulk copy: ${copyCount} documents in ${copied.seconds.toFixed(2)} s = ${(copyCount / copied.seconds).toFixed(1)} documents/s (not the import rate)`,
    );
  const usersStarted = performance.now();
  await insertReaders(readers, subscribers);
  console.log(
    `  ${readers} readers, ${subscribers} with an active subscription, in ${((performance.now() - usersStarted) / 1000).toFixed(2)} s`,
  );

  const summary: SeedSummary = {
    database: provider,
    documents,
    readers,
    subscribers,
    importSeconds: imported.seconds,
    documentsPerSecond: rate,
    imported: { documents: importCount, seconds: imported.seconds, documentsPerSecond: rate },
    bulkCopied: {
      documents: copyCount,
      seconds: copied.seconds,
      documentsPerSecond: copyCount > 0 ? copyCount / copied.seconds : 0,
    },
    averageChars: imported.averageChars,
    subscriber: { email: readerEmail(0), password: benchPassword },
    documentSlug: benchSlug(0),
    deepCursor: await deepCursor(documents),
    seedSeconds: (performance.now() - seedStarted) / 1000,
    seededAt: new Date().toISOString(),
  };
  fs.mkdirSync(benchDataDir, { recursive: true });
  fs.writeFileSync(seedSummaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`  seeded ${documents} documents in ${summary.seedSeconds.toFixed(1)} s`);
}

if (require.main === module) {
  main()
    .then(() => disconnectDb())
    .catch(async (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      await disconnectDb().catch(() => {});
      process.exitCode = 1;
    });
}
