import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvironment } from "@/lib/config/env";

describe("parseEnvironment", () => {
  it("runs on embedded defaults with no variables at all", () => {
    expect(parseEnvironment({})).toEqual({
      nodeEnv: "development",
      database: { provider: "sqlite", filePath: path.resolve("data", "folio.db") },
      siteUrl: "http://localhost:3000",
      maxDocumentBytes: 10 * 1024 * 1024,
      seedSamples: true,
    });
  });

  it.each([
    [
      "postgres://u@db:5432/folio",
      { provider: "postgres", connectionString: "postgres://u@db:5432/folio" },
    ],
    [
      "postgresql://u@db/folio",
      { provider: "postgres", connectionString: "postgresql://u@db/folio" },
    ],
    ["file:/var/lib/folio/folio.db", { provider: "sqlite", filePath: "/var/lib/folio/folio.db" }],
  ])("reads DATABASE_URL %s", (url, database) => {
    expect(parseEnvironment({ DATABASE_URL: url }).database).toEqual(database);
  });

  it.each([
    [{ DATABASE_URL: "mysql://db/folio" }, /DATABASE_URL: must be a file: URL/],
    [{ FOLIO_MAX_DOCUMENT_BYTES: "-5" }, /FOLIO_MAX_DOCUMENT_BYTES/],
    [{ FOLIO_MAX_DOCUMENT_BYTES: "lots" }, /FOLIO_MAX_DOCUMENT_BYTES/],
    [{ FOLIO_SITE_URL: "not a url" }, /FOLIO_SITE_URL/],
    [{ FOLIO_SEED_SAMPLES: "maybe" }, /FOLIO_SEED_SAMPLES/],
  ])("rejects %j with a readable error", (source, message) => {
    expect(() => parseEnvironment(source)).toThrow(message);
  });

  it("strips a trailing slash from the site URL and reads flags", () => {
    const parsed = parseEnvironment({
      FOLIO_SITE_URL: "https://read.example/",
      FOLIO_SEED_SAMPLES: "false",
    });
    expect(parsed.siteUrl).toBe("https://read.example");
    expect(parsed.seedSamples).toBe(false);
  });
});
