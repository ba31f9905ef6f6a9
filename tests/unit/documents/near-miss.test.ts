import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, parseDocumentFile } from "@/lib/documents";
import { findMarkers } from "@/lib/documents/markers";
import { editDistance, findNearMissMarkers } from "@/lib/documents/near-miss";

function nearMisses(text: string) {
  return findNearMissMarkers(text, findMarkers(text, 1));
}

describe("near-miss markers: what counts", () => {
  it.each([
    ["one hash each side", "#paidbegin#", "#paidbegin#"],
    ["three and one hashes", "###paidend#", "###paidend#"],
    ["missing closing hashes", "##paidbegin and then text", "##paidbegin and then text"],
    ["a typo", "##paidbegn##", "##paidbegn##"],
    ["two typos", "##padbegn##", "##padbegn##"],
    ["no hashes, one word", "see paid_begin here", "paid_begin"],
    ["camel case, no hashes", "PaidEnd", "PaidEnd"],
    ["two words after hashes", "## paid begin", "## paid begin"],
    ["two words before hashes", "text paid end ##", "text paid end ##"],
    ["soft hyphen", "##paid\u00ADbegin##", "##paid<U+00AD>begin##"],
    ["Cyrillic letters", "##р\u0430idbegin##", "##<U+0440><U+0430>idbegin##"],
    ["Greek letters", "##paidβεgin##", "##paid<U+03B2><U+03B5>gin##"],
    ["em dash", "##paid—end##", "##paid<U+2014>end##"],
    ["Mongolian vowel separator", "##paid\u180Eend##", "##paid<U+180E>end##"],
    [
      "full-width letters",
      "##ｐａｉｄｅｎｄ#",
      "##<U+FF50><U+FF41><U+FF49><U+FF44><U+FF45><U+FF4E><U+FF44>#",
    ],
    ["music sharp signs", "♯♯paidbegin♯♯", "<U+266F><U+266F>paidbegin<U+266F><U+266F>"],
    ["inside Chinese text", "正文##paid begn##正文", "##paid begn##"],
  ])("%s is one", (_name, line, shown) => {
    const found = nearMisses(`Title\n\n${line}\n`);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.line).toBe(3);
    if (!shown.startsWith("##") || shown !== "##")
      expect(found.map((miss) => miss.shown)).toContain(shown);
  });

  it.each([
    ["prose about paying", "The bill was paid end of month, then paid again."],
    ["a heading about pairs", "## Paired reading"],
    ["a heading on paid plans", "## Paid and free plans"],
    ["a heading with paid", "# Paid"],
    ["C sharp and F sharp", "C# and F# are languages; so is #hashtag."],
    ["a ranking", "#1 priority: the budget"],
    ["prepaid", "prepaid ending, paid-up members, unpaid endings"],
    ["Markdown ATX closing hashes", "### Beginnings ###"],
    ["an exact marker", "##paidbegin##"],
    ["an exact marker with zero-width space", "##paid\u200Bbegin##"],
    ["Chinese with full-width punctuation", "第一章　总则（一）：坚持，发展！"],
  ])("%s is not one", (_name, line) => {
    expect(nearMisses(`Title\n\n${line}\n`)).toEqual([]);
  });

  it.each([
    ["paidbegin", "paidbegin", 0],
    ["paidbegn", "paidbegin", 1],
    ["paired", "paidend", 2],
    ["", "paidend", 7],
  ])("editDistance(%s, %s) = %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe("near-miss markers: no false alarms on ordinary text", () => {
  const hashes = fc.integer({ min: 0, max: 6 }).map((count) => "#".repeat(count));

  it("random English sentences, headings and hashtags import without a near miss", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hashes, fc.lorem({ maxCount: 12, mode: "words" }), hashes), {
          maxLength: 20,
        }),
        (lines) => {
          const body = lines.map(([open, text, close]) => `${open} ${text} ${close}`).join("\n");
          expect(() => parseDocument({ text: `Title\n\n${body}\n`, format: "md" })).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("random Chinese and mixed text imports without a near miss", () => {
    const han = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCodePoint(code));
    const piece = fc.oneof(
      han,
      fc.constantFrom("，", "。", "“", "”", "：", "（", "）", " ", "GDP", "5G", "#", "——"),
    );
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 40 }), { maxLength: 20 }), (lines) => {
        const body = lines.map((line) => line.join("")).join("\n");
        expect(() => parseDocument({ text: `标题\n${body}\n`, format: "txt" })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  const seedCandidates = [
    path.resolve(__dirname, "../../../../shared/samples/seed-speech.txt"),
    "/work/shared/samples/seed-speech.txt",
  ];
  const seedPath = seedCandidates.find((candidate) => existsSync(candidate));

  it.skipIf(seedPath === undefined)("the seed speech imports", () => {
    const doc = parseDocumentFile(readFileSync(seedPath ?? ""), "seed-speech.txt");
    expect(doc.stats.paidRegions).toBeGreaterThan(0);
  });

  const samples = path.resolve(__dirname, "../../../content/samples");
  it.each(
    readdirSync(samples).filter((name) => /\.(?:txt|md)$/.test(name) && name !== "README.md"),
  )("the sample %s imports", (name) => {
    expect(() => parseDocumentFile(readFileSync(path.join(samples, name)), name)).not.toThrow();
  });
});
