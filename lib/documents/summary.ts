import type { SegmentAccess, SegmentHeading } from "./types";
import { joinWrapped } from "./text-utils";

export interface PreviewSource {
  text: string;
  /** Present on real segments; anything marked paid is skipped, so paid text can never reach a preview. */
  access?: SegmentAccess;
  /** Present on real segments; heading lines are left out of the preview. */
  headings?: readonly Pick<SegmentHeading, "text">[];
}

const ELLIPSIS = "…";
const CJK_SENTENCE_END = /[。！？；]/u;
const LATIN_SENTENCE_END = /[.!?;]/u;
const CJK_CLAUSE_END = /[，、：]/u;
const LATIN_CLAUSE_END = /[,:]/u;
const TRAILING_SOFT_PUNCTUATION = /[。．.；;，,、：:\s]+$/u;
/** A boundary is only worth using if it keeps at least this share of the allowed length. */
const MIN_KEPT_SHARE = 0.4;

/**
 * A teaser built from FREE text only: the caller passes the free segments, nothing else is visible here.
 * Paragraphs are joined, whitespace collapsed, and the result is cut to at most maxChars code points
 * (the "…" included) at the last sentence end, else clause end, else space, else anywhere.
 */
export function buildPreviewSummary(
  freeSegments: readonly PreviewSource[],
  maxChars = 140,
): string {
  const text = previewText(freeSegments, maxChars);
  const characters = Array.from(text);
  if (characters.length <= maxChars) return text;
  const limit = Math.max(0, maxChars - ELLIPSIS.length);
  const kept = characters.slice(0, cutPosition(characters, limit)).join("");
  return kept.replace(TRAILING_SOFT_PUNCTUATION, "") + ELLIPSIS;
}

/** The free text as one line, read only as far as a summary of `maxChars` can need. */
function previewText(segments: readonly PreviewSource[], maxChars: number): string {
  let text = "";
  for (const segment of segments) {
    if (segment.access === "paid") continue;
    const headingTexts = new Set((segment.headings ?? []).map((heading) => heading.text));
    for (const line of segment.text.split("\n")) {
      const paragraph = line.replace(/\s+/g, " ").trim();
      if (paragraph !== "" && !headingTexts.has(paragraph)) text = joinWrapped(text, paragraph);
      // Past twice the limit (in UTF-16 units, at least as many as code points) the cut is decided.
      if (text.length > maxChars * 2) return text;
    }
  }
  return text;
}

/** How many characters to keep (at most `limit`): after a sentence end, else a clause end, else before a space. */
function cutPosition(characters: readonly string[], limit: number): number {
  const minimum = Math.ceil(limit * MIN_KEPT_SHARE);
  const isSentenceEnd = (index: number) =>
    isBoundary(characters, index, CJK_SENTENCE_END, LATIN_SENTENCE_END);
  const isClauseEnd = (index: number) =>
    isBoundary(characters, index, CJK_CLAUSE_END, LATIN_CLAUSE_END);
  for (const isCut of [isSentenceEnd, isClauseEnd]) {
    const index = lastIndexBefore(limit, isCut);
    if (index + 1 >= minimum) return index + 1;
  }
  const space = lastIndexBefore(limit + 1, (index) => characters[index] === " ");
  return space >= minimum ? space : limit;
}

/** CJK punctuation ends a sentence by itself; ASCII punctuation only before a space ("3.14", "e.g." stay whole). */
function isBoundary(
  characters: readonly string[],
  index: number,
  cjk: RegExp,
  latin: RegExp,
): boolean {
  const character = characters[index] ?? "";
  if (cjk.test(character)) return true;
  return latin.test(character) && (characters[index + 1] ?? " ") === " ";
}

function lastIndexBefore(end: number, predicate: (index: number) => boolean): number {
  for (let index = end - 1; index >= 0; index--) if (predicate(index)) return index;
  return -1;
}
