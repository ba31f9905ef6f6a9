import fc from "fast-check";
import { parseDocument, type DocumentFormat, type ParsedDocument } from "@/lib/documents";
import { toStoredDocument } from "@/lib/import/stored-document";
import type { DocumentListing } from "@/lib/reading/documents";
import { buildRssFeed } from "@/lib/reading/rss-feed";
import { articleJsonLd, serializeJsonLd } from "@/lib/reading/structured-data";

/*
 * Random documents for the region-isolation properties: every Markdown block and inline construct, cut at
 * random points (so markers land mid-construct), with free chunks made of a public vocabulary and paid chunks
 * carrying a secret in text, URLs, fence info strings, reference labels and titles.
 */

const WORDS = [
  "alpha",
  "river",
  "stone",
  "light",
  "garden",
  "orbit",
  "北京",
  "春天",
  "文字",
  "seven",
];
/** Labels both sides may use: a free use with a paid definition is exactly the finding-3 attack. */
const SHARED_LABELS = ["src", "ref", "a1", "note"];

const word = fc.constantFrom(...WORDS);
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((list) => list.join(" "));

function inline(secret: string | null): fc.Arbitrary<string> {
  const host = secret === null ? "free.example" : `${secret}.example`;
  const label =
    secret === null
      ? fc.constantFrom(...SHARED_LABELS)
      : fc.constantFrom(...SHARED_LABELS, `${secret}lbl`);
  const text =
    secret === null
      ? words
      : fc.oneof(
          words,
          fc.constant(secret),
          words.map((w) => `${w} ${secret}`),
        );
  return fc.oneof(
    text,
    text.map((t) => `*${t}*`),
    text.map((t) => `**${t}**`),
    text.map((t) => `\`${t}\``),
    fc.tuple(text, word).map(([t, w]) => `[${t}](https://${host}/${w} "${t}")`),
    fc.tuple(text, word).map(([t, w]) => `![${t}](https://${host}/${w}.png)`),
    word.map((w) => `<https://${host}/${w}>`),
    word.map((w) => `https://www.${host}/${w}`),
    fc.tuple(text, label).map(([t, l]) => `[${t}][${l}]`),
    label.map((l) => `[${l}]`),
    label.map((l) => `[${l}][]`),
    fc.tuple(text, label).map(([t, l]) => `![${t}][${l}]`),
    fc.constantFrom("&amp;", "&copy;", "&#35;", "&#x41;", "&lt;b&gt;", "\\*", "[^1]"),
    text.map((t) => `<span title="${t}">${t}</span>`),
    text.map((t) => `<!-- ${t} -->`),
  );
}

function line(secret: string | null): fc.Arbitrary<string> {
  return fc.array(inline(secret), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(" "));
}

function block(secret: string | null): fc.Arbitrary<string> {
  const host = secret === null ? "free.example" : `${secret}.example`;
  const info =
    secret === null
      ? fc.constantFrom("", "js", "python", "text")
      : fc.constantFrom("", "js", secret);
  const label =
    secret === null
      ? fc.constantFrom(...SHARED_LABELS)
      : fc.constantFrom(...SHARED_LABELS, `${secret}lbl`);
  const text = line(secret);
  return fc.oneof(
    text,
    fc.tuple(fc.integer({ min: 1, max: 6 }), text).map(([level, t]) => `${"#".repeat(level)} ${t}`),
    fc.tuple(text, fc.constantFrom("===", "---")).map(([t, underline]) => `${t}\n${underline}`),
    fc
      .tuple(fc.constantFrom("```", "~~~", "````"), info, text, fc.boolean())
      .map(([fence, i, t, closed]) => `${fence}${i}\n${t}\n${closed ? fence : ""}`),
    text.map((t) => `    ${t}`),
    fc
      .tuple(label, word, text)
      .map(([l, w, t]) => `[${l}]: https://${host}/${w} "${t.replace(/"/g, "")}"`),
    fc.tuple(label, word).map(([l, w]) => `[${l}]:\n  https://${host}/${w}`),
    fc.tuple(text, text).map(([a, b]) => `- ${a}\n  - ${b}\n- ${a}`),
    fc.tuple(text, text).map(([a, b]) => `1. ${a}\n2. ${b}\n   > ${a}`),
    fc.tuple(text, text).map(([a, b]) => `> ${a}\n> > ${b}\n${a}`),
    fc.tuple(text, text).map(([a, b]) => `| ${a} | x |\n|---|:-:|\n| ${b} | y |`),
    fc.constantFrom("---", "***", "___"),
    text.map((t) => `<div>\n${t}\n</div>`),
    text.map((t) => `[^1]: ${t}`),
    text.map((t) => `${t}  \n${t}`),
  );
}

/** What a region may start with when the cut fell inside a construct of the region before it. */
const CONTINUATIONS = [
  "",
  "```\n",
  "~~~\n",
  "| x | y |\n",
  "> more\n",
  "  - nested\n",
  "    code\n",
  "===\n",
  '"title"\n',
  ")\n",
  "]\n",
  "[src]\n",
  "text\n",
];

