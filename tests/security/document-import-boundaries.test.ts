import crypto from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { DocumentError } from "@/lib/documents";
import { importDocument } from "@/lib/import/import-document";
import { getDocumentPreview, listRecentPreviews } from "@/lib/reading/documents";
import { buildRssFeed } from "@/lib/reading/rss-feed";
import { clearLibrary } from "../support/library";

/**
 * Issue 9, findings 3 and 4 through the real import and the real database (SQLite, or PostgreSQL with
 * FOLIO_TEST_DATABASE_URL): what the public tables, the preview and the feed hold after importing.
 */

const encode = (text: string) => new TextEncoder().encode(text);
const options = { maxBytes: 10 * 1024 * 1024 };
const canary = () => `CANARY${crypto.randomUUID().replace(/-/g, "")}`;

async function publicRows() {
  const database = await db();
  return JSON.stringify({
    documents: await database.document.findMany(),
    publicSegments: await database.publicSegment.findMany(),
  });
}

beforeEach(clearLibrary);
afterAll(disconnectDb);

describe("finding 3 through import: public rows, preview and feed hold no paid source", () => {
  it.each([
    [
      "a paid reference definition",
      (secret: string) =>
        `# Essay\n\nSee [the source][src].\n\n##paidbegin##\nPaid ${secret}.\n\n[src]: https://${secret}.example/\n`,
    ],
    [
      "a paid fence cut by ##paidend##",
      (secret: string) =>
        `# Essay\n\nIntro.\n\n##paidbegin##\nPaid ${secret}.\n\`\`\`${secret}\ncode\n##paidend##\nfree\n\`\`\`\n`,
    ],
  ])("%s", async (_name, build) => {
    const secret = canary();
    await importDocument(encode(build(secret)), "essay.md", options);
    const preview = await getDocumentPreview("essay");
    const feed = buildRssFeed(await listRecentPreviews(50), "https://folio.test", {
      title: "Folio",
      description: "Feed",
      language: "en",
    });
    expect(preview).not.toBeNull();
    for (const published of [await publicRows(), JSON.stringify(preview), feed])
      expect(published.toLowerCase()).not.toContain(secret.toLowerCase());
    const database = await db();
    const paid = await database.paidSegment.findMany();
    expect(JSON.stringify(paid)).toContain(secret); // positive control
  });
});

describe("finding 4 through import: a near-miss marker writes nothing", () => {
  it.each([
    ["soft hyphen", "##paid\u00ADbegin##"],
    ["Cyrillic а", "##p\u0430idbegin##"],
    ["em dash", "##paid\u2014begin##"],
    ["U+2011", "##paid\u2011begin##"],
    ["U+200E", "##paid\u200Ebegin##"],
    ["U+180E", "##paid\u180Ebegin##"],
  ])(
    "%s: the import is refused naming line 3 and the database is unchanged",
    async (_name, marker) => {
      const secret = canary();
      const import_ = importDocument(
        encode(`Title\nFree.\n${marker}\nPaid ${secret}.\n`),
        "essay.txt",
        options,
      );
      await expect(import_).rejects.toBeInstanceOf(DocumentError);
      await expect(import_).rejects.toMatchObject({ code: "near-miss-marker", line: 3 });
      expect(await publicRows()).not.toContain(secret);
      const database = await db();
      expect(await database.document.count()).toBe(0);
    },
  );
});
