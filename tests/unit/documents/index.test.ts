import { describe, expect, it } from "vitest";
import { formatFromFileName, parseDocument, parseDocumentFile } from "@/lib/documents";
import { bytes, expectDocumentError } from "./helpers";

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("parseDocumentFile", () => {
  it.each([
    ["notes.txt", "txt"],
    ["NOTES.TXT", "txt"],
    ["essay.md", "md"],
    ["essay.Markdown", "md"],
    ["dir.v2/essay.markdown", "md"],
  ])("picks the format of %s", (fileName, format) => {
    expect(formatFromFileName(fileName)).toBe(format);
  });

  it.each(["report.docx", "report.pdf", "README", "archive.txt.zip", ".txt/file"])(
    "rejects %s as unsupported",
    (fileName) => {
      const error = expectDocumentError(
        () => parseDocumentFile(utf8("标题\n正文"), fileName),
        "unsupported-format",
      );
      expect(error.message).toBe(
        `"${fileName}" is not a supported file type (use .txt, .md, .markdown)`,
      );
    },
  );

  it("checks the extension before decoding", () => {
    expectDocumentError(() => parseDocumentFile(bytes([]), "x.pdf"), "unsupported-format");
  });

  it("decodes GB18030 and renders Markdown vs. text by extension", () => {
    // "# 你好\n中文" in GB18030
    const gb = bytes([
      0x23, 0x20, 0xc4, 0xe3, 0xba, 0xc3, 0x0a, 0x2a, 0xd6, 0xd0, 0xce, 0xc4, 0x2a,
    ]);
    const asMarkdown = parseDocumentFile(gb, "a.md");
    expect(asMarkdown.encoding).toBe("gb18030");
    expect(asMarkdown.meta.title).toBe("你好");
    expect(asMarkdown.segments[0]?.html).toBe("<p><em>中文</em></p>");
    const asText = parseDocumentFile(gb, "a.txt");
    expect(asText.meta.title).toBe("# 你好");
    expect(asText.segments[0]?.html).toBe("<p>*中文*</p>");
  });

  it("passes decode errors through", () => {
    expectDocumentError(() => parseDocumentFile(bytes([]), "empty.txt"), "empty");
    expectDocumentError(() => parseDocumentFile(bytes([0x00, 0x01]), "bin.txt"), "undecodable");
    expectDocumentError(
      () => parseDocumentFile(utf8("标题\n正文"), "big.txt", { maxBytes: 3 }),
      "too-large",
    );
  });

  it("returns the whole parsed document", () => {
    const doc = parseDocumentFile(
      utf8("\r\n标题\r\n免费。\r\n##paidbegin##付费。\r\n"),
      "My File.txt",
    );
    expect(doc).toEqual({
      encoding: "utf-8",
      meta: {
        title: "标题",
        slug: "my-file",
        summary: null,
        author: null,
        tags: [],
        language: "zh-CN",
        publishedAt: null,
      },
      segments: [
        {
          access: "free",
          html: "<p>免费。</p>",
          text: "免费。",
          counts: { hanCharacters: 2, latinWords: 0, words: 2 },
          headings: [],
        },
        {
          access: "paid",
          html: "<p>付费。</p>",
          text: "付费。",
          counts: { hanCharacters: 2, latinWords: 0, words: 2 },
          headings: [],
        },
      ],
      stats: {
        free: { hanCharacters: 2, latinWords: 0, words: 2 },
        paid: { hanCharacters: 2, latinWords: 0, words: 2 },
        total: { hanCharacters: 4, latinWords: 0, words: 4 },
        readingMinutes: 1,
        paidShare: 0.5,
        paidRegions: 1,
      },
      warnings: [],
    });
  });
});

describe("parseDocument edge cases", () => {
  it("accepts text with a BOM and CRLF passed straight to parseDocument", () => {
    const doc = parseDocument({
      text: "\uFEFF---\r\ntitle: 标题\r\n---\r\n正文。\r\n",
      format: "txt",
    });
    expect(doc.meta.title).toBe("标题");
    expect(doc.segments[0]?.html).toBe("<p>正文。</p>");
  });

  it("rejects empty text", () => {
    expectDocumentError(() => parseDocumentFile(utf8("\n\n"), "a.txt"), "empty");
  });

  it("rejects front matter without a title and without a body", () => {
    expectDocumentError(
      () => parseDocumentFile(utf8("---\nauthor: x\n---\n\n"), "a.txt"),
      "missing-title",
    );
  });

  it("warns about a document that is only a title", () => {
    const doc = parseDocumentFile(utf8("只有标题"), "a.txt");
    expect(doc.segments).toEqual([]);
    expect(doc.warnings.map((warning) => warning.code)).toEqual(["no-paid-marker", "empty-body"]);
    expect(doc.stats.readingMinutes).toBe(1);
  });

  it("warns about a first line that is too long to be a title", () => {
    const doc = parseDocumentFile(utf8(`${"长".repeat(101)}\n正文。`), "a.txt");
    expect(doc.warnings.map((warning) => [warning.code, warning.line])).toEqual([
      ["long-title", 1],
      ["no-paid-marker", undefined],
    ]);
  });
});
