import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, type DocumentFormat } from "@/lib/documents";
import {
  assemble,
  documentFormat,
  documentLayout,
  paidChunksFor,
  paidHtml,
  parseGenerated,
  publicProjection,
} from "../support/document-arbitraries";

/**
 * Issue 9, finding 3: Markdown constructs crossed the paid/free boundary. A reference definition in a
 * paid region resolved links in the free part (its URL was on the public page and in the feed), and a
 * fence opened in a paid region and cut by ##paidend## reopened in the free part with its info string.
 * Every output a stranger can see is checked: free segment HTML and text, headings, title, summary,
 * language, the public rows, and JSON-LD built from them.
 */

const canary = () => `CANARY${crypto.randomUUID().replace(/-/g, "")}`;

describe("finding 3: no Markdown construct carries paid source into free output", () => {
  const attacks: [string, (secret: string) => string][] = [
    [
      "reference definition in a paid region resolves a free link",
      (secret) =>
        `# Title\n\nSee [the source][src] and ![a chart][img] and [src].\n\n##paidbegin##\n\nPaid ${secret}.\n\n[src]: https://${secret}.example/report "${secret} title"\n[img]: https://${secret}.example/chart.png\n`,
    ],
    [
      "fence opened in a paid region and cut by ##paidend## reopens in the free part",
      (secret) =>
        `# Title\n\nIntro.\n\n##paidbegin##\nPaid ${secret}.\n\n\`\`\`${secret}\nsecret code\n##paidend##\nfree code\n\`\`\`\n\nMore free text.\n`,
    ],
    [
      "paid heading levels reshape free headings",
      (secret) => `# Title\n\n### Free heading\n\nText.\n\n##paidbegin##\n# ${secret}\n\nPaid.\n`,
    ],
    [
      "reference definition split across the marker",
      (secret) =>
        `# Title\n\nRead [more][x].\n\n[x]: ##paidbegin##https://${secret}.example/ "t"\n\nPaid ${secret}.\n`,
    ],
  ];

  it.each(attacks)("%s", (_name, build) => {
    const secret = canary();
    const parsed = parseDocument({ text: build(secret), format: "md" });
    expect(paidHtml(parsed)).toContain(secret); // positive control
    expect(JSON.stringify(publicProjection(parsed)).toLowerCase()).not.toContain(
      secret.toLowerCase(),
    );
  });

  it("paid headings do not change the level of free headings", () => {
    const withPaidTop = parseDocument({
      text: "# Title\n\n### Free heading\n\n##paidbegin##\n# Paid top\n",
      format: "md",
    });
    const withPaidLow = parseDocument({
      text: "# Title\n\n### Free heading\n\n##paidbegin##\n#### Paid low\n",
      format: "md",
    });
    expect(withPaidTop.segments[0]?.html).toBe(withPaidLow.segments[0]?.html);
  });

  it.each<[DocumentFormat, string]>([
    ["md", "md"],
    ["txt", "txt"],
  ])("the language of a %s document comes from public text only", (format) => {
    const chinesePaid = "中文付费内容".repeat(200);
    const parsed = parseDocument({
      text: `An English title\n\nA short free opening in English.\n\n##paidbegin##\n${chinesePaid}\n`,
      format,
    });
    expect(parsed.meta.language).toBe("en");
  });

  it("the plain-text layout of the free part does not depend on paid lines", () => {
    const free =
      "Title\n\nThis free opening line is wrapped at a fixed column and so\ncontinues on the next line of the file\n";
    const wrappedPaid =
      "\n##paidbegin##\nA paid paragraph that is wrapped at a column\nof about sixty characters and goes on\n\nand another wrapped paragraph of the\nsame kind follows after a blank line\n";
    const unwrappedPaid = "\n##paidbegin##\nOne.\nTwo.\nThree.\nFour.\n";
    const a = parseDocument({ text: free + wrappedPaid, format: "txt" });
    const b = parseDocument({ text: free + unwrappedPaid, format: "txt" });
    expect(a.segments[0]).toEqual(b.segments[0]);
  });
});

describe("finding 3, the class: free output is a function of free source alone (property-based)", () => {
  const nonce = crypto.randomUUID().replace(/-/g, "").slice(0, 12);
  const secrets = [0, 1, 2, 3].map((index) => `Zq${index}Canary${nonce}`);

  it("no paid canary reaches any public output, and each one is in the paid rendering", () => {
    fc.assert(
      fc.property(documentLayout, documentFormat, paidChunksFor(secrets), (shape, format, paid) => {
        const document = assemble(shape, format);
        const parsed = parseGenerated(document, paid);
        const published = JSON.stringify(publicProjection(parsed)).toLowerCase();
        for (const secret of secrets) expect(published).not.toContain(secret.toLowerCase());
        const paidRendering = paidHtml(parsed);
        for (const secret of secrets.slice(0, document.paidRegionCount))
          expect(paidRendering).toContain(secret);
      }),
      { numRuns: 200 },
    );
  });

  it("changing every paid region changes nothing a stranger can see", () => {
    fc.assert(
      fc.property(
        documentLayout,
        documentFormat,
        paidChunksFor(secrets),
        paidChunksFor(secrets),
        (shape, format, paid, otherPaid) => {
          const document = assemble(shape, format);
          expect(publicProjection(parseGenerated(document, otherPaid))).toEqual(
            publicProjection(parseGenerated(document, paid)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
