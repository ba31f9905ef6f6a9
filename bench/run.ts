// npm run bench: seeds a separate benchmark database, builds and starts Folio in production mode,
// and load-tests its pages against a plain Node server returning the same bytes (the reference).
// Options: npm run bench -- --help
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chooseGenerator, type LoadGenerator, type LoadTarget } from "./load";
import { formatTable, writeReport, type Measurement } from "./report";
import {
  request,
  runCommand,
  sampleRss,
  serverRss,
  startFolio,
  startReference,
  stopAll,
  waitForOk,
  type Started,
} from "./servers";
import { pageFillHeader } from "../lib/http/page-fill-credential";
import {
  benchDataDir,
  defaultBenchDatabaseUrl,
  seedSummaryFile,
  wholeNumber,
  type SeedSummary,
} from "./shared";

const folioPort = 3200;
const referencePort = 3299;
const benchSecret = "folio-benchmark-secret-0123456789abcdefgh"; // 40 characters, bench only

const help = `npm run bench -- [options]

Seeds a benchmark database, builds Folio, starts it on http://127.0.0.1:${folioPort} and a
reference server (the same page's bytes from plain Node http) on ${referencePort}, then load-tests
each page at --connections and at 1 connection. Prints a table and writes bench/results/*.json.

  --docs N          documents in the library (default 1000, ~10,000 Chinese characters each)
  --import N        of those, how many go through the real import path (default 1000); the rest
                    are bulk copies of the imported rows (fast enough for --docs 100000)
  --readers N       readers to create (default 10000)
  --subscribers N   readers with an active subscription (default 1000)
  --duration S      measured seconds per target and connection count (default 15)
  --warmup S        warm-up seconds before each measurement (default 5)
  --connections N   concurrent connections (default 50; every target also runs at 1)
  --database URL    a postgres://… database to use instead of bench/.data/bench.db.
                    !!! ITS public SCHEMA IS DROPPED AND RECREATED: EVERYTHING IN IT IS DELETED. !!!
                    Never point it at a database you want to keep.
  --no-build        reuse the existing .next production build
  --skip-seed       reuse the last benchmark database (bench/.data/seed.json)
  --help            this text

Load generator: wrk if installed (apt-get install wrk), else autocannon (a dev dependency, which
shares the CPU with the server and flatters the ratios); the output says which.`;

interface Options {
  docs: number;
  import: number;
  readers: number;
  subscribers: number;
  duration: number;
  warmup: number;
  connections: number;
  databaseUrl: string;
  build: boolean;
  seed: boolean;
}

function parseOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      docs: { type: "string", default: "1000" },
      import: { type: "string", default: "1000" },
      readers: { type: "string", default: "10000" },
      subscribers: { type: "string", default: "1000" },
      duration: { type: "string", default: "15" },
      warmup: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      database: { type: "string" },
      "no-build": { type: "boolean", default: false },
      "skip-seed": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return null;
  // Seconds may be fractional; counts are whole numbers.
  const positive = (name: string, text: string, minimum = 1) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < minimum)
      throw new Error(`--${name} must be ≥ ${minimum}`);
    return value;
  };
  if (values.database && !/^postgres(ql)?:\/\//.test(values.database))
    throw new Error("--database must be a postgres:// URL (the default is SQLite in bench/.data)");
  return {
    docs: wholeNumber("docs", values.docs, 1),
    import: wholeNumber("import", values.import, 1),
    readers: wholeNumber("readers", values.readers, 1),
    subscribers: wholeNumber("subscribers", values.subscribers, 1),
    duration: positive("duration", values.duration),
    warmup: positive("warmup", values.warmup, 0),
    connections: wholeNumber("connections", values.connections, 1),
    databaseUrl: values.database ?? defaultBenchDatabaseUrl,
    build: !values["no-build"],
    seed: !values["skip-seed"],
  };
}

function folioEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    NEXTAUTH_SECRET: benchSecret,
    FOLIO_SITE_URL: `http://127.0.0.1:${folioPort}`,
    FOLIO_SEED_SAMPLES: "false",
  };
  // No Stripe (and no demo mode): the benchmark measures reading, not payments.
  for (const name of [
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "FOLIO_DEMO",
  ])
    delete environment[name];
  return environment;
}

function setCookies(headers: Record<string, string | string[] | undefined>): string[] {
  const raw = headers["set-cookie"] ?? [];
  return (Array.isArray(raw) ? raw : [raw]).map((cookie) => cookie.split(";")[0] ?? "");
}

/** Signs in through the normal password path (csrf, then the credentials callback). */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await request(`${base}/api/auth/csrf`);
  const { csrfToken } = JSON.parse(csrf.body.toString("utf8")) as { csrfToken: string };
  const cookies = setCookies(csrf.headers);
  const answer = await request(`${base}/api/auth/callback/password`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: cookies.join("; "),
    },
    body: new URLSearchParams({ email, password, csrfToken, json: "true" }).toString(),
  });
  const session = setCookies(answer.headers).find((cookie) =>
    cookie.startsWith("next-auth.session-token="),
  );
  if (!session)
    throw new Error(
      `sign-in failed: ${answer.status} ${answer.body.toString("utf8").slice(0, 200)}`,
    );
  return session;
}

