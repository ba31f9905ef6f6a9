import type { SegmentHeading } from "./types";
import { escapeHtml, joinWrapped, trimLine } from "./text-utils";

/*
 * Plain-text structure.
 *
 * Paragraphs. Chinese sources put one paragraph per line; English sources are often hard-wrapped at ~70 columns
 * with blank lines between paragraphs. Rule: a document is HARD-WRAPPED when
 *   (a) a blank line separates paragraphs somewhere (without blank lines wrapped paragraphs could not be told apart), and
 *   (b) at least half of its "inner" lines (a non-empty line directly followed by another non-empty line, headings and
 *       list items not counted) look wrapped: 20–100 characters long (a wrap column, not a short verse or list line)
 *       and not ending in sentence punctuation (. ! ? 。！？… : ; plus closing quotes).
 * In a hard-wrapped document the lines of each blank-line-separated block are joined into one paragraph (a space
 * between Latin words, nothing between CJK characters); otherwise every non-empty line is its own paragraph.
 * The decision is made once for the whole document so that free and paid parts are laid out alike, and from the
 * free regions alone whenever it can change how they look (detectRegionsLayout): paid lines never shape free output.
 *
 * Headings: a line of at most 40 characters, not ending in 。！？ (or . ! ?), that starts like
 *   一、…  第一章… / 第十二章 … / 第一部分 / 第一篇  → h2
 *   第一节…  （一）… / (一)…                      → h3
 * so "一要坚持…" and "一是…" paragraphs are never headings.
 *
 * Lists: runs of lines starting with "- ", "* ", "• " become <ul>; "1. ", "1、", "（1）", "(1)" become <ol>
 * (keeping the first number through start=""). Blank lines between items do not end a list. In a hard-wrapped
 * document a block is a list only if its first line is an item; its other lines continue the current item.
 */

export type TxtBlock =
  | { kind: "heading"; level: 2 | 3; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; ordered: boolean; start: number; items: string[] };

export interface TxtLayout {
  hardWrapped: boolean;
}

export interface RenderedText {
  html: string;
  text: string;
  headings: SegmentHeading[];
}

