import MarkdownIt from "markdown-it";
import type { Env, Token } from "markdown-it";
import sanitizeHtml from "sanitize-html";
import type { SegmentAccess, SegmentHeading } from "./types";
import { joinWrapped, lastCharacter, firstCharacter, wrapSeparator } from "./text-utils";

export interface RenderedMarkdown {
  html: string;
  text: string;
  headings: SegmentHeading[];
}

/** The page's <h1> is the title, so the document's own top heading level becomes h2. */
const TOP_HEADING_LEVEL = 2;
const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;
const SAFE_IMAGE_SOURCE = /^https?:\/\//i;

const markdown = createMarkdown();

function createMarkdown() {
  // html: false shows raw HTML as text; sanitising afterwards is a second, independent fence.
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.renderer.rules.softbreak = (tokens, index) =>
    softbreakHtml(tokens[index - 1], tokens[index + 1]);
  return md;
}

/** A wrapped line between two CJK characters must not turn into a visible space. */
function softbreakHtml(previous: Token | undefined, next: Token | undefined): string {
  if (previous?.type !== "text" || next?.type !== "text") return "\n";
  return wrapSeparator(lastCharacter(previous.content), firstCharacter(next.content)) === ""
    ? ""
    : "\n";
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "s",
    "a",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
  ],
  allowedAttributes: {
    a: ["href", "rel"],
    img: ["src", "alt"],
    ol: ["start"],
    th: ["style"],
    td: ["style"],
    code: ["class"],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedStyles: {
    th: { "text-align": [/^(?:left|right|center)$/] },
    td: { "text-align": [/^(?:left|right|center)$/] },
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowedSchemesAppliedToAttributes: ["href", "src"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // Relative and other-scheme links lose their href (the text stays); every link gets rel.
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...(SAFE_LINK.test(attribs.href?.trim() ?? "") ? { href: attribs.href?.trim() ?? "" } : {}),
        rel: "nofollow noopener",
      },
    }),
  },
  exclusiveFilter: (frame) =>
    frame.tag === "img" && !SAFE_IMAGE_SOURCE.test(frame.attribs.src ?? ""),
};

export function sanitizeDocumentHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/** One region of raw source, already cut at the paid markers. */
export interface MarkdownRegion {
  access: SegmentAccess;
  source: string;
}

/**
 * Renders each region as a document of its own, so nothing in a paid region can reach free output: a free
 * region is parsed from its own source with a reference map built from free regions only (a definition
 * anywhere in the free text serves every free region, as it is public anyway). Information flows only the
 * other way, from free into paid, where it helps the author and reveals nothing: a paid region may use
 * reference definitions from the free regions, and a fence left open at the end of a free region is
 * reopened at the start of the paid region that follows. Headings are shifted by one amount for the whole
 * document, taken from the free headings (or, when there are none, from the paid ones, which then cannot
 * change any free output).
 */
export function renderMarkdownRegions(regions: readonly MarkdownRegion[]): RenderedMarkdown[] {
  const freeReferences: References = {};
  let freeRegions = 0;
  let freeTokens = regions.map((region) => {
    if (region.access !== "free") return null;
    freeRegions++;
    const env: Env = {};
    const tokens = markdown.parse(region.source, env);
    // markdown-it keeps the first definition of a label; so does the union over free regions.
    for (const [label, reference] of Object.entries(env.references ?? {}))
      freeReferences[label] ??= reference;
    return tokens;
  });
  // A free region may use a definition from another free region: parse them again with all free definitions.
  if (freeRegions > 1 && Object.keys(freeReferences).length > 0) {
    freeTokens = regions.map((region) =>
      region.access === "free"
        ? markdown.parse(region.source, { references: { ...freeReferences } })
        : null,
    );
  }
  const tokenLists = regions.map((region, index) => {
    const tokens = freeTokens[index];
    if (tokens) return tokens;
    const previous = regions[index - 1];
    const source = withReopenedFence(
      region.source,
      previous?.access === "free" ? previous.source : "",
    );
    return markdown.parse(source, { references: { ...freeReferences } });
  });
  const freeLists = tokenLists.filter((_tokens, index) => regions[index]?.access === "free");
  const shift = headingShift(freeLists.some(hasHeading) ? freeLists : tokenLists);
  return tokenLists.map((tokens) => {
    shiftHeadings(tokens, shift);
    return {
      html: sanitizeDocumentHtml(markdown.renderer.render(tokens, markdown.options, {})).trim(),
      text: tokensToTextLines(tokens).join("\n"),
      headings: tokensToHeadings(tokens),
    };
  });
}

