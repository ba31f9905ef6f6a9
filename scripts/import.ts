// npm run import -- <files or folders>
// Imports .txt/.md documents, one transaction per file; prints a line per file; exits 1 on any error.
import { env } from "@/lib/config/env";
import { disconnectDb } from "@/lib/db/client";
import { collectDocumentFiles, formatOutcome, importFiles } from "@/lib/import/import-files";

async function main(): Promise<number> {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error("usage: npm run import -- <files or folders>");
    return 2;
  }
  const files = await collectDocumentFiles(paths);
  if (files.length === 0) {
    console.error("no .txt or .md files found");
    return 1;
  }
  const started = performance.now();
  const outcomes = await importFiles(files, { maxBytes: env().maxDocumentBytes }, (outcome) =>
    console.log(formatOutcome(outcome)),
  );
  const failed = outcomes.filter((outcome) => "error" in outcome).length;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`${outcomes.length - failed} imported, ${failed} failed in ${seconds} s`);
  return failed > 0 ? 1 : 0;
}

main()
  .then(async (code) => {
    await disconnectDb();
    process.exitCode = code;
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await disconnectDb().catch(() => {});
    process.exitCode = 1;
  });
