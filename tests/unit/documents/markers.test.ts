import { describe, expect, it } from "vitest";
import {
  expectDocumentError,
  expectNoMarkerResidue,
  parseMd,
  parseTxt,
  regions,
  warningCodes,
} from "./helpers";

const ZWSP = "\u200B";
const ZWNJ = "\u200C";
const ZWJ = "\u200D";
const WORD_JOINER = "\u2060";
const BOM = "\uFEFF";

type MarkerKind = "begin" | "end";
const word = (kind: MarkerKind, style: "lower" | "upper" | "title") =>
  style === "lower"
    ? kind
    : style === "upper"
      ? kind.toUpperCase()
      : kind[0]?.toUpperCase() + kind.slice(1);
const fullWidth = (text: string) =>
  [...text].map((c) => String.fromCharCode(c.charCodeAt(0) - 0x61 + 0xff41)).join("");
const withZeroWidth = (text: string) => [...text].join(ZWJ);

const MARKER_VARIANTS: [string, (kind: MarkerKind) => string][] = [
  ["canonical", (kind) => `##paid${kind}##`],
  ["upper case", (kind) => `##PAID${word(kind, "upper")}##`],
  ["mixed case", (kind) => `##Paid${word(kind, "title")}##`],
  ["spaces inside", (kind) => `## paid${kind} ##`],
  ["spaces between the words", (kind) => `##  paid ${kind}  ##`],
  ["tabs", (kind) => `##\tpaid${kind}\t##`],
  ["ideographic spaces", (kind) => `##\u3000paid${kind}\u3000##`],
  ["hyphen", (kind) => `##paid-${kind}##`],
  ["underscore", (kind) => `##paid_${kind}##`],
  ["full-width hashes", (kind) => `＃＃paid${kind}＃＃`],
  ["mixed-width hashes", (kind) => `#＃paid${kind}＃#`],
  ["full-width letters", (kind) => `##${fullWidth(`paid${kind}`)}##`],
  ["three hashes", (kind) => `###paid${kind}###`],
  ["zero-width space between the words", (kind) => `##paid${ZWSP}${kind}##`],
  [
    "zero-width characters everywhere",
    (kind) => `#${WORD_JOINER}#p${ZWNJ}a${BOM}id${withZeroWidth(kind)}#${ZWSP}#`,
  ],
  ["zero-width around", (kind) => `${ZWSP}##paid${kind}##${BOM}`],
];

const BEGIN_VARIANTS: [string, string][] = MARKER_VARIANTS.map(([name, marker]) => [
  name,
  marker("begin"),
]);
const END_VARIANTS: [string, string][] = MARKER_VARIANTS.map(([name, marker]) => [
  name,
  marker("end"),
]);

describe("marker variants", () => {
  it.each(BEGIN_VARIANTS)("opens a paid region: %s", (_name, marker) => {
    const doc = parseTxt(`标题\n免费段落。\n${marker}\n付费段落。`);
    expect(regions(doc)).toEqual([
      { access: "free", text: "免费段落。" },
      { access: "paid", text: "付费段落。" },
    ]);
    expect(doc.warnings).toEqual([]);
    expectNoMarkerResidue(doc);
  });

  it.each(END_VARIANTS)("closes a paid region: %s", (_name, marker) => {
    const doc = parseTxt(`标题\n免费一。\n##paidbegin##\n付费。\n${marker}\n免费二。`);
    expect(regions(doc)).toEqual([
      { access: "free", text: "免费一。" },
      { access: "paid", text: "付费。" },
      { access: "free", text: "免费二。" },
    ]);
    expectNoMarkerResidue(doc);
  });

  it.each(BEGIN_VARIANTS)("works inside a paragraph: %s", (_name, marker) => {
    const doc = parseTxt(`标题\n甲段前半${marker}甲段后半。\n乙段。`);
    expect(regions(doc)).toEqual([
      { access: "free", text: "甲段前半" },
      { access: "paid", text: "甲段后半。\n乙段。" },
    ]);
    expectNoMarkerResidue(doc);
  });

  it("is also found in Markdown", () => {
    const doc = parseMd(`# Title\n\nFree *text*.\n\n## PAID begin ##\n\nPaid **text**.`);
    expect(doc.segments.map((segment) => [segment.access, segment.html])).toEqual([
      ["free", "<p>Free <em>text</em>.</p>"],
      ["paid", "<p>Paid <strong>text</strong>.</p>"],
    ]);
  });
});

