import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildPreviewSummary, parseDocumentFile } from "@/lib/documents";
import { sharedSample } from "../../support/samples";

// Fails loudly when the sample is missing (tests/support/samples.ts).
const SEED_PATH = sharedSample("seed-speech.txt");
const PAID_START = "二要坚持出实招求实效";

describe.skipIf(SEED_PATH === null)("seed document (../shared/samples/seed-speech.txt)", () => {
  const load = () => {
    const bytes = readFileSync(SEED_PATH ?? "");
    const sourceLines = bytes
      .toString("utf8")
      .split("\n")
      .map((line) => line.trim());
    return { doc: parseDocumentFile(bytes, "seed-speech.txt"), sourceLines };
  };

  it("takes the title from the first non-empty line", () => {
    const { doc } = load();
    expect(doc.meta.title).toBe("党员干部在主题教育“以学促干”专题研讨会上的体会发言");
    expect(doc.meta.language).toBe("zh-CN");
    expect(doc.meta.slug).toBe("seed-speech");
    expect(doc.encoding).toBe("utf-8");
  });

  it("finds exactly the three numbered section headings", () => {
    const { doc } = load();
    const headings = doc.segments.flatMap((segment) => segment.headings);
    expect(headings.map((heading) => [heading.level, heading.text.slice(0, 2)])).toEqual([
      [2, "一、"],
      [2, "二、"],
      [2, "三、"],
    ]);
  });

  it("cuts free and paid text exactly at the inline ##paidbegin##", () => {
    const { doc, sourceLines } = load();
    expect(doc.segments.map((segment) => segment.access)).toEqual(["free", "paid"]);
    const [free, paid] = doc.segments;
    const markerLineIndex = sourceLines.findIndex((line) => line.includes(PAID_START));
    const paragraphBeforeMarker = sourceLines[markerLineIndex - 1];
    expect(free?.text.split("\n").at(-1)).toBe(paragraphBeforeMarker);
    expect(paid?.text.startsWith(PAID_START)).toBe(true);
    expect(paid?.html.startsWith(`<p>${PAID_START}`)).toBe(true);
    expect(doc.stats.paidRegions).toBe(1);
    expect(doc.warnings).toEqual([]);
  });

  it("leaves no marker residue anywhere", () => {
    const { doc } = load();
    for (const segment of doc.segments) {
      expect(segment.html).not.toContain("##");
      expect(segment.text).not.toContain("##");
      expect(segment.text).not.toMatch(/paid/i);
    }
  });

  it("keeps the paid text out of the preview summary", () => {
    const { doc } = load();
    const summary = buildPreviewSummary(
      doc.segments.filter((segment) => segment.access === "free"),
    );
    expect(summary).not.toContain(PAID_START);
    expect(Array.from(summary).length).toBeLessThanOrEqual(140);
    expect(summary.endsWith("…")).toBe(true);
  });

  it("counts the speech's characters and gives its reading time (example)", () => {
    const { doc } = load();
    expect(doc.stats).toMatchObject({
      free: { hanCharacters: 437, latinWords: 0, words: 437 },
      paid: { hanCharacters: 2070, latinWords: 0, words: 2070 },
      total: { hanCharacters: 2507, latinWords: 0, words: 2507 },
      // About 2,500 Han characters at 400 a minute: a little over six minutes, shown as seven.
      readingMinutes: 7,
      paidRegions: 1,
    });
    expect(doc.stats.paidShare).toBeCloseTo(0.8257, 4);
  });
});
