import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./test-database";

/**
 * The real documents some tests read (never copied into the project): `../shared/samples` beside
 * the checkout, or the folder FOLIO_SHARED_SAMPLES names (a git worktree elsewhere). A missing
 * sample fails loudly; only FOLIO_SKIP_SHARED_SAMPLES=1 skips the tests that need it, on purpose.
 */
export const sharedSamplesDirectory = path.resolve(
  process.env.FOLIO_SHARED_SAMPLES ?? path.join(repoRoot, "..", "shared", "samples"),
);

export const skipSharedSamples = process.env.FOLIO_SKIP_SHARED_SAMPLES === "1";

/** The sample's path; null only when skipping was asked for. Throws when it is missing. */
export function sharedSample(name: string): string | null {
  const file = path.join(sharedSamplesDirectory, name);
  if (skipSharedSamples) return null;
  if (!fs.existsSync(file))
    throw new Error(
      `${file} is missing: tests of the real sample documents need it. Point FOLIO_SHARED_SAMPLES at the folder that holds ${name}, or set FOLIO_SKIP_SHARED_SAMPLES=1 to skip those tests knowingly.`,
    );
  return file;
}
