import MarkdownIt from "markdown-it";
import type { Env, Token } from "markdown-it";
import sanitizeHtml from "sanitize-html";
import type { SegmentHeading } from "./types";
import { joinWrapped, lastCharacter, firstCharacter, wrapSeparator } from "./text-utils";

export interface RenderedMarkdown {
  html: string;
  text: string;
  headings: SegmentHeading[];
}

/** The page's <h1> is the title, so the document's own top heading level becomes h2. */
const TOP_HEADING_LEVEL = 2;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]\n]+\]:/m;
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

/**
 * Renders the raw sources of consecutive regions (already cut at the paid markers). All regions are parsed before
 * any is rendered so heading levels can be shifted consistently, a code fence cut by a marker is reopened in the next
 * region, and reference-style links resolve across regions.
 */
export function renderMarkdownRegions(sources: readonly string[]): RenderedMarkdown[] {
  const references = collectReferences(sources);
  const tokenLists = reopenFencesAcrossRegions(sources).map((source) =>
    markdown.parse(source, { references: { ...references } }),
  );
  const shift = headingShift(tokenLists);
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

function collectReferences(sources: readonly string[]): References {
  const whole = sources.join("\n");
  if (!REFERENCE_DEFINITION.test(whole)) return {};
  const env: Env = {};
  markdown.parse(whole, env);
  return env.references ?? {};
}

interface OpenFence {
  opener: string;
  character: string;
  length: number;
}

const FENCE_OPENER = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** A marker inside a fenced code block must not leave the rest of the block rendered as Markdown. */
export function reopenFencesAcrossRegions(sources: readonly string[]): string[] {
  let fence: OpenFence | null = null;
  let atLineStart = true;
  return sources.map((source) => {
    // A marker on its own line leaves the region starting with "\n", which then ends the reopened opener line.
    const prefix =
      fence === null ? "" : source.startsWith("\n") ? fence.opener : `${fence.opener}\n`;
    source.split("\n").forEach((line, index) => {
      if (index === 0 && !atLineStart) return;
      fence = advanceFence(fence, line);
    });
    atLineStart = source.endsWith("\n") || source === "";
    return prefix + source;
  });
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