function chunk(secret: string | null): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...CONTINUATIONS),
      fc.array(fc.tuple(block(secret), fc.constantFrom("\n", "\n\n")), { maxLength: 5 }),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([start, blocks, cut]) => {
      const body = start + blocks.map(([b, separator]) => b + separator).join("");
      // Cut anywhere (mid-line, mid-construct) so the marker that follows lands inside it.
      return cut === undefined ? body : body.slice(0, cut % (body.length + 1));
    });
}

const BEGIN_MARKERS = [
  "##paidbegin##",
  "##PaidBegin##",
  "## paid-begin ##",
  "＃＃paidbegin＃＃",
  "###paid_begin###",
];
const END_MARKERS = ["##paidend##", "##PAIDEND##", "## paid end ##", "＃＃paidend＃＃"];
const AROUND_MARKER = ["", " ", "\n", "\n\n"];

export interface GeneratedDocument {
  format: DocumentFormat;
  /** Builds the document text with the given paid chunks (one per paid region, same count every time). */
  build: (paidChunks: readonly string[]) => string;
  paidRegionCount: number;
}

export interface Layout {
  frontMatter: boolean;
  freeChunks: string[];
  markers: { begin: string; end: string; before: string; after: string }[];
  closeLast: boolean;
}

const layout: fc.Arbitrary<Layout> = fc
  .tuple(
    fc.boolean(),
    fc.array(chunk(null), { minLength: 1, maxLength: 4 }),
    fc.array(
      fc.record({
        begin: fc.constantFrom(...BEGIN_MARKERS),
        end: fc.constantFrom(...END_MARKERS),
        before: fc.constantFrom(...AROUND_MARKER),
        after: fc.constantFrom(...AROUND_MARKER),
      }),
      { minLength: 4, maxLength: 4 },
    ),
    fc.boolean(),
  )
  .map(([frontMatter, freeChunks, markers, closeLast]) => ({
    frontMatter,
    freeChunks,
    markers,
    closeLast,
  }));

/** Free chunk 0, then for each further free chunk: a paid region and that free chunk; maybe one last paid region. */
export function assemble(shape: Layout, format: DocumentFormat): GeneratedDocument {
  const paidRegionCount = shape.freeChunks.length - 1 + (shape.closeLast ? 0 : 1);
  const build = (paidChunks: readonly string[]) => {
    const head = shape.frontMatter
      ? "---\ntitle: Free title\nsummary: A free summary\n---\nFirst free line\n\n"
      : "Free title words\n\n";
    let text = head + (shape.freeChunks[0] ?? "");
    for (let index = 0; index < paidRegionCount; index++) {
      const marker = shape.markers[index % shape.markers.length] ?? {
        begin: "##paidbegin##",
        end: "##paidend##",
        before: "\n",
        after: "\n",
      };
      text += `${marker.before}${marker.begin}${marker.after}${paidChunks[index] ?? ""}`;
      const nextFree = shape.freeChunks[index + 1];
      if (nextFree !== undefined) text += `${marker.before}${marker.end}${marker.after}${nextFree}`;
    }
    return text;
  };
  return { format, build, paidRegionCount };
}

/** A secret per paid region; each paid chunk also says its secret in a paragraph of its own (the positive control). */
export function paidChunksFor(secrets: readonly string[]): fc.Arbitrary<string[]> {
  return fc.tuple(...secrets.map((secret) => chunk(secret).map((c) => `${c}\n\n${secret}\n\n`)));
}

export const documentLayout = layout;
export const documentFormat = fc.constantFrom<DocumentFormat>("md", "txt");

/** Everything a stranger can be shown that is derived from a parsed document. */
export function publicProjection(parsed: ParsedDocument) {
  const stored = toStoredDocument(parsed);
  const listing: DocumentListing = {
    id: "doc-id",
    slug: stored.slug,
    title: stored.title,
    summary: stored.summary,
    author: stored.author,
    tags: stored.tags,
    language: stored.language,
    publishedAt: new Date(0),
    updatedAt: new Date(0),
    version: 1,
    freeWords: stored.freeWords,
    paidWords: stored.paidWords,
    readingMinutes: stored.readingMinutes,
    paidRegions: stored.paidRegions,
  };
  const leadHtml =
    stored.publicSegments.find((segment) => segment.position === 0 && segment.kind === "free")
      ?.html ?? "";
  return {
    meta: parsed.meta,
    access: parsed.segments.map((segment) => segment.access),
    free: parsed.segments.filter((segment) => segment.access === "free"),
    freeCounts: parsed.stats.free,
    // Locked rows say how many words they hide (a deliberate, documented disclosure); their text must be empty.
    publicRows: stored.publicSegments.map(({ words, ...row }) =>
      row.kind === "locked" ? row : { ...row, words },
    ),
    summary: stored.summary,
    jsonLd: serializeJsonLd(articleJsonLd(listing, "https://folio.test/d/doc")),
    rss: buildRssFeed([{ ...listing, leadHtml }], "https://folio.test", {
      title: "Folio",
      description: "Feed",
      language: "en",
    }),
  };
}

export function parseGenerated(
  document: GeneratedDocument,
  paidChunks: readonly string[],
): ParsedDocument {
  return parseDocument({ text: document.build(paidChunks), format: document.format });
}

export function paidHtml(parsed: ParsedDocument): string {
  return parsed.segments
    .filter((segment) => segment.access === "paid")
    .map((segment) => segment.html)
    .join("\n");
}
