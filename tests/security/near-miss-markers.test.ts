import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { DocumentError, parseDocument, type DocumentFormat } from "@/lib/documents";

/**
 * Issue 9, finding 4: a marker with one invisible or look-alike character in it was not a marker, so
 * the import succeeded and the text meant to be paid was free. A near miss must now stop the import
 * with an error naming its line; it must never be published as free text.
 */

const canary = () => `CANARY${crypto.randomUUID().replace(/-/g, "")}`;

/** Either the import is refused naming `line`, or the canary ended up behind the paywall only. */
function expectRefusedOrPaid(text: string, format: DocumentFormat, secret: string, line: number) {
  let parsed;
  try {
    parsed = parseDocument({ text, format });
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).line).toBe(line);
    return "refused";
  }
  const free = parsed.segments.filter((segment) => segment.access === "free");
  expect(JSON.stringify(free)).not.toContain(secret);
  expect(JSON.stringify(parsed.meta)).not.toContain(secret);
  return "paid";
}

const nearMisses: [string, string][] = [
  ["soft hyphen", "##paid\u00ADbegin##"],
  ["Cyrillic а", "##p\u0430idbegin##"],
  ["Cyrillic е", "##paidb\u0435gin##"],
  ["em dash", "##paid\u2014begin##"],
  ["U+2011 non-breaking hyphen", "##paid\u2011begin##"],
  ["U+200E left-to-right mark", "##paid\u200Ebegin##"],
  ["U+180E Mongolian vowel separator", "##paidbe\u180Egin##"],
  ["U+2063 invisible separator", "#\u2063#paidbegin##"],
  ["variation selector", "##paid\uFE0Fbegin##"],
  ["soft hyphen between hashes", "##paidbegin#\u00AD#"],
  ["one hash each side", "#paidbegin#"],
  ["small number sign", "\uFE5F\uFE5Fpaidbegin\uFE5F\uFE5F"],
  ["mathematical bold letters", "##\u{1D429}aidbegin##"],
  ["typo", "##paidbegn##"],
];

describe("finding 4: a near-miss marker is refused, never published as free text", () => {
  it.each(nearMisses)("%s before a paid region (txt and md)", (_name, marker) => {
    for (const format of ["txt", "md"] as const) {
      const secret = canary();
      const text = `Title\n\nFree opening.\n${marker}\nPaid ${secret}.\n`;
      expect(expectRefusedOrPaid(text, format, secret, 4)).toBe("refused");
    }
  });

  it.each(nearMisses)("%s as a closing marker is refused too", (_name, marker) => {
    const closing = marker.replace("begin", "end");
    const text = `Title\n\nFree.\n##paidbegin##\nPaid.\n${closing}\nAfter.\n`;
    expect(() => parseDocument({ text, format: "md" })).toThrow(DocumentError);
  });
});
