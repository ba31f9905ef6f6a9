// What bench/seed.ts (child process) hands to bench/run.ts, and where it keeps it.
import path from "node:path";

export const benchDataDir = path.join(__dirname, ".data");
export const seedSummaryFile = path.join(benchDataDir, "seed.json");
export const defaultBenchDatabaseUrl = `file:${path.join(benchDataDir, "bench.db")}`;

/** A count given on the command line (`--docs`, `--readers`…), checked the same way by both. */
export function wholeNumber(name: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`--${name} must be a whole number ≥ ${minimum}`);
  return value;
}

export interface SeedSummary {
  database: "sqlite" | "postgres";
  documents: number;
  readers: number;
  subscribers: number;
  /** Seconds to import the `imported.documents` documents through the real import path. */
  importSeconds: number;
  /** The import rate: `imported.documents / importSeconds` (bulk copies are not counted). */
  documentsPerSecond: number;
  /** The first `--import` documents (default 1,000), through importDocument. */
  imported: { documents: number; seconds: number; documentsPerSecond: number };
  /** The rest up to `documents`: bulk copies of the imported rows (0 documents if none). */
  bulkCopied: { documents: number; seconds: number; documentsPerSecond: number };
  /** Average length of a generated (imported) file, in characters (front matter included). */
  averageChars: number;
  /** The subscriber who signs in for the signed-in measurement. */
  subscriber: { email: string; password: string };
  /** The slug measured as the document page. */
  documentSlug: string;
  /** An `?older=` cursor opening library page `pages`, or null with too few documents. */
  deepCursor: { pages: number; cursor: string } | null;
  /** The whole seed: wipe, migrations, import, bulk copy, readers. */
  seedSeconds: number;
  seededAt: string;
}
