import crypto from "node:crypto";
import fc from "fast-check";
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

/** Characters a marker may pick up on the way: format characters, variation selectors, joiners. */
const INVISIBLE = [
  "\u00AD",
  "\u034F",
  "\u061C",
  "\u180E",
  "\u200B",
  "\u200C",
  "\u200D",
  "\u200E",
  "\u200F",
  "\u2060",
  "\u2061",
  "\u2062",
  "\u2063",
  "\u2064",
  "\uFEFF",
  "\uFE00",
  "\uFE0F",
  "\u{E0100}",
  "\u3164",
];
const LOOK_ALIKES: Readonly<Record<string, readonly string[]>> = {
  p: ["р", "ρ", "ｐ", "𝐩", "P", "Р"],
  a: ["а", "α", "ɑ", "ａ", "𝐚", "A", "А"],
  i: ["і", "ι", "ı", "ｉ", "ⅰ", "I", "І"],
  d: ["ԁ", "ｄ", "𝐝", "D"],
  b: ["ｂ", "𝐛", "B", "Ь"],
  e: ["е", "ε", "ｅ", "𝐞", "E", "Е"],
  g: ["ɡ", "ց", "ｇ", "G"],
  n: ["п", "η", "ո", "ｎ", "N"],
  "#": ["＃", "﹟", "♯"],
  "-": ["‐", "‑", "‒", "–", "—", "―", "−", "－", "﹣", "_", "·"],
};

type Edit =
  { at: number; kind: "insert"; text: string } | { at: number; kind: "replace"; pick: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    at: fc.nat(),
    kind: fc.constant("insert" as const),
    text: fc.constantFrom(...INVISIBLE),
  }),
  fc.record({ at: fc.nat(), kind: fc.constant("replace" as const), pick: fc.nat() }),
);

function mutate(marker: string, edits: readonly Edit[]): string {
  const characters = [...marker];
  for (const change of edits) {
    const at = change.at % (characters.length + 1);
    if (change.kind === "insert") characters.splice(at, 0, change.text);
    else {
      const index = Math.min(at, characters.length - 1);
      const options = LOOK_ALIKES[characters[index]?.toLowerCase() ?? ""];
      if (options) characters[index] = options[change.pick % options.length] ?? "";
    }
  }
  return characters.join("");
}

const EXACT = {
  begin: ["##paidbegin##", "##paid-begin##", "## paid begin ##"],
  end: ["##paidend##", "##paid-end##"],
};
const around = fc.constantFrom("", " ", "Some words ", "中文");

describe("finding 4, the class: a mutated marker is a marker or an error naming its line (property-based)", () => {
  it("an opening marker with invisible characters and look-alikes never publishes what follows", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXACT.begin),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        around,
        around,
        fc.constantFrom<DocumentFormat>("txt", "md"),
        (marker, edits, before, after, format) => {
          const secret = canary();
          const text = `Title\n\nFree opening.\n${before}${mutate(marker, edits)}${after}\nPaid ${secret}.\n`;
          expectRefusedOrPaid(text, format, secret, 4);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a closing marker with invisible characters and look-alikes is either a marker or refused", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXACT.end),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<DocumentFormat>("txt", "md"),
        (marker, edits, format) => {
          const text = `Title\n\nFree.\n##paidbegin##\nPaid.\n${mutate(marker, edits)}\nFree again.\n`;
          let parsed;
          try {
            parsed = parseDocument({ text, format });
          } catch (error) {
            expect(error).toBeInstanceOf(DocumentError);
            expect((error as DocumentError).line).toBe(6);
            return;
          }
          // Invisible characters outside the marker's letters stay as (invisible) text; that is harmless.
          const visible = (text: string) => text.replace(/[\p{Cf}\p{M}\u3164]/gu, "").trim();
          expect(parsed.segments.map((segment) => [segment.access, visible(segment.text)])).toEqual(
            [
              ["free", "Free."],
              ["paid", "Paid."],
              ["free", "Free again."],
            ],
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
