import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectRegionsLayout, detectTxtLayout, headingLevel, renderTxt } from "@/lib/documents/txt";
import { parseTxt, regions } from "./helpers";

const FIXTURES = path.resolve(__dirname, "../../fixtures/documents");

function bodyHtml(body: string): string {
  return parseTxt(`标题\n${body}`)
    .segments.map((segment) => segment.html)
    .join("\n");
}

describe("txt headings", () => {
  it.each<[string, 2 | 3]>([
    ["一、树立正确的观念", 2],
    ["十二、继续向前", 2],
    ["二十一、附录说明", 2],
    ["第一章 总则", 2],
    ["第十二章　附则", 2],
    ["第三章", 2],
    ["第一部分 背景", 2],
    ["第一节 概述", 3],
    ["第十节结语", 3],
    ["（一）基本原则", 3],
    ["(二)主要任务", 3],
    ["（十一）其他事项", 3],
  ])("%s is an h%i", (line, level) => {
    expect(headingLevel(line)).toBe(level);
    expect(bodyHtml(`${line}\n正文。`)).toBe(`<h${level}>${line}</h${level}>\n<p>正文。</p>`);
  });

  it.each([
    ["一要坚持以人民为中心的发展思想。", "'一要' paragraph"],
    ["一要坚持以人民为中心", "'一要' without a full stop"],
    ["一是加强学习，提高认识", "'一是' paragraph"],
    ["一、树立正确的观念。", "ends with 。"],
    ["（一）坚持原则！", "ends with ！"],
    ["一、" + "很".repeat(39), "41 characters long"],
    ["一、这一行很长，" + "而且".repeat(30) + "以句号结束。", "long line ending with 。"],
    ["第一次来到这里", "第一 without 章/节"],
    ["一、", "numbering without text"],
    ["1、第一条", "Arabic numbering (a list, not a heading)"],
  ])("%s is not a heading (%s)", (line) => {
    expect(headingLevel(line)).toBe(null);
    expect(bodyHtml(line)).not.toMatch(/<h\d>/);
  });

  it("collects headings per segment for a table of contents", () => {
    const doc = parseTxt(
      "标题\n一、甲\n正文。\n##paidbegin##\n（一）乙\n正文。\n第二章 丙\n正文。",
    );
    expect(doc.segments.map((segment) => segment.headings)).toEqual([
      [{ level: 2, text: "一、甲" }],
      [
        { level: 3, text: "（一）乙" },
        { level: 2, text: "第二章 丙" },
      ],
    ]);
  });
});

describe("txt lists", () => {
  it.each([
    ["dash bullets", "- 苹果\n- 香蕉", "<ul><li>苹果</li><li>香蕉</li></ul>"],
    ["star bullets", "* apple\n* pear", "<ul><li>apple</li><li>pear</li></ul>"],
    ["round bullets", "• 一\n• 二", "<ul><li>一</li><li>二</li></ul>"],
    ["1. numbers", "1. one\n2. two", "<ol><li>one</li><li>two</li></ol>"],
    ["1、 numbers", "1、甲\n2、乙", "<ol><li>甲</li><li>乙</li></ol>"],
    ["（1） numbers", "（1）甲\n（2）乙", "<ol><li>甲</li><li>乙</li></ol>"],
    ["(1) numbers", "(1) a\n(2) b", "<ol><li>a</li><li>b</li></ol>"],
    ["a list starting at 3", "3. c\n4. d", '<ol start="3"><li>c</li><li>d</li></ol>'],
    ["blank lines between items", "- a\n\n- b", "<ul><li>a</li><li>b</li></ul>"],
    ["a bullet list then a numbered list", "- a\n1. b", "<ul><li>a</li></ul>\n<ol><li>b</li></ol>"],
    [
      "a paragraph ends a list",
      "- a\n中间。\n- b",
      "<ul><li>a</li></ul>\n<p>中间。</p>\n<ul><li>b</li></ul>",
    ],
    ["a decimal is not a list", "3.14 是圆周率。", "<p>3.14 是圆周率。</p>"],
    ["a minus sign is not a bullet", "-5 度。", "<p>-5 度。</p>"],
  ])("%s", (_name, body, html) => {
    expect(bodyHtml(body)).toBe(html);
  });

  it("puts list items one per line in the plain text", () => {
    expect(parseTxt("标题\n- 甲\n- 乙").segments[0]?.text).toBe("甲\n乙");
  });
});