/** Plain text of one line of inline Markdown (used for a title taken from the first line). */
export function markdownInlineToText(source: string): string {
  const [inline] = markdown.parseInline(source, {});
  return inlineText(inline?.children ?? [])
    .replace(/\s+/g, " ")
    .trim();
}

type References = NonNullable<Env["references"]>;

interface OpenFence {
  opener: string;
  character: string;
  length: number;
}

const FENCE_OPENER = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * A marker inside a fenced code block of a free region must not leave the paid rest of the block rendered as
 * Markdown, so the paid region starts with the same opener. Only the free source before it is looked at.
 */
export function withReopenedFence(paidSource: string, freeSourceBefore: string): string {
  const fence = openFenceAtEnd(freeSourceBefore);
  if (fence === null) return paidSource;
  // A marker on its own line leaves the region starting with "\n", which then ends the reopened opener line.
  return paidSource.startsWith("\n") ? fence.opener + paidSource : `${fence.opener}\n${paidSource}`;
}

/** The fence still open at the end of `source` read as a document of its own, if any. */
export function openFenceAtEnd(source: string): OpenFence | null {
  let fence: OpenFence | null = null;
  for (const line of source.split("\n")) fence = advanceFence(fence, line);
  return fence;
}

function advanceFence(fence: OpenFence | null, line: string): OpenFence | null {
  if (fence !== null) return closesFence(fence, line) ? null : fence;
  const match = FENCE_OPENER.exec(line);
  const run = match?.[1];
  if (run === undefined || (run.startsWith("`") && (match?.[2] ?? "").includes("`"))) return null;
  return { opener: line.trimStart(), character: run.charAt(0), length: run.length };
}

function closesFence(fence: OpenFence, line: string): boolean {
  const trimmed = line.replace(/^ {0,3}/, "").trimEnd();
  return (
    trimmed.length >= fence.length &&
    [...trimmed].every((character) => character === fence.character)
  );
}

function hasHeading(tokens: readonly Token[]): boolean {
  return tokens.some((token) => token.type === "heading_open");
}

function headingShift(tokenLists: readonly Token[][]): number {
  let topLevel = Infinity;
  for (const tokens of tokenLists) {
    for (const token of tokens)
      if (token.type === "heading_open") topLevel = Math.min(topLevel, headingTagLevel(token));
  }
  return topLevel === Infinity ? 0 : TOP_HEADING_LEVEL - topLevel;
}

function shiftHeadings(tokens: Token[], shift: number): void {
  for (const token of tokens) {
    if (token.type !== "heading_open" && token.type !== "heading_close") continue;
    const level = Math.min(6, Math.max(TOP_HEADING_LEVEL, headingTagLevel(token) + shift));
    token.tag = `h${level}`;
  }
}

function headingTagLevel(token: Token): number {
  return Number(token.tag.slice(1));
}

function tokensToHeadings(tokens: readonly Token[]): SegmentHeading[] {
  const headings: SegmentHeading[] = [];
  tokens.forEach((token, index) => {
    if (token.type !== "heading_open") return;
    const text = inlineText(tokens[index + 1]?.children ?? []).trim();
    if (text !== "") headings.push({ level: headingTagLevel(token), text });
  });
  return headings;
}

/** One line per block (paragraph, heading, list item, code block, table row). */
function tokensToTextLines(tokens: readonly Token[]): string[] {
  const lines: string[] = [];
  let tableRow: string[] | null = null;
  for (const token of tokens) {
    if (token.type === "tr_open") tableRow = [];
    else if (token.type === "tr_close") {
      if (tableRow !== null && tableRow.some((cell) => cell !== "")) lines.push(tableRow.join(" "));
      tableRow = null;
    } else if (token.type === "inline") {
      const text = inlineText(token.children ?? []).trim();
      if (tableRow !== null) tableRow.push(text);
      else if (text !== "") lines.push(text);
    } else if (token.type === "fence" || token.type === "code_block") {
      const code = token.content.replace(/\n+$/, "");
      if (code.trim() !== "") lines.push(code);
    }
  }
  return lines;
}

function inlineText(children: readonly Token[]): string {
  let text = "";
  let pendingSoftBreak = false;
  for (const child of children) {
    if (child.type === "softbreak") pendingSoftBreak = true;
    else if (child.type === "hardbreak") text += "\n";
    else if (child.type === "text" || child.type === "code_inline") {
      text = pendingSoftBreak ? joinWrapped(text, child.content) : text + child.content;
      pendingSoftBreak = false;
    }
  }
  return text;
}
