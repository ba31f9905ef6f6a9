import type { ParsedDocument } from "@/lib/documents";
import { buildPreviewSummary } from "@/lib/documents";

/**
 * How a parsed document is split for storage: the public rows carry free text and, for each paid
 * region, a placeholder with only its size; the paid rows carry paid text. Pure, so the split (and
 * that public rows never hold paid text) is unit-tested without a database.
 */

export interface StoredPublicSegment {
  position: number;
  kind: "free" | "locked";
  html: string;
  text: string;
  words: number;
}

export interface StoredPaidSegment {
  position: number;
  html: string;
  words: number;
}

export interface StoredDocument {
  slug: string;
  title: string;
  summary: string;
  author: string | null;
  tags: string[];
  language: string;
  publishedAt: Date | null;
  freeWords: number;
  paidWords: number;
  readingMinutes: number;
  paidRegions: number;
  publicSegments: StoredPublicSegment[];
  paidSegments: StoredPaidSegment[];
}

export function toStoredDocument(parsed: ParsedDocument): StoredDocument {
  const publicSegments: StoredPublicSegment[] = [];
  const paidSegments: StoredPaidSegment[] = [];
  parsed.segments.forEach((segment, position) => {
    if (segment.access === "free") {
      publicSegments.push({
        position,
        kind: "free",
        html: segment.html,
        text: segment.text,
        words: segment.counts.words,
      });
    } else {
      publicSegments.push({
        position,
        kind: "locked",
        html: "",
        text: "",
        words: segment.counts.words,
      });
      paidSegments.push({ position, html: segment.html, words: segment.counts.words });
    }
  });
  const freeSegments = parsed.segments.filter((segment) => segment.access === "free");
  return {
    slug: parsed.meta.slug,
    title: parsed.meta.title,
    summary: parsed.meta.summary ?? buildPreviewSummary(freeSegments),
    author: parsed.meta.author,
    tags: parsed.meta.tags,
    language: parsed.meta.language,
    publishedAt: parsed.meta.publishedAt,
    freeWords: parsed.stats.free.words,
    paidWords: parsed.stats.paid.words,
    readingMinutes: parsed.stats.readingMinutes,
    paidRegions: paidSegments.length,
    publicSegments,
    paidSegments,
  };
}
