// The results: a table on the terminal and the same data as JSON under bench/results/.
import fs from "node:fs";
import path from "node:path";
import type { LoadResult } from "./load";

export interface Measurement {
  target: string;
  path: string;
  connections: number;
  /** null for a target that does not exist yet (shown as n/a). */
  result: LoadResult | null;
  /** Throughput as a percentage of the reference at the same connection count. */
  percentOfReference: number | null;
  peakRssBytes: number | null;
  rssProcess: string | null;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  generator: string;
  options: Record<string, string | number | boolean>;
  host: { node: string; cpus: number };
  seed: Record<string, unknown>;
  server: { idleRssBytes: number; peakRssBytes: number; rssProcess: string };
  measurements: Measurement[];
}

const mb = (bytes: number | null) => (bytes === null ? "n/a" : (bytes / 1024 / 1024).toFixed(0));
const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);

export function formatTable(measurements: Measurement[]): string {
  const header = [
    "target",
    "conns",
    "req/s",
    "% of ref",
    "p50 ms",
    "p99 ms",
    "errors",
    "non-2xx",
    "bytes/resp",
    "peak RSS MB",
  ];
  const rows = measurements.map((measurement) => {
    const result = measurement.result;
    return [
      measurement.target,
      String(measurement.connections),
      fixed(result?.requestsPerSecond, 1),
      measurement.percentOfReference === null
        ? "n/a"
        : `${measurement.percentOfReference.toFixed(1)}%`,
      fixed(result?.p50Ms, 2),
      fixed(result?.p99Ms, 2),
      result ? String(result.errors) : "n/a",
      result ? String(result.non2xx) : "n/a",
      result ? result.bytesPerResponse.toFixed(0) : "n/a",
      mb(measurement.peakRssBytes),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [
    line(header),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.map(line),
  ].join("\n");
}

/** Writes bench/results/<timestamp>.json and returns its path. */
export function writeReport(report: BenchReport): string {
  const directory = path.join(__dirname, "results");
  fs.mkdirSync(directory, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, "-");
  const file = path.join(directory, `${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
