// The benchmark database, seeded in a child process of bench/run.ts (which sets DATABASE_URL to
// the benchmark database, never data/folio.db). Wipes it, imports procedurally generated documents
// through the real import path, inserts readers and subscribers, and writes a summary
// (bench/.data/seed.json) for run.ts. Run: tsx --conditions=react-server bench/seed.ts <options>
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { hashPassword } from "@/lib/auth/password";
import { env } from "@/lib/config/env";
import { db, disconnectDb } from "@/lib/db/client";
import { importDocument } from "@/lib/import/import-document";
import { encodeCursor } from "@/lib/reading/documents";
import { wipeTestDatabase } from "../tests/support/test-database";
import { benchDataDir, seedSummaryFile, type SeedSummary } from "./shared";
import { benchDocument } from "./text";

export const benchPassword = "bench-password-0001";
const libraryPageSize = 20;
const insertBatch = 1000;

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

async function importDocuments(count: number, chars: number) {
  const now = new Date();
  const maxBytes = env().maxDocumentBytes;
  const encoder = new TextEncoder();
  await db(); // migrate before the clock starts
  let totalChars = 0;
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const document = benchDocument(index, { targetChars: chars, now });
    totalChars += document.text.length;
    await importDocument(encoder.encode(document.text), document.fileName, { maxBytes, now });
    if ((index + 1) % 100 === 0 || index + 1 === count) {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `${process.stdout.isTTY ? "\r" : "\n"}  imported ${index + 1}/${count} documents (${((index + 1) / seconds).toFixed(1)}/s)`,
      );
    }
  }
  process.stdout.write("\n");
  const seconds = (performance.now() - started) / 1000;
  return { seconds, averageChars: Math.round(totalChars / Math.max(count, 1)) };
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

async function deepCursor(documents: number): Promise<SeedSummary["deepCursor"]> {
  const pages = Math.min(20, Math.floor((documents - 1) / libraryPageSize));
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
  const { values } = parseArgs({
    options: {
      docs: { type: "string", default: "1000" },
      chars: { type: "string", default: "10000" },
      readers: { type: "string", default: "10000" },
      subscribers: { type: "string", default: "1000" },
    },
  });
  const documents = Number(values.docs);
  const readers = Number(values.readers);
  const subscribers = Math.min(Number(values.subscribers), readers);
  if (documents < 1 || readers < 1) throw new Error("--docs and --readers must be at least 1");

  const provider = env().database.provider;
  console.log(`Seeding the benchmark database (${provider}), wiping it first`);
  await wipe();
  console.log(`  importing ${documents} documents of ~${values.chars} characters`);
  const imported = await importDocuments(documents, Number(values.chars));
  const rate = documents / imported.seconds;
  console.log(
    `  import: ${documents} documents in ${imported.seconds.toFixed(2)} s = ${rate.toFixed(1)} documents/s (target: 1,000 in < 60 s)`,
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
    averageChars: imported.averageChars,
    subscriber: { email: readerEmail(0), password: benchPassword },
    documentSlug: benchDocument(0, { targetChars: 1, now: new Date() }).slug,
    deepCursor: await deepCursor(documents),
    seededAt: new Date().toISOString(),
  };
  fs.mkdirSync(benchDataDir, { recursive: true });
  fs.writeFileSync(seedSummaryFile, `${JSON.stringify(summary, null, 2)}\n`);
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
