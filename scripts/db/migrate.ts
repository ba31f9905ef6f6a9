// npm run db:migrate: applies pending migrations to DATABASE_URL (the app also does this at start-up).
// With --json, prints only the list of applied migration names.
import { env } from "@/lib/config/env";
import { migrateDatabase } from "@/lib/db/migrate";

migrateDatabase(env().database)
  .then((applied) => {
    if (process.argv.includes("--json")) console.log(JSON.stringify(applied));
    else console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
