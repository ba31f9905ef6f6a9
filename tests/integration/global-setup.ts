import { testDatabaseUrl, wipeTestDatabase, repoRoot } from "../support/test-database";
import { workingTreeChanges, workingTreeFingerprint } from "../support/working-tree";

// One fresh database per run; every test file starts from an empty library (see tests/support/library.ts).
export default async function setup() {
  const url = testDatabaseUrl("integration");
  await wipeTestDatabase(url);
  process.env.DATABASE_URL = url;
  process.env.FOLIO_SEED_SAMPLES = "false";

  // No test may write into the checkout (only .tmp/): the run fails naming the files it wrote.
  const before = workingTreeFingerprint(repoRoot);
  return () => {
    const written = workingTreeChanges(before, workingTreeFingerprint(repoRoot));
    if (written.length === 0) return;
    // Vitest only logs an error thrown here: the exit code is what fails the run.
    process.exitCode = 1;
    throw new Error(
      `tests wrote into the working tree (write under .tmp/ instead): ${written.join(", ")}`,
    );
  };
}
