import { testDatabaseUrl, wipeTestDatabase } from "../support/test-database";

// One fresh database per run; every test file starts from an empty library (see tests/support/library.ts).
export default async function setup() {
  const url = testDatabaseUrl("integration");
  await wipeTestDatabase(url);
  process.env.DATABASE_URL = url;
  process.env.FOLIO_SEED_SAMPLES = "false";
}
