import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { importDocument } from "@/lib/import/import-document";
import { decodeCursor, listLibrary } from "@/lib/reading/documents";
import { collectDocumentFiles } from "@/lib/import/import-files";
import { samplesDirectory, seedSamplesOnce } from "@/lib/import/seed-samples";
import { clearLibrary } from "../support/library";

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

  it.each(["", "not-a-cursor", Buffer.from("2026-13-45|x").toString("base64url")])(
    "treats a malformed cursor %j as the first page",
    async (cursor) => {
      expect(decodeCursor(cursor)).toBeNull();
      const page = await listLibrary({ limit: 10, older: cursor });
      expect(page.documents).toHaveLength(10);
      expect(page.newerCursor).toBeNull();
    },
  );
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
