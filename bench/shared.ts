// What bench/seed.ts (child process) hands to bench/run.ts, and where it keeps it.
import path from "node:path";

export const benchDataDir = path.join(__dirname, ".data");
export const seedSummaryFile = path.join(benchDataDir, "seed.json");
export const defaultBenchDatabaseUrl = `file:${path.join(benchDataDir, "bench.db")}`;

export interface SeedSummary {
  database: "sqlite" | "postgres";
  documents: number;
  readers: number;
  subscribers: number;
  importSeconds: number;
  documentsPerSecond: number;
  /** Average length of a generated file, in characters (front matter included). */
  averageChars: number;
  /** The subscriber who signs in for the signed-in measurement. */
  subscriber: { email: string; password: string };
  /** The slug measured as the document page. */
  documentSlug: string;
  /** An `?older=` cursor opening library page `pages`, or null with too few documents. */
  deepCursor: { pages: number; cursor: string } | null;
  seededAt: string;
}
