import { DocumentError } from "./errors";
import type { SegmentAccess } from "./types";
import { countNewlines, ZERO_WIDTH_CHARACTERS } from "./text-utils";

export type MarkerKind = "begin" | "end";

export interface MarkerMatch {
  kind: MarkerKind;
  /** Offsets in the scanned text: [start, end). */
  start: number;
  end: number;
  line: number;
}

/** A stretch of raw source between markers, before any rendering. */
export interface RawRegion {
  access: SegmentAccess;
  source: string;
  /** Line of the marker that opened this region, or null for the leading free region. */
  openedAtLine: number | null;
}

/*
 * The marker pattern: 2–4 hashes (ASCII or full-width ＃), optional blanks, "paid" + optional "-"/"_" + "begin"/"end"
 * in either case and in ASCII or full-width letters, optional blanks, 2–4 hashes. Zero-width characters may sit
 * anywhere. Every quantifier is bounded and each step consumes a character class disjoint from the next one,
 * so the regex cannot backtrack catastrophically (linear in the input).
 */
const ZERO_WIDTH_RUN = `[${ZERO_WIDTH_CHARACTERS}]{0,8}`;
const HASH = "[#\\uFF03]";
const HASHES = `${HASH}(?:${ZERO_WIDTH_RUN}${HASH}){1,3}`;
const GAP = `[\\t \\u00A0\\u3000${ZERO_WIDTH_CHARACTERS}]{0,16}`;

function anyCaseAnyWidth(letter: string): string {
  const lower = letter.toLowerCase();
  const upper = letter.toUpperCase();
  const fullWidthLower = String.fromCharCode(lower.charCodeAt(0) - 0x61 + 0xff41);
  const fullWidthUpper = String.fromCharCode(upper.charCodeAt(0) - 0x41 + 0xff21);
  return `[${lower}${upper}${fullWidthLower}${fullWidthUpper}]`;
}

function spelled(word: string): string {
  return [...word].map(anyCaseAnyWidth).join(ZERO_WIDTH_RUN);
}

/**
 * Closing hashes: two, plus up to two more unless those extra hashes open the next marker
 * ("##paidbegin####paidend##" is two markers, not one marker followed by "paidend##").
 */
const CLOSING_HASHES =
  `${HASH}${ZERO_WIDTH_RUN}${HASH}` +
  `(?:(?:${ZERO_WIDTH_RUN}${HASH}){1,2}(?![#\uFF03${ZERO_WIDTH_CHARACTERS}]{0,8}${GAP}${anyCaseAnyWidth("p")}))?`;

const MARKER_SOURCE =
  `${HASHES}${GAP}${spelled("paid")}${GAP}(?:[-_]${GAP})?` +
  `(?:(${spelled("begin")})|${spelled("end")})${GAP}${CLOSING_HASHES}`;

export function markerPattern(flags = "g"): RegExp {
  return new RegExp(MARKER_SOURCE, flags);
}

/** Finds every marker; `firstLine` is the source line number of text[0]. */
export function findMarkers(text: string, firstLine: number): MarkerMatch[] {
  const markers: MarkerMatch[] = [];
  const pattern = markerPattern("g");
  let line = firstLine;
  let counted = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    line += countNewlines(text, counted, match.index);
    counted = match.index;
    markers.push({
      kind: match[1] === undefined ? "end" : "begin",
      start: match.index,
      end: match.index + match[0].length,
      line,
    });
  }
  return markers;
}

export function findFirstMarker(text: string): { start: number; end: number } | null {
  const match = markerPattern("").exec(text);
  return match === null ? null : { start: match.index, end: match.index + match[0].length };
}

/**
 * Cuts the body at its markers. Text before a marker on the same line stays in the previous region, text after it
 * starts the next one. A region left open runs to the end of the document (the normal style of our sources).
 */
export function splitIntoRegions(body: string, markers: readonly MarkerMatch[]): RawRegion[] {
  const regions: RawRegion[] = [];
  let access: SegmentAccess = "free";
  let openedAtLine: number | null = null;
  let cursor = 0;
  for (const marker of markers) {
    assertMarkerAllowed(marker, access);
    regions.push({ access, source: body.slice(cursor, marker.start), openedAtLine });
    access = marker.kind === "begin" ? "paid" : "free";
    openedAtLine = marker.line;
    cursor = marker.end;
  }
  regions.push({ access, source: body.slice(cursor), openedAtLine });
  return regions;
}

function assertMarkerAllowed(marker: MarkerMatch, access: SegmentAccess): void {
  if (marker.kind === "end" && access === "free") {
    throw new DocumentError(
      "unbalanced-paidend",
      "##paidend## without an open ##paidbegin##",
      marker.line,
    );
  }
  if (marker.kind === "begin" && access === "paid") {
    throw new DocumentError(
      "nested-paidbegin",
      "##paidbegin## inside a paid region that is still open (close it with ##paidend## first)",
      marker.line,
    );
  }
}
