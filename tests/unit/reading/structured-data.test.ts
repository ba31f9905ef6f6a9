import { describe, expect, it } from "vitest";
import { articleJsonLd, serializeJsonLd } from "@/lib/reading/structured-data";
import type { DocumentListing } from "@/lib/reading/documents";

const listing: DocumentListing = {
  id: "1",
  slug: "essay",
  title: "An </script><script>alert(1)</script> essay",
  summary: "Summary with <b>tags</b> and \u2028 separators",
  author: "Ann",
  tags: ["a", "b"],
  language: "en",
  publishedAt: new Date("2026-01-01T00:00:00Z"),
  updatedAt: new Date("2026-01-02T00:00:00Z"),
  version: 1,
  freeWords: 10,
  paidWords: 20,
  readingMinutes: 1,
  paidRegions: 1,
};

describe("articleJsonLd", () => {
  it("marks a paid document as not free and names the paywalled section", () => {
    expect(articleJsonLd(listing, "https://folio.example/d/essay")).toMatchObject({
      "@type": "Article",
      isAccessibleForFree: false,
      hasPart: { "@type": "WebPageElement", isAccessibleForFree: false, cssSelector: ".paywall" },
      author: { "@type": "Person", name: "Ann" },
    });
  });

  it("marks a free document as free, without a paywalled part", () => {
    const data = articleJsonLd(
      { ...listing, paidRegions: 0, paidWords: 0 },
      "https://folio.example/d/essay",
    );
    expect(data.isAccessibleForFree).toBe(true);
    expect(data).not.toHaveProperty("hasPart");
  });
});

describe("serializeJsonLd", () => {
  it("cannot close the script element and round-trips", () => {
    const data = articleJsonLd(listing, "https://folio.example/d/essay");
    const json = serializeJsonLd(data);
    expect(json).not.toMatch(/<\/script/i);
    expect(json).not.toContain("<");
    expect(json).not.toContain("\u2028");
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
  });
});
