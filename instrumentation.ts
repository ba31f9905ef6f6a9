// Runs once when a Folio server process starts: check the configuration, migrate the database
// and, on a fresh one, import the sample documents.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { requireAuthSecret } = await import("@/lib/config/env");
  try {
    requireAuthSecret();
  } catch (error) {
    // A production server without its session secret must not start at all.
    console.error(`[folio] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { seedSamplesOnFirstStart } = await import("@/lib/import/seed-samples");
  try {
    await seedSamplesOnFirstStart();
  } catch (error) {
    // Logged, not fatal: pages retry the database on first use.
    console.error("[folio] start-up database preparation failed:", error);
  }
  // Delivers queued mail, including any left from before a restart (lib/mail/worker.ts).
  const { startMailWorker } = await import("@/lib/mail/worker");
  startMailWorker();
}