describe("txt escaping", () => {
  it("never produces raw HTML", () => {
    expect(bodyHtml(`<script>alert("x")</script> & 'q' <img src=x onerror=alert(1)>`)).toBe(
      "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; &lt;img src=x onerror=alert(1)&gt;</p>",
    );
  });

  it("escapes headings and list items too", () => {
    expect(bodyHtml("一、<b>粗</b>\n- <i>&</i>")).toBe(
      "<h2>一、&lt;b&gt;粗&lt;/b&gt;</h2>\n<ul><li>&lt;i&gt;&amp;&lt;/i&gt;</li></ul>",
    );
  });
});

describe("txt paragraphs", () => {
  it("keeps one paragraph per line in Chinese documents, trimming indentation", () => {
    const doc = parseTxt("标题\n\u3000\u3000第一段，没有换行。\n  第二段。\n\n第三段。");
    expect(doc.segments[0]?.html).toBe(
      "<p>第一段，没有换行。</p>\n<p>第二段。</p>\n<p>第三段。</p>",
    );
  });

  it("keeps short unpunctuated lines apart when no blank line separates paragraphs", () => {
    expect(bodyHtml("短句一\n短句二\n短句三")).toBe("<p>短句一</p>\n<p>短句二</p>\n<p>短句三</p>");
  });

  it("keeps short verse lines apart even with blank lines between stanzas", () => {
    expect(bodyHtml("床前明月光\n疑是地上霜\n\n举头望明月\n低头思故乡")).toBe(
      "<p>床前明月光</p>\n<p>疑是地上霜</p>\n<p>举头望明月</p>\n<p>低头思故乡</p>",
    );
  });

  it("keeps English one-line paragraphs apart", () => {
    const doc = parseTxt(
      "Title\nThe first paragraph is a single long line that ends properly.\nThe second one does too.",
    );
    expect(doc.segments[0]?.text).toBe(
      "The first paragraph is a single long line that ends properly.\nThe second one does too.",
    );
  });

  it("joins hard-wrapped English paragraphs (fixture)", () => {
    const text = readFileSync(path.join(FIXTURES, "hard-wrapped-en.txt"), "utf8");
    const doc = parseTxt(text, "hard-wrapped-en.txt");
    expect(doc.meta.title).toBe("The Lighthouse Keeper's Ledger");
    expect(regions(doc)).toEqual([
      {
        access: "free",
        text: [
          "Every evening the keeper climbed the ninety steps of the tower, trimmed the wick, and wrote the state of the sea into a ledger bound in green cloth",
          "Visitors rarely came, and the few who did were surprised to find him cheerful, well-read, and eager to talk about anything but the weather",
        ].join("\n"),
      },
      {
        access: "paid",
        text: [
          "What the ledger held, however, was not weather at all: it was a careful record of every ship that never arrived",
          "first entry",
          "second entry continued on a second line",
        ].join("\n"),
      },
    ]);
    expect(doc.segments[1]?.html).toBe(
      "<p>What the ledger held, however, was not weather at all: it was a careful record of every ship that never arrived</p>\n" +
        "<ul><li>first entry</li><li>second entry continued on a second line</li></ul>",
    );
    expect(doc.meta.language).toBe("en");
  });

  it("joins hard-wrapped Chinese lines without spaces", () => {
    const body = [
      "这是一段被固定宽度硬换行的中文文字它的每一行都",
      "没有句末标点因为换行只是排版造成的而不是段落的",
      "结束",
      "",
      "第二段同样如此这一行也是被截断的中文内容而已并且",
      "在这里结束。",
    ].join("\n");
    expect(bodyHtml(body)).toBe(
      "<p>这是一段被固定宽度硬换行的中文文字它的每一行都没有句末标点因为换行只是排版造成的而不是段落的结束</p>\n" +
        "<p>第二段同样如此这一行也是被截断的中文内容而已并且在这里结束。</p>",
    );
  });

  it("puts a space between Latin and Chinese when joining", () => {
    const body =
      "这一行的结尾是一个英文单词 JavaScript\n编程语言在这里继续下去并且没有标点符号\n\n另一段。";
    expect(bodyHtml(body)).toBe(
      "<p>这一行的结尾是一个英文单词 JavaScript 编程语言在这里继续下去并且没有标点符号</p>\n<p>另一段。</p>",
    );
  });

  it.each<[string, string[], boolean]>([
    [
      "Chinese one-per-line",
      [
        "第一段很长很长很长很长很长很长很长很长很长很长很长很长。\n第二段也很长很长很长很长很长很长很长很长很长很长很长很长。",
      ],
      false,
    ],
    [
      "wrapped English",
      ["this line is wrapped at a column and so\nit continues here and then\n\nnext paragraph"],
      true,
    ],
    [
      "wrapped lines but no blank line anywhere",
      ["this line is wrapped at a column and so\nit continues here and then"],
      false,
    ],
    [
      "one-line paragraphs separated by blank lines",
      ["First paragraph.\n\nSecond paragraph.\n\nThird."],
      false,
    ],
    [
      "blank line only between regions",
      [
        "this line is wrapped at a column and so\nit continues",
        "this line is wrapped at a column too\nend",
      ],
      false,
    ],
  ])("layout detection: %s", (_name, sources, hardWrapped) => {
    expect(detectTxtLayout(sources)).toEqual({ hardWrapped });
  });
});