function importLine(seed: SeedSummary): string {
  const imported = seed.imported?.documents ?? seed.documents; // older seed.json: all imported
  const copied = seed.bulkCopied?.documents ?? 0;
  return (
    `${imported} imported in ${seed.importSeconds.toFixed(1)} s = ${seed.documentsPerSecond.toFixed(1)} documents/s` +
    (copied > 0 ? `, ${copied} bulk-copied in ${seed.bulkCopied.seconds.toFixed(1)} s` : "")
  );
}

interface Target {
  name: string;
  path: string;
  base: string;
  headers: Record<string, string>;
  /** The process whose memory is sampled. */
  server: Started;
  /** Null for a target that does not exist yet. */
  missing?: boolean;
  /** Measured at 1 connection only (a diagnostic row: Next.js rendering without the page cache). */
  oneConnectionOnly?: boolean;
}

async function measure(
  generator: LoadGenerator,
  target: Target,
  connections: number,
  options: Options,
): Promise<Omit<Measurement, "percentOfReference">> {
  const base = { target: target.name, path: target.path, connections };
  if (target.missing) return { ...base, result: null, peakRssBytes: null, rssProcess: null };
  const load: LoadTarget = { url: `${target.base}${target.path}`, headers: target.headers };
  process.stdout.write(`  ${target.name} @ ${connections} connection(s): warm-up…`);
  if (options.warmup > 0) await generator.run(load, { connections, seconds: options.warmup });
  process.stdout.write(" measuring…");
  const sampler = sampleRss(target.server.pid);
  const result = await generator.run(load, { connections, seconds: options.duration });
  const memory = sampler.stop();
  console.log(
    ` ${result.requestsPerSecond.toFixed(1)} req/s, p99 ${result.p99Ms.toFixed(1)} ms, peak RSS ${(memory.peakBytes / 1024 / 1024).toFixed(0)} MB`,
  );
  return { ...base, result, peakRssBytes: memory.peakBytes, rssProcess: memory.process };
}

