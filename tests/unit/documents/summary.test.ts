import { describe, expect, it } from "vitest";
import { buildPreviewSummary } from "@/lib/documents";
import { parseTxt } from "./helpers";

describe("buildPreviewSummary", () => {
  it.each<[string, string[], number, string]>([
    ["short text stays whole", ["短文。"], 140, "短文。"],
    ["exactly maxChars stays whole", ["一二三四五"], 5, "一二三四五"],
    [
      "Chinese cut after the last sentence that fits",
      ["春天来了，花开了。夏天到了，天气很热。秋天来了。"],
      20,
      "春天来了，花开了。夏天到了，天气很热…",
    ],
    [
      "Chinese cut at a comma when no sentence ends late enough",
      ["春天来了花开了鸟儿在歌唱，夏天到了天气很热很热很热"],
      20,
      "春天来了花开了鸟儿在歌唱…",
    ],
    [
      "Chinese hard cut without punctuation",
      ["一二三四五六七八九十一二三四五六七八九十"],
      10,
      "一二三四五六七八九…",
    ],
    [
      "English cut at a space, not inside a word",
      ["The quick brown foxes jump over the dog"],
      20,
      "The quick brown…",
    ],
    [
      "English cut after a sentence",
      ["It rained. The streets were wet and shining"],
      20,
      "It rained…",
    ],
    [
      "an early sentence end is not used",
      ["It rained. The streets were wet and shining"],
      30,
      "It rained. The streets were…",
    ],
    [
      "a decimal point is not a sentence end",
      ["Growth was 5.2 percent in the year"],
      16,
      "Growth was 5.2…",
    ],
    ["paragraphs are joined", ["第一段。", "第二段。"], 140, "第一段。第二段。"],
    ["English paragraphs get a space", ["One.", "Two."], 140, "One. Two."],
    ["whitespace is collapsed", ["  a   b\t c  "], 140, "a b c"],
    ["no text", [], 140, ""],
  ])("%s", (_name, texts, maxChars, expected) => {
    const summary = buildPreviewSummary(
      texts.map((text) => ({ text })),
      maxChars,
    );
    expect(summary).toBe(expected);
    expect(Array.from(summary).length).toBeLessThanOrEqual(maxChars);
  });

  it("uses 140 characters by default", () => {
    const summary = buildPreviewSummary([{ text: "字".repeat(300) }]);
    expect(summary).toBe(`${"字".repeat(139)}…`);
  });

  it("sees only the free segments it is given", () => {
    const doc = parseTxt("标题\n一、小标题\n公开的内容。\n##paidbegin##\n秘密的内容。");
    const free = doc.segments.filter((segment) => segment.access === "free");
    expect(buildPreviewSummary(free)).toBe("公开的内容。");
  });

  it("skips paid segments even if they are passed by mistake", () => {
    const doc = parseTxt(
      "标题\n公开的内容。\n##paidbegin##\n秘密的内容。\n##paidend##\n结尾公开。",
    );
    const summary = buildPreviewSummary(doc.segments);
    expect(summary).toBe("公开的内容。结尾公开。");
    expect(summary).not.toContain("秘密");
  });

  it("is empty when everything is paid", () => {
    const doc = parseTxt("标题\n##paidbegin##\n全部付费。");
    expect(buildPreviewSummary(doc.segments.filter((segment) => segment.access === "free"))).toBe(
      "",
    );
  });
});
