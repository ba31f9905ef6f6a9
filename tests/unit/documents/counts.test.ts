import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countText, readingMinutes, type TextCounts } from "@/lib/documents";
import { parseMd, parseTxt } from "./helpers";

describe("countText", () => {
  it.each<[string, number, number]>([
    ["你好世界", 4, 0],
    ["Hello world", 0, 2],
    ["我爱JavaScript和TypeScript", 3, 2],
    ["don't stop the well-known 2024年", 1, 5],
    ["“你好”，他说。", 4, 0],
    ["，。！？、；：……——", 0, 0],
    ["𠀀𠀁", 2, 0],
    ["café naïve résumé", 0, 3],
    ["e-mail -- foo 'quoted'", 0, 3],
    ["GDP增长5.2%", 2, 3],
    ["  \n\t ", 0, 0],
    ["", 0, 0],
    ["第1章 Chapter One：开端", 4, 3],
    ["Москва и 北京", 2, 2],
  ])("%j has %i Han characters and %i Latin words", (text, hanCharacters, latinWords) => {
    expect(countText(text)).toEqual({
      hanCharacters,
      latinWords,
      words: hanCharacters + latinWords,
    });
  });
});

describe("readingMinutes", () => {
  it.each<[number, number, number]>([
    [0, 0, 1],
    [400, 0, 1],
    [401, 0, 2],
    [0, 230, 1],
    [0, 231, 2],
    [400, 230, 2],
    [4000, 0, 10],
    [2000, 1150, 10],
    [2001, 1150, 11],
  ])("%i Han + %i words → %i min", (hanCharacters, latinWords, minutes) => {
    const counts: TextCounts = { hanCharacters, latinWords, words: hanCharacters + latinWords };
    expect(readingMinutes(counts)).toBe(minutes);
  });
});

describe("readingMinutes properties", () => {
  const counts = fc.record({
    hanCharacters: fc.nat({ max: 1_000_000 }),
    latinWords: fc.nat({ max: 1_000_000 }),
  });

  it("is a whole number of at least one minute", () => {
    fc.assert(
      fc.property(counts, (text) => {
        const minutes = readingMinutes(text);
        expect(Number.isInteger(minutes)).toBe(true);
        expect(minutes).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it("never shrinks when text is added, and two texts never take longer than apart", () => {
    fc.assert(
      fc.property(counts, counts, (first, second) => {
        const together = {
          hanCharacters: first.hanCharacters + second.hanCharacters,
          latinWords: first.latinWords + second.latinWords,
        };
        expect(readingMinutes(together)).toBeGreaterThanOrEqual(readingMinutes(first));
        expect(readingMinutes(together)).toBeLessThanOrEqual(
          readingMinutes(first) + readingMinutes(second),
        );
      }),
    );
  });

  it("reads 400 Han characters or 230 English words a minute, rounding up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (minutes) => {
        expect(readingMinutes({ hanCharacters: 400 * minutes, latinWords: 0 })).toBe(minutes);
        expect(readingMinutes({ hanCharacters: 400 * minutes + 1, latinWords: 0 })).toBe(
          minutes + 1,
        );
        expect(readingMinutes({ hanCharacters: 0, latinWords: 230 * minutes })).toBe(minutes);
        expect(readingMinutes({ hanCharacters: 0, latinWords: 230 * minutes + 1 })).toBe(
          minutes + 1,
        );
      }),
    );
  });
});

describe("document stats", () => {
  it("counts free, paid and total without the title", () => {
    const doc = parseTxt(
      "Title Words Here\n一二三四\n##paidbegin##\n五六 seven eight\n##paidend##\n九十",
    );
    expect(doc.stats).toEqual({
      free: { hanCharacters: 6, latinWords: 0, words: 6 },
      paid: { hanCharacters: 2, latinWords: 2, words: 4 },
      total: { hanCharacters: 8, latinWords: 2, words: 10 },
      readingMinutes: 1,
      paidShare: 0.4,
      paidRegions: 1,
    });
    expect(doc.segments.map((segment) => segment.counts.words)).toEqual([4, 4, 2]);
  });

  it.each<[string, string, number]>([
    ["everything free", "标题\n一二三四", 0],
    ["everything paid", "标题\n##paidbegin##一二三四", 1],
    ["a quarter paid", "标题\n一二三\n##paidbegin##\n四", 0.25],
    ["nothing but a title", "标题", 0],
  ])("paidShare is right when %s", (_name, text, share) => {
    expect(parseTxt(text).stats.paidShare).toBe(share);
  });

  it("computes reading time from the whole text", () => {
    const doc = parseTxt(`标题\n${"字".repeat(500)}\n##paidbegin##\n${"字".repeat(700)}`);
    expect(doc.stats.readingMinutes).toBe(3);
    expect(doc.stats.total.hanCharacters).toBe(1200);
  });

  it("does not count Markdown syntax or URLs", () => {
    const doc = parseMd("# T\n\n**粗体** and [链接](https://example.com/some/long/path)");
    expect(doc.stats.total).toEqual({ hanCharacters: 4, latinWords: 1, words: 5 });
  });

  it.each([
    ["Chinese text", "标题\n这是中文内容，包含 a few English words。", "zh-CN"],
    ["English text", "Title\nThis is an English text with 中文 inside.", "en"],
    ["a tie (title included)", "AB\n中文 one", "zh-CN"],
  ])("detects the language of %s", (_name, text, language) => {
    expect(parseTxt(text).meta.language).toBe(language);
  });
});
