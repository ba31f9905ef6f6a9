// Compares two benchmark results (bench/results/*.json, written by bench/report.ts): p99 latency
// per target and connection count in each, and the ratio b/a. Library rows are checked against the
// target "p99 at 100,000 documents within 1.5× of p99 at 1,000" (a: the small library, b: the
// large one). Exits 1 when a library row misses it, 2 on bad input.
// Run: npm run bench:compare -- <a.json> <b.json>
import fs from "node:fs";
import type { BenchReport, Measurement } from "./report";

const libraryLimit = 1.5;

const usage = `npm run bench:compare -- <a.json> <b.json>

Prints p99 per target and connection count of two runs (bench/results/*.json) and the ratio b/a;
library rows are checked against "p99 at 100,000 documents within ${libraryLimit}× of p99 at 1,000"
(a: the run on 1,000 documents, b: the run on 100,000).`;

function load(file: string): BenchReport {
  let report: Partial<BenchReport>;
  try {
    report = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<BenchReport>;
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(report.measurements) || typeof report.options !== "object")
    throw new Error(`${file}: not a benchmark result (no measurements)`);
  return report as BenchReport;
}

/** The library size of a run: the seed summary's count, else the --docs option. */
function documentCount(report: BenchReport): number | null {
  const seeded = report.seed.documents;
  if (typeof seeded === "number") return seeded;
  const option = report.options.docs;
  return typeof option === "number" ? option : null;
}

/**
 * A deep library page is named by its depth ("library page 21", "library page 21, no cache"),
 * which depends on the library size: rows on an `?older=` path match whatever their depth.
 */
function rowKey(measurement: Measurement): string {
  const target = measurement.path.startsWith("/?older=")
    ? measurement.target.replace(/^library page \d+/, "library page (deep)")
    : measurement.target;
  return `${target}\u0000${measurement.connections}`;
}

const isLibrary = (measurement: Measurement) => measurement.target.startsWith("library");
const count = (value: number | null) => (value === null ? "?" : value.toLocaleString("en-US"));
const ms = (value: number | undefined) => (value === undefined ? "n/a" : value.toFixed(2));
const rate = (value: number | undefined) => (value === undefined ? "n/a" : value.toFixed(1));

function describe(label: string, file: string, report: BenchReport): string {
  const database = String(report.options.database ?? report.seed.database ?? "?");
  return `${label}: ${file} — ${count(documentCount(report))} documents, ${database}, ${report.generator}, ${String(report.options.duration)} s per row, ${report.startedAt}`;
}

/** Settings that make the two runs less comparable when they differ. */
function differences(a: BenchReport, b: BenchReport): string[] {
  const notes: string[] = [];
  const pairs: [string, unknown, unknown][] = [
    ["load generator", a.generator, b.generator],
    ["database", a.options.database, b.options.database],
    ["seconds per row", a.options.duration, b.options.duration],
    ["connections", a.options.connections, b.options.connections],
    ["CPUs", a.host.cpus, b.host.cpus],
  ];
  for (const [name, left, right] of pairs)
    if (left !== right) notes.push(`${name} differs: ${String(left)} vs ${String(right)}`);
  return notes;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  return [
    line(header ?? []),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...body.map(line),
  ].join("\n");
}

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return 0;
  }
  const [fileA, fileB] = argv;
  if (argv.length !== 2 || fileA === undefined || fileB === undefined) {
    console.error(usage);
    return 2;
  }
  const a = load(fileA);
  const b = load(fileB);
  const documentsA = documentCount(a);
  const documentsB = documentCount(b);

  console.log(describe("a", fileA, a));
  console.log(describe("b", fileB, b));
  const notes = differences(a, b);
  if (documentsA !== 1_000 || documentsB !== 100_000)
    notes.push(
      `the library target is stated for 1,000 → 100,000 documents; these runs have ${count(documentsA)} → ${count(documentsB)}`,
    );
  for (const note of notes) console.log(`note: ${note}`);
  console.log("");

  const inB = new Map(b.measurements.map((measurement) => [rowKey(measurement), measurement]));
  const seen = new Set<string>();
  const rows: string[][] = [
    [
      "target",
      "conns",
      "p99 a ms",
      "p99 b ms",
      "b/a",
      "req/s a",
      "req/s b",
      `library: b ≤ ${libraryLimit}× a`,
    ],
  ];
  let checked = 0;
  let missed = 0;
  const add = (left: Measurement | undefined, right: Measurement | undefined) => {
    const some = left ?? right;
    if (!some) return;
    const names = [left?.target, right?.target].filter((name) => name !== undefined);
    const name = [...new Set(names)].join(" → ");
    const p99A = left?.result?.p99Ms;
    const p99B = right?.result?.p99Ms;
    const ratio = p99A !== undefined && p99B !== undefined && p99A > 0 ? p99B / p99A : undefined;
    let verdict = "";
    if (isLibrary(some)) {
      if (ratio === undefined) verdict = "n/a";
      else {
        checked += 1;
        const within = ratio <= libraryLimit;
        if (!within) missed += 1;
        verdict = within ? "yes" : "NO";
      }
    }
    rows.push([
      name,
      String(some.connections),
      ms(p99A),
      ms(p99B),
      ratio === undefined ? "n/a" : `${ratio.toFixed(2)}×`,
      rate(left?.result?.requestsPerSecond),
      rate(right?.result?.requestsPerSecond),
      verdict,
    ]);
  };
  for (const left of a.measurements) {
    const key = rowKey(left);
    seen.add(key);
    add(left, inB.get(key));
  }
  for (const right of b.measurements) if (!seen.has(rowKey(right))) add(undefined, right);
  console.log(table(rows));

  console.log("");
  if (checked === 0) {
    console.log("library target: no library rows measured in both runs");
    return 0;
  }
  console.log(
    missed === 0
      ? `library target met: p99 of all ${checked} library rows within ${libraryLimit}× (b vs a)`
      : `library target MISSED: ${missed} of ${checked} library rows over ${libraryLimit}× (b vs a)`,
  );
  return missed === 0 ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
