import { describe, expect, it } from "vitest";
import { parseDocumentFile } from "@/lib/documents";

/** Deterministic Chinese prose: headings every 20 paragraphs, a paid region from the middle on. */
function chineseDocument(targetBytes: number): Uint8Array {
  const sentence = "我们要坚持以人民为中心的发展思想，把群众的急难愁盼作为工作的出发点和落脚点。";
  const paragraph = sentence.repeat(6);
  const numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
  const lines = ["性能测试文档标题"];
  let bytes = 0;
  for (let index = 0; bytes < targetBytes; index++) {
    if (index % 20 === 0)
      lines.push(`${numerals[(index / 20) % 10]}、第${index / 20 + 1}部分的小标题`);
    lines.push(paragraph);
    bytes += paragraph.length * 3 + 1;
    if (bytes >= targetBytes / 2 && !lines.includes("##paidbegin##")) lines.push("##paidbegin##");
  }
  return new TextEncoder().encode(lines.join("\n"));
}

function englishMarkdown(targetBytes: number): Uint8Array {
  const paragraph =
    "The quick brown fox jumps over the lazy dog, and *then* it runs to [the woods](https://example.com). ".repeat(
      5,
    );
  const blocks = ["# Performance"];
  let bytes = 0;
  for (let index = 0; bytes < targetBytes; index++) {
    if (index % 20 === 0) blocks.push(`## Section ${index / 20 + 1}`);
    blocks.push(paragraph);
    bytes += paragraph.length + 2;
    if (bytes >= targetBytes / 2 && !blocks.includes("##paidbegin##")) blocks.push("##paidbegin##");
  }
  return new TextEncoder().encode(blocks.join("\n\n"));
}

function timeParse(bytes: Uint8Array, fileName: string) {
  const started = performance.now();
  // Past the default 10 MB limit on purpose: the parser itself must stay fast on large input.
  const doc = parseDocumentFile(bytes, fileName, { maxBytes: 64 * 1024 * 1024 });
  const milliseconds = performance.now() - started;
  console.info(
    `${fileName}: ${(bytes.length / 1024 / 1024).toFixed(1)} MB parsed in ${milliseconds.toFixed(0)} ms`,
  );
  return { doc, milliseconds };
}

describe("performance", () => {
  it.each([
    ["2 MB", 2 * 1024 * 1024],
    ["10 MB", 10 * 1024 * 1024],
  ])("parses a %s Chinese .txt in under 3 s", (label, size) => {
    const bytes = chineseDocument(size);
    const { doc, milliseconds } = timeParse(bytes, `chinese-${label.replace(" ", "")}.txt`);
    expect(doc.segments.map((segment) => segment.access)).toEqual(["free", "paid"]);
    expect(doc.stats.total.hanCharacters).toBeGreaterThan(size / 4);
    expect(milliseconds).toBeLessThan(3000);
  });

  it("parses a 2 MB Markdown document in under 5 s", () => {
    const { doc, milliseconds } = timeParse(englishMarkdown(2 * 1024 * 1024), "english-2MB.md");
    expect(doc.segments.map((segment) => segment.access)).toEqual(["free", "paid"]);
    expect(milliseconds).toBeLessThan(5000);
  });
});
