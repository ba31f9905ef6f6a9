import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseIsoDate, slugFromFileName } from "@/lib/documents";
import { expectDocumentError, parseMd, parseTxt } from "./helpers";

function withFrontMatter(yaml: string, body = "正文第一行不是标题。"): string {
  return `---\n${yaml}\n---\n${body}`;
}

describe("front matter fields", () => {
  it("reads every field and keeps the first body line as text", () => {
    const doc = parseTxt(
      withFrontMatter(
        [
          'title: "自定义标题"',
          "slug: my-doc-2024",
          "summary: 一段简介。",
          "author: 张三",
          "tags: [政治, 学习, 政治]",
          "language: zh-Hans",
          "published: 2024-05-01",
          "unknown_field: ignored",
        ].join("\n"),
      ),
      "whatever.txt",
    );
    expect(doc.meta).toEqual({
      title: "自定义标题",
      slug: "my-doc-2024",
      summary: "一段简介。",
      author: "张三",
      tags: ["政治", "学习"],
      language: "zh-CN",
      publishedAt: new Date("2024-05-01T00:00:00.000Z"),
    });
    expect(doc.segments[0]?.text).toBe("正文第一行不是标题。");
  });

  it("defaults every optional field", () => {
    const doc = parseTxt("标题\n正文。");
    expect(doc.meta).toMatchObject({
      summary: null,
      author: null,
      tags: [],
      publishedAt: null,
      language: "zh-CN",
    });
  });

  it("ignores an empty front matter block", () => {
    const doc = parseTxt("---\n---\n标题\n正文。");
    expect(doc.meta.title).toBe("标题");
  });

  it.each<[string, string, string[]]>([
    ["a YAML list", "tags:\n  - a\n  - b", ["a", "b"]],
    ["a comma-separated string", "tags: a, b ,c", ["a", "b", "c"]],
    ["full-width commas and 、", "tags: 经济，政治、文化", ["经济", "政治", "文化"]],
    ["duplicates in any case", "tags: [News, news, NEWS, other]", ["News", "other"]],
    ["numbers", "tags: [2024, AI]", ["2024", "AI"]],
    ["an empty string", 'tags: ""', []],
  ])("reads tags from %s", (_name, yaml, tags) => {
    expect(parseTxt(withFrontMatter(yaml)).meta.tags).toEqual(tags);
  });

  it.each([
    ["zh", "zh-CN"],
    ["zh-CN", "zh-CN"],
    ["zh-Hans", "zh-CN"],
    ["zh_TW", "zh-CN"],
    ["en", "en"],
    ["en-US", "en"],
    ["EN-gb", "en"],
    ["English", "en"],
  ])("normalises language %s to %s", (language, expected) => {
    expect(parseTxt(withFrontMatter(`language: ${language}`)).meta.language).toBe(expected);
  });

  it.each([
    ["published: 2024-05-01", "2024-05-01T00:00:00.000Z"],
    ["published: '2024-05-01'", "2024-05-01T00:00:00.000Z"],
    ["published: 2024-05-01T08:30:00+08:00", "2024-05-01T00:30:00.000Z"],
    ['published: "2024-05-01 08:30:00Z"', "2024-05-01T08:30:00.000Z"],
    ["date: 2023-12-31", "2023-12-31T00:00:00.000Z"],
    ["date: 2023-12-31\npublished: 2024-01-02", "2024-01-02T00:00:00.000Z"],
    ["published: 2024-02-29", "2024-02-29T00:00:00.000Z"],
  ])("reads %s", (yaml, iso) => {
    expect(parseTxt(withFrontMatter(yaml)).meta.publishedAt?.toISOString()).toBe(iso);
  });

  it("accepts a numeric title (YAML reads `title: 1984` as a number)", () => {
    expect(parseTxt(withFrontMatter("title: 1984")).meta.title).toBe("1984");
  });

  it("falls back to the first line when the title is blank", () => {
    const doc = parseTxt(withFrontMatter('title: "  "', "真正的标题\n正文。"));
    expect(doc.meta.title).toBe("真正的标题");
    expect(doc.segments[0]?.text).toBe("正文。");
  });

  it("works in Markdown and keeps the body's first heading", () => {
    const doc = parseMd(withFrontMatter("title: Front Title", "# First Heading\n\nText."));
    expect(doc.meta.title).toBe("Front Title");
    expect(doc.segments[0]?.html).toBe("<h2>First Heading</h2>\n<p>Text.</p>");
  });

  it("does not evaluate JavaScript front matter", () => {
    const globals = globalThis as { folioFrontMatterEvaluated?: boolean };
    const doc = parseTxt(
      "---js\n{ title: (globalThis.folioFrontMatterEvaluated = true, 'x') }\n---\n正文。",
    );
    expect(globals.folioFrontMatterEvaluated).toBe(undefined);
    expect(doc.meta.title).toBe("---js");
  });
});