describe("marker positions", () => {
  it("splits a paragraph at an inline ##paidend##", () => {
    const doc = parseTxt("标题\n##paidbegin##付费开头。\n付费尾巴##paidend##免费结尾。");
    expect(regions(doc)).toEqual([
      { access: "paid", text: "付费开头。\n付费尾巴" },
      { access: "free", text: "免费结尾。" },
    ]);
  });

  it("makes everything paid when the first body line is a marker", () => {
    const doc = parseTxt("标题\n##paidbegin##\n全部付费。\n第二段。");
    expect(regions(doc)).toEqual([{ access: "paid", text: "全部付费。\n第二段。" }]);
    expect(doc.stats.paidShare).toBe(1);
  });

  it("takes the text before a marker on the title line as the title", () => {
    const doc = parseTxt("\n标题文字##paidbegin##付费。\n更多。");
    expect(doc.meta.title).toBe("标题文字");
    expect(regions(doc)).toEqual([{ access: "paid", text: "付费。\n更多。" }]);
  });

  it("refuses a first line that is only a marker (no title)", () => {
    const error = expectDocumentError(
      () => parseTxt("\n\n##paidbegin##正文。"),
      "missing-title",
      3,
    );
    expect(error.message).toBe(
      "line 3: the first line starts with a paid marker; put the title before it",
    );
  });

  it("accepts a marker on the first body line when front matter gives the title", () => {
    const doc = parseTxt("---\ntitle: 前置标题\n---\n##paidbegin##全部付费。");
    expect(doc.meta.title).toBe("前置标题");
    expect(regions(doc)).toEqual([{ access: "paid", text: "全部付费。" }]);
  });

  it("drops a paid region opened on the last line and warns that it is empty", () => {
    const doc = parseTxt("标题\n正文。\n##paidbegin##");
    expect(regions(doc)).toEqual([{ access: "free", text: "正文。" }]);
    expect(doc.stats.paidRegions).toBe(0);
    expect(doc.warnings).toEqual([
      {
        code: "empty-paid-region",
        line: 3,
        message: "line 3: this paid region is empty, so nothing is behind the paywall here",
      },
    ]);
  });

  it("drops an empty region between two free parts and merges them", () => {
    const doc = parseTxt("标题\n甲。\n##paidbegin####paidend##\n乙。");
    expect(regions(doc)).toEqual([{ access: "free", text: "甲。\n乙。" }]);
    expect(doc.segments[0]?.html).toBe("<p>甲。</p>\n<p>乙。</p>");
    expect(warningCodes(doc)).toEqual(["empty-paid-region"]);
  });
});

describe("glued markers", () => {
  it.each([
    [
      "begin glued to end",
      "标题\n甲。##paidbegin####paidend##乙。",
      [{ access: "free", text: "甲。\n乙。" }],
    ],
    [
      "end glued to begin",
      "标题\n免。##paidbegin##付一。##paidend####paidbegin##付二。",
      [
        { access: "free", text: "免。" },
        { access: "paid", text: "付一。\n付二。" },
      ],
    ],
    [
      "three hashes glued to text",
      "标题\n免。###paidbegin###付。",
      [
        { access: "free", text: "免。" },
        { access: "paid", text: "付。" },
      ],
    ],
  ])("%s", (_name, text, expected) => {
    const doc = parseTxt(text);
    expect(regions(doc)).toEqual(expected);
    expectNoMarkerResidue(doc);
  });
});

