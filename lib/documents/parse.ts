import { addCounts, countText, readingMinutes, ZERO_COUNTS } from "./counts";
import { normaliseLineEndings } from "./decode";
import { DocumentError, documentWarning, type DocumentWarning } from "./errors";
import { splitFrontMatter, type FrontMatter } from "./front-matter";
import { findFirstMarker, findMarkers, splitIntoRegions, type RawRegion } from "./markers";
import {
  markdownInlineToText,
  openFenceAtEnd,
  renderMarkdownRegions,
  withReopenedFence,
} from "./markdown";
import { assertNoNearMissMarkers } from "./near-miss";
import { deriveSlug } from "./slug";
import { detectRegionsLayout, renderTxt } from "./txt";
import type {
  DocumentFormat,
  DocumentLanguage,
  DocumentMeta,
  DocumentStats,
  ParseDocumentInput,
  ParsedDocument,
  Segment,
  SegmentAccess,
  SegmentHeading,
  TextCounts,
} from "./types";
import { removeZeroWidth } from "./text-utils";

export { countText, readingMinutes } from "./counts";
export { buildPreviewSummary } from "./summary";
export { slugFromFileName } from "./slug";

const LONG_TITLE_CHARACTERS = 100;

/**
 * Parses a decoded document into free/paid segments.
 *
 * Paid regions: `##paidbegin##` opens one and `##paidend##` closes it. A region that is never closed runs to the end
 * of the document WITHOUT a warning, because that is how our sources are normally written (the seed document ends
 * with a lone ##paidend## but many omit it). Markers are found on the raw source, before any Markdown parsing, so a
 * marker inside a code block, link or HTML comment still takes effect and never leaks as text; text that nearly
 * is a marker (near-miss.ts) stops the import. Each region is then rendered as a document of its own, and
 * everything public (free segments, title, summary, language) is derived from free source only.
 */
export function parseDocument(input: ParseDocumentInput): ParsedDocument {
  // Callers may hand over text that did not go through decodeDocumentBytes: drop a BOM, unify line ends.
  const source = normaliseLineEndings(input.text.replace(/^\uFEFF/, ""));
  if (source.trim() === "") throw new DocumentError("empty", "the document is empty");
  const sourceMarkers = findMarkers(source, 1);
  assertNoNearMissMarkers(source, sourceMarkers);
  const { frontMatter, body, bodyFirstLine } = splitFrontMatter(source);
  assertNoMarkerInFrontMatter(sourceMarkers, bodyFirstLine);
  const titled = resolveTitle(body, bodyFirstLine, input.format, frontMatter.title);

  const markers = findMarkers(titled.body, bodyFirstLine);
  const regions = splitIntoRegions(titled.body, markers);
  const rendered = renderRegions(regions, input.format);
  const segments = mergeSameAccess(rendered.filter((region) => !region.isEmpty).map(toSegment));

  const warnings: DocumentWarning[] = [
    ...titleWarnings(titled),
    ...markerWarnings(markers.length, rendered),
    ...(input.format === "md" ? fenceWarnings(regions) : []),
  ];
  if (segments.length === 0)
    warnings.push(documentWarning("empty-body", "the document has a title but no text"));

  const stats = computeStats(segments);
  return {
    meta: buildMeta(frontMatter, titled.title, stats.free, input.fileName),
    segments,
    stats,
    warnings,
  };
}

// ── Title ────────────────────────────────────────────────────────────────────

interface TitledBody {
  title: string;
  /** The body with the title line blanked (line numbers are kept). */
  body: string;
  /** Source line the title came from; null when it came from front matter. */
  titleLine: number | null;
}

/**
 * Front matter `title` wins. Otherwise the first non-empty line is the title and is removed from the body; if that
 * line holds a marker, only the text before the marker is the title and the marker stays in the body.
 */