describe("invalid front matter", () => {
  it.each<[string, string, number | undefined, string]>([
    ["broken YAML", "title: [unclosed", 3, "front matter is not valid YAML"],
    [
      "a duplicated key",
      "title: a\ntitle: b",
      3,
      "front matter is not valid YAML: duplicated mapping key",
    ],
    ["a list instead of a mapping", "- a\n- b", 2, "front matter must be a YAML mapping"],
    ["an object title", "title: {a: 1}", 2, 'front matter field "title" must be text'],
    ["a boolean author", "author: true", 2, 'front matter field "author" must be text'],
    [
      "object tags",
      "tags: {a: 1}",
      2,
      'front matter field "tags" must be a list or a comma-separated string',
    ],
    [
      "nested tag lists",
      "tags: [[a]]",
      2,
      'front matter field "tags" must contain only text items',
    ],
    [
      "an unsupported language",
      "title: t\nlanguage: fr",
      3,
      'front matter field "language" "fr" is not a supported language',
    ],
    [
      "an upper-case slug",
      "slug: My-Doc",
      2,
      'front matter field "slug" "My-Doc" must be 1–80 characters',
    ],
    ["a slug with spaces", "slug: my doc", 2, 'front matter field "slug"'],
    ["a slug with a leading dash", "slug: -doc", 2, 'front matter field "slug"'],
    ["a slug of 81 characters", `slug: ${"a".repeat(81)}`, 2, 'front matter field "slug"'],
    [
      "an impossible date",
      "published: 2024-02-30",
      2,
      'front matter field "published" "2024-02-30" is not a valid ISO date',
    ],
    [
      "a non-ISO date",
      "date: 05/01/2024",
      2,
      'front matter field "date" "05/01/2024" is not a valid ISO date',
    ],
    ["a word as date", "published: yesterday", 2, 'front matter field "published"'],
    [
      "a numeric date",
      "published: 20240501",
      2,
      'front matter field "published" must be an ISO date',
    ],
  ])("rejects %s", (_name, yaml, line, message) => {
    const error = expectDocumentError(
      () => parseTxt(withFrontMatter(yaml)),
      "invalid-front-matter",
      line,
    );
    expect(error.message).toContain(message);
  });

  it("rejects a front matter block that is never closed", () => {
    const error = expectDocumentError(
      () => parseTxt("---\ntitle: x\n正文。"),
      "invalid-front-matter",
      1,
    );
    expect(error.message).toBe(
      "line 1: front matter opened with --- is never closed with a --- line",
    );
  });

  it("accepts the longest allowed slug", () => {
    expect(parseTxt(withFrontMatter(`slug: ${"a".repeat(80)}`)).meta.slug).toBe("a".repeat(80));
  });
});

describe("parseIsoDate", () => {
  it.each([
    ["2024-01-31", "2024-01-31T00:00:00.000Z"],
    ["2024-01-31T23:59:59.5Z", "2024-01-31T23:59:59.500Z"],
    ["2024-01-31T10:00+0800", "2024-01-31T02:00:00.000Z"],
  ])("parses %s", (text, iso) => {
    expect(parseIsoDate(text)?.toISOString()).toBe(iso);
  });

  it.each([
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-01-01T24:00",
    "2024-1-1",
    "tomorrow",
    "",
  ])("rejects %s", (text) => {
    expect(parseIsoDate(text)).toBe(null);
  });
});

describe("slugs", () => {
  it.each([
    ["My Great Essay.txt", "my-great-essay"],
    ["reports/2024_Q1 Report.md", "2024-q1-report"],
    ["C:\\docs\\Café Olé.markdown", "cafe-ole"],
    ["---weird---name---.txt", "weird-name"],
    ["archive.tar.gz", "archive-tar"],
    ["no-extension", "no-extension"],
    ["政府工作报告.txt", ""],
    ["2024年政府工作报告.txt", "2024"],
    [`${"a".repeat(79)}-b.txt`, "a".repeat(79)],
  ])("slugFromFileName(%s) is %s", (fileName, slug) => {
    expect(slugFromFileName(fileName)).toBe(slug);
  });

  const hashSlug = (title: string) =>
    `doc-${createHash("sha256").update(title).digest("hex").slice(0, 10)}`;

  it.each<[string, string | undefined, string]>([
    ["an English file name", "Annual Report.txt", "annual-report"],
    ["a Chinese file name", "体会发言.txt", hashSlug("体会发言标题")],
    ["no file name", undefined, hashSlug("体会发言标题")],
  ])("derives the slug from %s", (_name, fileName, slug) => {
    const doc = parseTxt("体会发言标题\n正文。", fileName);
    expect(doc.meta.slug).toBe(slug);
    expect(doc.meta.slug).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
  });

  it("prefers the front matter slug", () => {
    expect(parseTxt(withFrontMatter("slug: chosen"), "Other Name.txt").meta.slug).toBe("chosen");
  });
});