async function main(options: Options): Promise<void> {
  const startedAt = new Date().toISOString();
  const environment = folioEnvironment(options.databaseUrl);
  const where = options.databaseUrl.startsWith("file:")
    ? options.databaseUrl
    : "PostgreSQL (--database)";

  if (options.seed) {
    console.log(`\n▶ Seeding ${where}`);
    await runCommand(
      "npx",
      [
        "tsx",
        "--conditions=react-server",
        path.join("bench", "seed.ts"),
        `--docs=${options.docs}`,
        `--import=${options.import}`,
        `--readers=${options.readers}`,
        `--subscribers=${options.subscribers}`,
      ],
      { ...environment, NODE_ENV: "production" },
    );
  } else if (!fs.existsSync(seedSummaryFile)) {
    throw new Error("--skip-seed: no earlier benchmark database (bench/.data/seed.json)");
  }
  const seed = JSON.parse(fs.readFileSync(seedSummaryFile, "utf8")) as SeedSummary;
  console.log(
    `  benchmark data: ${seed.documents} documents (${importLine(seed)}), ${seed.readers} readers, ${seed.subscribers} subscribers`,
  );

  if (options.build) {
    console.log("\n▶ Building Folio (npx next build)");
    await runCommand("npx", ["next", "build"], environment);
  }

  console.log(`\n▶ Starting Folio on port ${folioPort} and the reference on ${referencePort}`);
  const base = `http://127.0.0.1:${folioPort}`;
  const folio = startFolio(folioPort, environment);
  await waitForOk(`${base}/api/health`, 90, folio);
  const idle = serverRss(folio.pid);

  const documentPath = `/d/${seed.documentSlug}`;
  const page = await request(`${base}${documentPath}`, { headers: { "Accept-Language": "zh-CN" } });
  if (page.status !== 200) throw new Error(`${documentPath} answered ${page.status}`);
  const contentType = String(page.headers["content-type"] ?? "text/html; charset=utf-8");
  fs.mkdirSync(benchDataDir, { recursive: true });
  const bodyFile = path.join(benchDataDir, "reference.body");
  fs.writeFileSync(bodyFile, page.body);
  const reference = startReference(referencePort, bodyFile, contentType);
  const referenceBase = `http://127.0.0.1:${referencePort}`;
  await waitForOk(`${referenceBase}/`, 30, reference);

  const session = await signIn(base, seed.subscriber.email, seed.subscriber.password);
  const signedIn = await request(`${base}${documentPath}`, {
    headers: { "Accept-Language": "zh-CN", Cookie: session },
  });
  console.log(
    `  document page: ${page.body.length} bytes anonymous, ${signedIn.body.length} bytes as a subscriber (${signedIn.status})`,
  );
  if (signedIn.status !== 200 || signedIn.body.length <= page.body.length)
    throw new Error("the subscriber's page is not longer than the anonymous one: no paid text?");

  const zh = { "Accept-Language": "zh-CN" };
  const deepPath = seed.deepCursor ? `/?older=${seed.deepCursor.cursor}` : "/";
  const deepName = seed.deepCursor
    ? `library page ${seed.deepCursor.pages}`
    : "library (too few docs)";
  const targets: Target[] = [
    {
      name: "reference (plain node http)",
      path: "/",
      base: referenceBase,
      headers: {},
      server: reference,
    },
    { name: "document, anonymous", path: documentPath, base, headers: zh, server: folio },
    {
      name: "document, subscriber",
      path: documentPath,
      base,
      headers: { ...zh, Cookie: session },
      server: folio,
    },
    { name: "library page 1", path: "/", base, headers: zh, server: folio },
    { name: deepName, path: deepPath, base, headers: zh, server: folio },
    { name: "search", path: "(not implemented)", base, headers: zh, server: folio, missing: true },
    // The library rendered by Next.js on every request (the page cache's fill header sends a
    // request past it): what the database costs at this library size, without the cache.
    ...[
      { name: "library page 1, no cache", path: "/" },
      { name: `${deepName}, no cache`, path: deepPath },
    ].map((row) => ({
      ...row,
      base,
      headers: { ...zh, [pageFillHeader]: "bench" },
      server: folio,
      oneConnectionOnly: true,
    })),
  ];
  for (const target of targets.slice(1).filter((target) => !target.missing)) {
    const check = await request(`${target.base}${target.path}`, { headers: target.headers });
    if (check.status !== 200)
      throw new Error(`${target.name} (${target.path}) answered ${check.status}`);
    await request(`${target.base}${target.path}`, { headers: target.headers });
    const again = await request(`${target.base}${target.path}`, { headers: target.headers });
    console.log(
      `  ${target.name}: ${again.body.length} bytes, page cache ${String(again.headers["x-folio-cache"] ?? "not used")}`,
    );
  }

  const generator = chooseGenerator();
  console.log(`\n▶ Load generator: ${generator.name}`);
  const measured: Omit<Measurement, "percentOfReference">[] = [];
  for (const connections of [...new Set([options.connections, 1])])
    for (const target of targets)
      if (connections === 1 || !target.oneConnectionOnly)
        measured.push(await measure(generator, target, connections, options));

  const measurements: Measurement[] = measured.map((entry) => {
    const referenceRate = measured.find(
      (other) => other.connections === entry.connections && other.target === targets[0]?.name,
    )?.result?.requestsPerSecond;
    const rate = entry.result?.requestsPerSecond;
    return {
      ...entry,
      percentOfReference: rate !== undefined && referenceRate ? (rate / referenceRate) * 100 : null,
    };
  });
  const folioPeak = Math.max(
    idle.bytes,
    ...measurements
      .filter((entry) => entry.target !== targets[0]?.name)
      .map((entry) => entry.peakRssBytes ?? 0),
  );

  const seedReport = { ...seed, subscriber: { email: seed.subscriber.email } }; // no password
  const file = writeReport({
    startedAt,
    finishedAt: new Date().toISOString(),
    generator: generator.name,
    options: {
      docs: seed.documents,
      readers: seed.readers,
      subscribers: seed.subscribers,
      duration: options.duration,
      warmup: options.warmup,
      connections: options.connections,
      database: seed.database,
      build: options.build,
      seeded: options.seed,
    },
    host: { node: process.version, cpus: os.cpus().length },
    seed: seedReport,
    server: { idleRssBytes: idle.bytes, peakRssBytes: folioPeak, rssProcess: idle.process },
    measurements,
  });

  console.log(
    `\n▶ Results (${generator.name}; ${options.duration} s per row after ${options.warmup} s warm-up)\n`,
  );
  console.log(formatTable(measurements));
  console.log(
    `\nImport: ${importLine(seed)} (target: 1,000 documents of 10,000 characters in < 60 s)`,
  );
  console.log(
    `Folio server memory (${idle.process}): ${(idle.bytes / 1024 / 1024).toFixed(0)} MB idle after start, ${(folioPeak / 1024 / 1024).toFixed(0)} MB peak`,
  );
  console.log(`JSON: ${path.relative(process.cwd(), file)}`);
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopAll();
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the benchmark's processes`);
    void shutdown(130);
  });
}

let options: Options | null;
try {
  options = parseOptions();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error("\nnpm run bench -- --help for the options");
  process.exit(2);
}
if (!options) {
  console.log(help);
} else {
  main(options)
    .then(() => shutdown(0))
    .catch((error: unknown) => {
      console.error(
        `\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      void shutdown(1);
    });
}