function resolveTitle(
  body: string,
  bodyFirstLine: number,
  format: DocumentFormat,
  frontMatterTitle: string | undefined,
): TitledBody {
  if (frontMatterTitle !== undefined) return { title: frontMatterTitle, body, titleLine: null };
  const line = firstNonBlankLine(body);
  if (line === null)
    throw new DocumentError(
      "missing-title",
      "the document has no title: no front matter title and no text",
    );
  const lineNumber = bodyFirstLine + line.index;
  const lineText = body.slice(line.start, line.end);
  const marker = findFirstMarker(lineText);
  const title = titleText(marker === null ? lineText : lineText.slice(0, marker.start), format);
  if (title === "") {
    const problem =
      marker === null
        ? "the first line has no title text"
        : "the first line starts with a paid marker; put the title before it";
    throw new DocumentError("missing-title", problem, lineNumber);
  }
  const rest = marker === null ? "" : lineText.slice(marker.start);
  let after = body.slice(line.end);
  if (format === "md" && marker === null && !isAtxHeading(lineText))
    after = blankSetextUnderline(after);
  return { title, body: body.slice(0, line.start) + rest + after, titleLine: lineNumber };
}

function firstNonBlankLine(text: string): { start: number; end: number; index: number } | null {
  let start = 0;
  for (let index = 0; start <= text.length; index++) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    if (removeZeroWidth(text.slice(start, end)).trim() !== "") return { start, end, index };
    if (newline === -1) return null;
    start = newline + 1;
  }
  return null;
}

const ATX_HEADING = /^ {0,3}#{1,6}(?=\s|$)/;

function isAtxHeading(line: string): boolean {
  return ATX_HEADING.test(line);
}

