import { describe, expect, it } from "vitest";
import { parseDocument } from "@/lib/documents";
import { toStoredDocument } from "@/lib/import/stored-document";

const stored = (text: string, format: "txt" | "md" = "txt") =>
  toStoredDocument(parseDocument({ text, format, fileName: "doc.txt" }));

describe("toStoredDocument", () => {
  it.each([
    ["one region to the end", "T\nfree a\n##paidbegin##\nSECRET b\n", ["free", "locked"], 1],
    [
      "a closed region",
      "T\nfree a\n##paidbegin##\nSECRET b\n##paidend##\nfree c\n",
      ["free", "locked", "free"],
      1,
    ],
    [
      "three regions",
      "T\nf1\n##paidbegin##SECRET 1\n##paidend##\nf2\n##paidbegin##SECRET 2\n##paidend##\nf3\n##paidbegin##SECRET 3\n",
      ["free", "locked", "free", "locked", "free", "locked"],
      3,
    ],
    ["paid from the first line", "T\n##paidbegin##SECRET all\n", ["locked"], 1],
    ["no marker", "T\nall free\n", ["free"], 0],
  ])("%s: public rows hold no paid text", (_name, text, kinds, paidRegions) => {
    const document = stored(text);
    expect(document.publicSegments.map((segment) => segment.kind)).toEqual(kinds);
    expect(document.paidRegions).toBe(paidRegions);
    expect(document.paidSegments).toHaveLength(paidRegions);
    expect(JSON.stringify(document.publicSegments)).not.toContain("SECRET");
    expect(document.summary).not.toContain("SECRET");
    // Every locked placeholder has its paid segment at the same position, with the same size.
    for (const placeholder of document.publicSegments.filter(
      (segment) => segment.kind === "locked",
    )) {
      const paid = document.paidSegments.find(
        (segment) => segment.position === placeholder.position,
      );
      expect(paid?.html).toContain("SECRET");
      expect(paid?.words).toBe(placeholder.words);
    }
  });

  it("takes the summary from front matter when given", () => {
    const document = stored(
      "---\ntitle: T\nsummary: Written by the publisher\n---\nfree\n##paidbegin##SECRET\n",
      "md",
    );
    expect(document.summary).toBe("Written by the publisher");
  });
});
