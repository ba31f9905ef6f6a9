// Runs once when a Folio server process starts: migrate the database and, on a fresh one, import
// the sample documents. Errors are logged, not thrown: pages retry the database on first use.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { seedSamplesOnFirstStart } = await import("@/lib/import/seed-samples");
  try {
    await seedSamplesOnFirstStart();
  } catch (error) {
    console.error("[folio] start-up database preparation failed:", error);
  }
}