function titleText(line: string, format: DocumentFormat): string {
  const plain = removeZeroWidth(line).replace(/\s+/g, " ").trim();
  if (format === "txt") return plain;
  const withoutHashes = plain
    .replace(ATX_HEADING, "")
    .replace(/\s+#+\s*$/, "")
    .replace(/^#+$/, "");
  return markdownInlineToText(withoutHashes);
}

/** "Title\n=====" in Markdown: the underline belongs to the title, so it goes too. */
function blankSetextUnderline(after: string): string {
  return after.replace(/^\n {0,3}(?:=+|-+)[ \t]*(?=\n|$)/, "\n");
}

function titleWarnings(titled: TitledBody): DocumentWarning[] {
  if (titled.titleLine === null || [...titled.title].length <= LONG_TITLE_CHARACTERS) return [];
  return [
    documentWarning(
      "long-title",
      "the first line is very long for a title; add a short title line or a front matter title",
      titled.titleLine,
    ),
  ];
}

// ── Regions → segments ───────────────────────────────────────────────────────

interface RenderedRegion {
  access: SegmentAccess;
  openedAtLine: number | null;
  html: string;
  text: string;
  headings: SegmentHeading[];
  isEmpty: boolean;
}

function renderRegions(regions: readonly RawRegion[], format: DocumentFormat): RenderedRegion[] {
  const rendered = format === "md" ? renderMarkdownRegions(regions) : renderTxtRegions(regions);
  return regions.map((region, index) => {
    const output = rendered[index] ?? { html: "", text: "", headings: [] };
    return {
      access: region.access,
      openedAtLine: region.openedAtLine,
      ...output,
      isEmpty: output.html.trim() === "" && output.text.trim() === "",
    };
  });
}

function renderTxtRegions(regions: readonly RawRegion[]) {
  const layout = detectRegionsLayout(regions);
  return regions.map((region) => renderTxt(region.source, layout));
}

/** Front matter is public metadata: a marker there would hide nothing and is almost surely misplaced. */
function assertNoMarkerInFrontMatter(
  markers: readonly { line: number }[],
  bodyFirstLine: number,
): void {
  const misplaced = markers.find((marker) => marker.line < bodyFirstLine);
  if (misplaced === undefined) return;
  throw new DocumentError(
    "marker-in-front-matter",
    "a paid marker inside the front matter; markers belong in the text after the closing ---",
    misplaced.line,
  );
}

function toSegment(region: RenderedRegion): Segment {
  return {
    access: region.access,
    html: region.html,
    text: region.text,
    counts: countText(region.text),
    headings: region.headings,
  };
}

/** Dropping an empty region can leave two free (or two paid) neighbours; they become one segment. */
function mergeSameAccess(segments: readonly Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    const previous = merged[merged.length - 1];
    if (previous?.access !== segment.access) {
      merged.push({ ...segment, headings: [...segment.headings] });
      continue;
    }
    previous.html = joinNonEmpty(previous.html, segment.html);
    previous.text = joinNonEmpty(previous.text, segment.text);
    previous.counts = addCounts(previous.counts, segment.counts);
    previous.headings.push(...segment.headings);
  }
  return merged;
}

function joinNonEmpty(first: string, second: string): string {
  return first === "" ? second : second === "" ? first : `${first}\n${second}`;
}

function markerWarnings(
  markerCount: number,
  regions: readonly RenderedRegion[],
): DocumentWarning[] {
  if (markerCount === 0) {
    return [
      documentWarning(
        "no-paid-marker",
        "no ##paidbegin## marker found; the whole document is free",
      ),
    ];
  }
  return regions
    .filter((region) => region.access === "paid" && region.isEmpty)
    .map((region) =>
      documentWarning(
        "empty-paid-region",
        "this paid region is empty, so nothing is behind the paywall here",
        region.openedAtLine ?? undefined,
      ),
    );
}

/** Free text is never rendered as the rest of a paid code block, so the author should close it before the marker. */
function fenceWarnings(regions: readonly RawRegion[]): DocumentWarning[] {
  return regions.flatMap((region, index) => {
    const next = regions[index + 1];
    if (region.access !== "paid" || next === undefined) return [];
    const previous = regions[index - 1]?.source ?? "";
    if (openFenceAtEnd(withReopenedFence(region.source, previous)) === null) return [];
    return [
      documentWarning(
        "fence-cut-by-paidend",
        "a code block opened in the paid region is still open at ##paidend##; close it before the marker (the free text after it is shown on its own)",
        next.openedAtLine ?? undefined,
      ),
    ];
  });
}

// ── Stats and meta ───────────────────────────────────────────────────────────

function computeStats(segments: readonly Segment[]): DocumentStats {
  const sum = (access: SegmentAccess): TextCounts =>
    segments
      .filter((segment) => segment.access === access)
      .reduce((total, segment) => addCounts(total, segment.counts), ZERO_COUNTS);
  const free = sum("free");
  const paid = sum("paid");
  const total = addCounts(free, paid);
  return {
    free,
    paid,
    total,
    readingMinutes: readingMinutes(total),
    paidShare: total.words === 0 ? 0 : paid.words / total.words,
    paidRegions: segments.filter((segment) => segment.access === "paid").length,
  };
}

/** `publicCounts` are the free text's: the language shown to everyone must not be decided by paid text. */
function buildMeta(
  frontMatter: FrontMatter,
  title: string,
  publicCounts: TextCounts,
  fileName: string | undefined,
): DocumentMeta {
  return {
    title,
    slug: frontMatter.slug ?? deriveSlug(title, fileName),
    summary: frontMatter.summary ?? null,
    author: frontMatter.author ?? null,
    tags: frontMatter.tags ?? [],
    language: frontMatter.language ?? detectLanguage(addCounts(publicCounts, countText(title))),
    publishedAt: frontMatter.publishedAt ?? null,
  };
}

/** Chinese when Han characters are at least as many as Latin words (so a mostly-Chinese text with English terms stays zh-CN). */
export function detectLanguage(counts: TextCounts): DocumentLanguage {
  return counts.hanCharacters >= counts.latinWords ? "zh-CN" : "en";
}