const MAX_HEADING_LENGTH = 40;
const MIN_WRAPPED_LINE_LENGTH = 20;
const MAX_WRAPPED_LINE_LENGTH = 100;
const CHINESE_NUMERAL = "[一二三四五六七八九十百千零〇两]";
const H2_PATTERNS = [
  new RegExp(`^${CHINESE_NUMERAL}{1,4}、\\s*\\S`),
  new RegExp(`^第(?:${CHINESE_NUMERAL}{1,5}|\\d{1,3})(?:章|部分|篇|编|卷)`),
];
const H3_PATTERNS = [
  new RegExp(`^第(?:${CHINESE_NUMERAL}{1,5}|\\d{1,3})节`),
  new RegExp(`^[（(]${CHINESE_NUMERAL}{1,4}[）)]\\s*\\S`),
];
const HEADING_FINAL_PUNCTUATION = /[。！？.!?]["'”’」』）)]*$/;
const SENTENCE_FINAL_PUNCTUATION = /[.!?。！？…:：;；]["'”’」』）)\]]*$/;
const BULLET_ITEM = /^[-*•]\s+(\S.*)$/;
const NUMBERED_ITEM = /^(\d{1,3})(?:\.\s+|、\s*)(\S.*)$/;
const PARENTHESISED_ITEM = /^[（(](\d{1,3})[）)]\s*(\S.*)$/;

/** Code points, with a cheap exit for long lines (each code point is at most two UTF-16 units). */
function isLongerThan(line: string, limit: number): boolean {
  if (line.length <= limit) return false;
  if (line.length > limit * 2) return true;
  return [...line].length > limit;
}

export function headingLevel(line: string): 2 | 3 | null {
  if (isLongerThan(line, MAX_HEADING_LENGTH) || HEADING_FINAL_PUNCTUATION.test(line)) return null;
  if (H2_PATTERNS.some((pattern) => pattern.test(line))) return 2;
  if (H3_PATTERNS.some((pattern) => pattern.test(line))) return 3;
  return null;
}

interface ListItem {
  ordered: boolean;
  number: number;
  text: string;
}

export function listItem(line: string): ListItem | null {
  const bullet = BULLET_ITEM.exec(line);
  if (bullet?.[1] !== undefined) return { ordered: false, number: 0, text: bullet[1] };
  const numbered = NUMBERED_ITEM.exec(line) ?? PARENTHESISED_ITEM.exec(line);
  if (numbered?.[1] !== undefined && numbered[2] !== undefined) {
    return { ordered: true, number: Number(numbered[1]), text: numbered[2] };
  }
  return null;
}

function isStructuralLine(line: string): boolean {
  return headingLevel(line) !== null || listItem(line) !== null;
}

function looksWrapped(line: string): boolean {
  return (
    isLongerThan(line, MIN_WRAPPED_LINE_LENGTH - 1) &&
    !isLongerThan(line, MAX_WRAPPED_LINE_LENGTH) &&
    !SENTENCE_FINAL_PUNCTUATION.test(line)
  );
}

interface LayoutEvidence {
  /** Non-empty lines directly after another non-empty line: only these render differently per layout. */
  adjacentLines: number;
  innerLines: number;
  wrappedLines: number;
  separatedByBlankLine: boolean;
}

/** Takes the sources of all regions, because a region boundary is also a block boundary. */
export function detectTxtLayout(sources: readonly string[]): TxtLayout {
  return decideLayout(layoutEvidence(sources));
}

/**
 * The layout for a document cut into regions, decided without letting paid lines change how free lines are
 * laid out: from the free regions when any of their lines follows another directly, else from all regions (then
 * every free block is a single line, which renders the same in either layout). The end of a free region at a
 * marker counts as a block boundary, as a blank line would (that a paid region follows is public anyway).
 */
export function detectRegionsLayout(
  regions: readonly { access: "free" | "paid"; source: string }[],
): TxtLayout {
  const free = layoutEvidence(
    regions.filter((region) => region.access === "free").map((region) => region.source),
  );
  if (free.adjacentLines === 0) return detectTxtLayout(regions.map((region) => region.source));
  return decideLayout({
    ...free,
    separatedByBlankLine: free.separatedByBlankLine || regions.length > 1,
  });
}

function decideLayout({
  innerLines,
  wrappedLines,
  separatedByBlankLine,
}: LayoutEvidence): TxtLayout {
  return { hardWrapped: separatedByBlankLine && innerLines > 0 && wrappedLines * 2 >= innerLines };
}

function layoutEvidence(sources: readonly string[]): LayoutEvidence {
  let adjacentLines = 0;
  let innerLines = 0;
  let wrappedLines = 0;
  let separatedByBlankLine = false;
  for (const source of sources) {
    let previous: string | null = null;
    let blankSincePrevious = false;
    for (const line of source.split("\n").map(trimLine)) {
      if (line === "") {
        blankSincePrevious = previous !== null;
        continue;
      }
      if (previous !== null && blankSincePrevious) separatedByBlankLine = true;
      if (previous !== null && !blankSincePrevious) adjacentLines++;
      if (previous !== null && !blankSincePrevious && !isStructuralLine(previous)) {
        innerLines++;
        if (looksWrapped(previous)) wrappedLines++;
      }
      previous = line;
      blankSincePrevious = false;
    }
  }
  return { adjacentLines, innerLines, wrappedLines, separatedByBlankLine };
}

export function parseTxtBlocks(source: string, layout: TxtLayout): TxtBlock[] {
  const lines = source.split("\n").map(trimLine);
  return layout.hardWrapped ? wrappedBlocks(lines) : lineBlocks(lines);
}

function lineBlocks(lines: readonly string[]): TxtBlock[] {
  const blocks: TxtBlock[] = [];
  for (const line of lines) {
    if (line === "") continue;
    const level = headingLevel(line);
    const item = level === null ? listItem(line) : null;
    if (level !== null) blocks.push({ kind: "heading", level, text: line });
    else if (item !== null) appendListItem(blocks, item);
    else blocks.push({ kind: "paragraph", text: line });
  }
  return blocks;
}

function wrappedBlocks(lines: readonly string[]): TxtBlock[] {
  const blocks: TxtBlock[] = [];
  for (const group of blankSeparatedGroups(lines)) {
    let paragraph = "";
    let inList = listItem(group[0] ?? "") !== null;
    const flushParagraph = () => {
      if (paragraph !== "") blocks.push({ kind: "paragraph", text: paragraph });
      paragraph = "";
    };
    for (const line of group) {
      const level = headingLevel(line);
      const item = inList ? listItem(line) : null;
      if (level !== null) {
        flushParagraph();
        blocks.push({ kind: "heading", level, text: line });
        inList = false;
      } else if (item !== null) {
        appendListItem(blocks, item);
      } else if (inList) {
        continueLastListItem(blocks, line);
      } else {
        paragraph = joinWrapped(paragraph, line);
      }
    }
    flushParagraph();
  }
  return blocks;
}

function blankSeparatedGroups(lines: readonly string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line !== "") {
      current.push(line);
      continue;
    }
    if (current.length > 0) groups.push(current);
    current = [];
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function appendListItem(blocks: TxtBlock[], item: ListItem): void {
  const last = blocks[blocks.length - 1];
  if (last?.kind === "list" && last.ordered === item.ordered) {
    last.items.push(item.text);
    return;
  }
  blocks.push({
    kind: "list",
    ordered: item.ordered,
    start: item.ordered ? item.number : 1,
    items: [item.text],
  });
}

function continueLastListItem(blocks: TxtBlock[], line: string): void {
  const last = blocks[blocks.length - 1];
  if (last?.kind !== "list") return;
  const lastIndex = last.items.length - 1;
  last.items[lastIndex] = joinWrapped(last.items[lastIndex] ?? "", line);
}

export function renderTxtBlocks(blocks: readonly TxtBlock[]): RenderedText {
  return {
    html: blocks.map(blockHtml).join("\n"),
    text: blocks.flatMap(blockTextLines).join("\n"),
    headings: blocks.flatMap((block) =>
      block.kind === "heading" ? [{ level: block.level, text: block.text }] : [],
    ),
  };
}

function blockHtml(block: TxtBlock): string {
  switch (block.kind) {
    case "heading":
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "list": {
      const items = block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("");
      if (!block.ordered) return `<ul>${items}</ul>`;
      return block.start === 1 ? `<ol>${items}</ol>` : `<ol start="${block.start}">${items}</ol>`;
    }
  }
}

function blockTextLines(block: TxtBlock): string[] {
  return block.kind === "list" ? block.items : [block.text];
}

export function renderTxt(source: string, layout: TxtLayout): RenderedText {
  return renderTxtBlocks(parseTxtBlocks(source, layout));
}
