import "server-only";
import crypto from "node:crypto";
import { db } from "@/lib/db/client";
import { parseDocumentFile, type DocumentEncoding, type DocumentWarning } from "@/lib/documents";
import { toStoredDocument } from "@/lib/import/stored-document";

export interface ImportReport {
  status: "created" | "updated" | "unchanged";
  slug: string;
  title: string;
  encoding: DocumentEncoding;
  version: number;
  freeWords: number;
  paidWords: number;
  paidRegions: number;
  warnings: DocumentWarning[];
}

export interface ImportOptions {
  maxBytes: number;
  /** Publication date for documents whose front matter names none (defaults to now). */
  now?: Date;
}

// Large documents write many rows; the defaults (2 s wait, 5 s run) are tuned for web requests.
const transactionLimits = { maxWait: 10_000, timeout: 60_000 };

/**
 * Imports one document file: parse, split free from paid, and write it in one transaction, so a
 * file that fails changes nothing. Idempotent by slug: importing the same bytes again changes
 * nothing; importing changed bytes updates the document in place (same slug, so the same URL)
 * and bumps its version. Throws DocumentError for bad input.
 */
export async function importDocument(
  bytes: Uint8Array,
  fileName: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const parsed = parseDocumentFile(bytes, fileName, { maxBytes: options.maxBytes });
  const stored = toStoredDocument(parsed);
  const sourceHash = crypto.createHash("sha256").update(bytes).digest("hex");
  const reportBase = {
    slug: stored.slug,
    title: stored.title,
    encoding: parsed.encoding,
    freeWords: stored.freeWords,
    paidWords: stored.paidWords,
    paidRegions: stored.paidRegions,
    warnings: parsed.warnings,
  };

  const database = await db();
  return database.$transaction(async (transaction) => {
    const existing = await transaction.document.findUnique({
      where: { slug: stored.slug },
      select: { id: true, version: true, sourceHash: true, publishedAt: true },
    });
    if (existing && existing.sourceHash === sourceHash) {
      return { ...reportBase, status: "unchanged", version: existing.version };
    }

    const columns = {
      title: stored.title,
      summary: stored.summary,
      author: stored.author,
      tags: JSON.stringify(stored.tags),
      language: stored.language,
      sourceFormat: fileName.toLowerCase().endsWith(".txt") ? "txt" : "md",
      sourceEncoding: parsed.encoding,
      sourceHash,
      freeWords: stored.freeWords,
      paidWords: stored.paidWords,
      readingMinutes: stored.readingMinutes,
      paidRegions: stored.paidRegions,
    };
    const document = existing
      ? await transaction.document.update({
          where: { id: existing.id },
          data: {
            ...columns,
            publishedAt: stored.publishedAt ?? existing.publishedAt,
            version: { increment: 1 },
          },
          select: { id: true, version: true },
        })
      : await transaction.document.create({
          data: {
            ...columns,
            id: crypto.randomUUID(),
            slug: stored.slug,
            publishedAt: stored.publishedAt ?? options.now ?? new Date(),
          },
          select: { id: true, version: true },
        });

    await transaction.publicSegment.deleteMany({ where: { documentId: document.id } });
    await transaction.paidSegment.deleteMany({ where: { documentId: document.id } });
    await transaction.publicSegment.createMany({
      data: stored.publicSegments.map((segment) => ({ ...segment, documentId: document.id })),
    });
    if (stored.paidSegments.length > 0) {
      await transaction.paidSegment.createMany({
        data: stored.paidSegments.map((segment) => ({ ...segment, documentId: document.id })),
      });
    }
    return { ...reportBase, status: existing ? "updated" : "created", version: document.version };
  }, transactionLimits);
}
