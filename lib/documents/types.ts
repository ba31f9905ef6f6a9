import type { DocumentWarning } from "./errors";

export type DocumentFormat = "txt" | "md";
export type DocumentLanguage = "zh-CN" | "en";
export type SegmentAccess = "free" | "paid";

export interface TextCounts {
  hanCharacters: number;
  latinWords: number;
  /** hanCharacters + latinWords: the 字数 a Chinese reader expects. */
  words: number;
}

export interface SegmentHeading {
  level: number;
  text: string;
}

export interface Segment {
  access: SegmentAccess;
  /** Rendered, sanitised HTML of this segment only. */
  html: string;
  /** Plain text, one paragraph (or heading / list item) per line. */
  text: string;
  counts: TextCounts;
  headings: SegmentHeading[];
}

export interface DocumentMeta {
  title: string;
  slug: string;
  summary: string | null;
  author: string | null;
  tags: string[];
  language: DocumentLanguage;
  publishedAt: Date | null;
}

export interface DocumentStats {
  free: TextCounts;
  paid: TextCounts;
  total: TextCounts;
  readingMinutes: number;
  /** paid.words / total.words in 0..1; 0 for an empty document. */
  paidShare: number;
  /** Number of paid segments after empty regions were dropped and neighbours merged. */
  paidRegions: number;
}

export interface ParsedDocument {
  meta: DocumentMeta;
  segments: Segment[];
  stats: DocumentStats;
  warnings: DocumentWarning[];
}

export interface ParseDocumentInput {
  text: string;
  format: DocumentFormat;
  fileName?: string;
}
