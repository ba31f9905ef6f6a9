import "server-only";
import path from "node:path";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { collectDocumentFiles, formatOutcome, importFiles } from "@/lib/import/import-files";

export const samplesDirectory = path.join(process.cwd(), "content", "samples");

/**
 * On the first start of a fresh database, imports Folio's sample documents. The first process to
 * claim the seed (a unique row in _folio_state) does it, so two processes starting together seed once.
 * A failed seed releases the claim so the next start tries again.
 */
export async function seedSamplesOnFirstStart(): Promise<void> {
  const settings = env();
  if (settings.seedSamples) await seedSamplesOnce(settings.maxDocumentBytes);
}

/** Imports the samples unless this database was seeded before (or is being seeded right now). */
export async function seedSamplesOnce(maxDocumentBytes: number): Promise<void> {
  const database = await db();
  const claimed =
    await database.$executeRaw`INSERT INTO "_folio_state" ("key", "value") VALUES ('samples-seeded', ${new Date().toISOString()}) ON CONFLICT DO NOTHING`;
  if (claimed === 0) return;
  try {
    const files = await collectDocumentFiles([samplesDirectory]);
    const outcomes = await importFiles(files, { maxBytes: maxDocumentBytes });
    for (const outcome of outcomes) console.log(`[folio] sample ${formatOutcome(outcome)}`);
    if (outcomes.some((outcome) => "error" in outcome))
      throw new Error("some sample documents failed to import");
  } catch (error) {
    await database.$executeRaw`DELETE FROM "_folio_state" WHERE "key" = 'samples-seeded'`;
    throw error;
  }
}
