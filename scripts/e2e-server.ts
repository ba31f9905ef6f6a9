// Starts Folio for the end-to-end tests: a fresh test database, the canary fixtures imported with
// this run's canary and free marker, a production build, then Folio's production server (server.ts).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sharedSample } from "../tests/support/samples";
import { repoRoot, testDatabaseUrl, wipeTestDatabase } from "../tests/support/test-database";

async function main() {
  const port = process.env.FOLIO_E2E_PORT ?? "3100";
  const canary = process.env.FOLIO_TEST_CANARY;
  const freeMark = process.env.FOLIO_TEST_FREEMARK;
  if (!canary || !freeMark)
    throw new Error("FOLIO_TEST_CANARY and FOLIO_TEST_FREEMARK must be set (playwright.config.ts)");

  const databaseUrl = testDatabaseUrl("e2e");
  await wipeTestDatabase(databaseUrl);
  const environment = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    FOLIO_SITE_URL: `http://127.0.0.1:${port}`,
    FOLIO_SEED_SAMPLES: "true",
    NODE_ENV: "production" as const,
  };

  const fixtures = path.join(repoRoot, ".tmp", "e2e-fixtures");
  fs.rmSync(fixtures, { recursive: true, force: true });
  fs.mkdirSync(fixtures, { recursive: true });
  const source = path.join(repoRoot, "tests", "fixtures", "canary");
  for (const name of fs.readdirSync(source)) {
    const text = fs
      .readFileSync(path.join(source, name), "utf8")
      .replaceAll("CANARY", canary)
      .replaceAll("FREEMARK", freeMark);
    fs.writeFileSync(path.join(fixtures, name), text);
  }
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, { cwd: repoRoot, env: environment, stdio: "inherit" });
  // The real document from ../shared/samples: a missing one stops the run (tests/support/samples.ts).
  const seedSpeech = sharedSample("seed-speech.txt");
  if (seedSpeech) fs.copyFileSync(seedSpeech, path.join(fixtures, "seed-speech.txt"));
  run("npm", ["run", "--silent", "import", "--", fixtures]);
  if (process.env.STRIPE_SECRET_KEY) run("npm", ["run", "--silent", "stripe:setup"]);
  if (process.env.FOLIO_E2E_SKIP_BUILD !== "1") run("npx", ["next", "build"]);

  // Folio's own production server (server.ts: Next.js behind the page cache).
  const server = spawn("npm", ["start", "--silent"], {
    cwd: repoRoot,
    env: { ...environment, PORT: port, HOSTNAME: "127.0.0.1" },
    stdio: "inherit",
  });
  const stop = () => server.kill("SIGTERM");
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