describe("layout of a document cut into regions (detectRegionsLayout)", () => {
  const wrappedFree =
    "this free line is wrapped at a column and so\nit continues on the next line here";
  const wrappedPaid =
    "a paid line that is wrapped at a column and\ngoes on here\n\nand another paid paragraph\nof the same kind";
  const oneLinePaid = "One.\nTwo.\nThree.\nFour.";

  it.each<[string, { access: "free" | "paid"; source: string }[], boolean]>([
    [
      "free lines decide; the marker after them counts as a block boundary",
      [
        { access: "free", source: wrappedFree },
        { access: "paid", source: oneLinePaid },
      ],
      true,
    ],
    [
      "free lines decide against wrapping whatever the paid lines look like",
      [
        { access: "free", source: "Short one.\nShort two." },
        { access: "paid", source: wrappedPaid },
      ],
      false,
    ],
    [
      "free single-line blocks leave it to the paid lines (free output is the same either way)",
      [
        { access: "free", source: "Only one line." },
        { access: "paid", source: wrappedPaid },
      ],
      true,
    ],
    ["a free-only document is judged as before", [{ access: "free", source: wrappedFree }], false],
  ])("%s", (_name, regions, hardWrapped) => {
    expect(detectRegionsLayout(regions)).toEqual({ hardWrapped });
  });

  it("free output never depends on the paid lines (property)", () => {
    const line = fc.constantFrom(
      "a line that is wrapped at some column and",
      "Short.",
      "一、标题",
      "- item",
      "1. first",
      "",
      "a sentence that ends here.",
    );
    const source = fc.array(line, { maxLength: 8 }).map((lines) => lines.join("\n"));
    fc.assert(
      fc.property(source, source, source, (free, paid, otherPaid) => {
        const render = (paidSource: string) => {
          const regions = [
            { access: "free" as const, source: free },
            { access: "paid" as const, source: paidSource },
          ];
          return renderTxt(free, detectRegionsLayout(regions));
        };
        expect(render(otherPaid)).toEqual(render(paid));
      }),
      { numRuns: 500 },
    );
  });
});