describe("regions", () => {
  it("supports several paid regions", () => {
    const doc = parseTxt(
      [
        "标题",
        "免一。",
        "##paidbegin##",
        "付一。",
        "##paidend##",
        "免二。",
        "##paidbegin##",
        "付二。",
        "##paidend##",
        "免三。",
      ].join("\n"),
    );
    expect(regions(doc)).toEqual([
      { access: "free", text: "免一。" },
      { access: "paid", text: "付一。" },
      { access: "free", text: "免二。" },
      { access: "paid", text: "付二。" },
      { access: "free", text: "免三。" },
    ]);
    expect(doc.stats.paidRegions).toBe(2);
    expect(doc.warnings).toEqual([]);
  });

  it("runs an unclosed region to the end without any warning", () => {
    const doc = parseTxt("标题\n免费。\n##paidbegin##\n付费一。\n付费二。");
    expect(regions(doc)).toEqual([
      { access: "free", text: "免费。" },
      { access: "paid", text: "付费一。\n付费二。" },
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it("makes the whole document free and warns when there is no marker", () => {
    const doc = parseTxt("标题\n第一段。\n第二段。");
    expect(regions(doc)).toEqual([{ access: "free", text: "第一段。\n第二段。" }]);
    expect(doc.stats.paidRegions).toBe(0);
    expect(doc.warnings).toEqual([
      {
        code: "no-paid-marker",
        message: "no ##paidbegin## marker found; the whole document is free",
      },
    ]);
  });
});

describe("unbalanced markers", () => {
  it.each<[string, string, "unbalanced-paidend" | "nested-paidbegin", number]>([
    ["##paidend## with nothing open", "标题\n正文。\n##paidend##\n更多。", "unbalanced-paidend", 3],
    [
      "a second ##paidend##",
      "标题\n##paidbegin##\n付。\n##paidend##\n免。\n##paidend##",
      "unbalanced-paidend",
      6,
    ],
    [
      "##paidbegin## inside an open region",
      "标题\n甲。\n##paidbegin##\n付。\n乙##paidbegin##丙",
      "nested-paidbegin",
      5,
    ],
    ["line numbers count the leading empty line", "\n标题\n\n##paidend##", "unbalanced-paidend", 4],
    [
      "line numbers count front matter",
      "---\ntitle: 标题\nauthor: 某人\n---\n正文。\n##paidend##",
      "unbalanced-paidend",
      6,
    ],
    [
      "full-width nested marker",
      "标题\n##paidbegin##\n付。\n＃＃ＰＡＩＤＢＥＧＩＮ＃＃",
      "nested-paidbegin",
      4,
    ],
  ])("%s", (_name, text, code, line) => {
    expectDocumentError(() => parseTxt(text), code, line);
  });

  it("names the problem in plain English", () => {
    const end = expectDocumentError(
      () => parseTxt("标题\n\n正文。\n\n\n\n\n\n\n\n\n##paidend##"),
      "unbalanced-paidend",
      12,
    );
    expect(end.message).toBe("line 12: ##paidend## without an open ##paidbegin##");
    const nested = expectDocumentError(
      () => parseTxt("标题\n##paidbegin##\n##paidbegin##"),
      "nested-paidbegin",
      3,
    );
    expect(nested.message).toBe(
      "line 3: ##paidbegin## inside a paid region that is still open (close it with ##paidend## first)",
    );
  });

  it("reports Markdown line numbers the same way", () => {
    expectDocumentError(
      () => parseMd("# T\n\ntext\n\n```\n##paidend##\n```"),
      "unbalanced-paidend",
      6,
    );
  });
});

describe("near-miss markers", () => {
  it.each([
    ["one hash each side", "#paidbegin#", "#paidbegin#"],
    ["no hashes", "paidbegin", "paidbegin"],
    ["hashes on one side only", "##paid begin", "##paid begin"],
    ["a soft hyphen", "##paid\u00ADbegin##", "##paid<U+00AD>begin##"],
    ["a Cyrillic letter", "##p\u0430idend##", "##p<U+0430>idend##"],
  ])("stop the import naming the line and showing the text: %s", (_name, marker, shown) => {
    const error = expectDocumentError(
      () => parseTxt(`标题\n甲。\n${marker}\n乙。`),
      "near-miss-marker",
      3,
    );
    expect(error.message).toContain(`"${shown}"`);
  });

  it("does not flag ordinary prose about paying", () => {
    const doc = parseTxt("Title\nThe bill was paid end of month.\n##paidbegin##\nMore.");
    expect(doc.warnings).toEqual([]);
  });
});

describe("markers in front matter", () => {
  it("stop the import: front matter is public", () => {
    expectDocumentError(
      () => parseMd("---\ntitle: T\nsummary: a ##paidbegin## b\n---\n\nBody."),
      "marker-in-front-matter",
      3,
    );
  });
});

describe("Markdown code blocks", () => {
  const source = [
    "# Title",
    "",
    "Intro.",
    "",
    "```",
    "free code",
    "##paidbegin##",
    "paid code",
    "```",
    "",
    "After.",
  ].join("\n");

  it("treats a marker inside a fenced block as a marker and reopens the fence", () => {
    const doc = parseMd(source);
    expect(doc.segments.map((segment) => [segment.access, segment.html])).toEqual([
      ["free", "<p>Intro.</p>\n<pre><code>free code\n</code></pre>"],
      ["paid", "<pre><code>paid code\n</code></pre>\n<p>After.</p>"],
    ]);
    expectNoMarkerResidue(doc);
  });

  it("treats a marker in inline code as a marker", () => {
    const doc = parseMd("# Title\n\nSee `##paidbegin##` here.");
    expect(regions(doc)).toEqual([
      { access: "free", text: "See `" },
      { access: "paid", text: "` here." },
    ]);
  });
});

describe("pathological input", () => {
  it.each([
    ["a long run of hashes", "#".repeat(200_000) + "paid" + " ".repeat(200_000)],
    ["many half markers", "##paid ".repeat(100_000)],
    ["hash, zero-width and space soup", `#${ZWSP} `.repeat(100_000)],
  ])("scans %s in linear time", (_name, body) => {
    const started = performance.now();
    const doc = parseTxt(`Title\n${body}`);
    const elapsed = performance.now() - started;
    expect(doc.stats.paidRegions).toBe(0);
    expect(elapsed).toBeLessThan(1500);
  });
});
