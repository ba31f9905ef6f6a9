// Load generators: wrk (the Debian package) when installed, else autocannon (a dev dependency).
// autocannon is a Node program sharing the two cores with the server under test, so it flatters
// the slow targets' ratios; the issue's targets are for wrk. Both report the same measurements.
import { execFile, execFileSync } from "node:child_process";
import path from "node:path";

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Answers outside 2xx (wrk counts only those outside 2xx and 3xx). */
  non2xx: number;
  /** Bytes read per response (headers included). */
  bytesPerResponse: number;
}

export interface LoadGenerator {
  name: string;
  run(target: LoadTarget, options: LoadOptions): Promise<LoadResult>;
}

const repoRoot = path.resolve(__dirname, "..");

function hasWrk(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v wrk"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function chooseGenerator(): LoadGenerator {
  return hasWrk() ? wrk : autocannon;
}

function execOutput(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });
}

const timeUnits: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const sizeUnits: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

function parseDurationMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  return match ? Number(match[1]) * (timeUnits[match[2] ?? "ms"] ?? 1) : Number.NaN;
}

/** Parses `wrk --latency` output. */
export function parseWrk(output: string): LoadResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? "0");
  const totals = /(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB|TB) read/.exec(output);
  if (!totals) throw new Error(`cannot read wrk's output:\n${output}`);
  const requests = Number(totals[1]);
  const seconds = (Number(totals[2]) * (timeUnits[totals[3] ?? "s"] ?? 1000)) / 1000;
  const bytes = Number(totals[4]) * (sizeUnits[totals[5] ?? "B"] ?? 1);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const errors = socket ? socket.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0;
  return {
    requests,
    seconds,
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: parseDurationMs(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99Ms: parseDurationMs(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    errors,
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    bytesPerResponse: requests > 0 ? bytes / requests : 0,
  };
}

const wrk: LoadGenerator = {
  name: "wrk",
  async run(target, options) {
    const args = [
      `-t${Math.min(2, options.connections)}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--latency",
    ];
    for (const [name, value] of Object.entries(target.headers))
      args.push("-H", `${name}: ${value}`);
    return parseWrk(await execOutput("wrk", [...args, target.url]));
  },
};

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  throughput: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

const autocannon: LoadGenerator = {
  name: "autocannon",
  async run(target, options) {
    const args = ["--no-install", "autocannon", "--json", "-c", String(options.connections)];
    args.push("-d", String(options.seconds));
    for (const [name, value] of Object.entries(target.headers)) args.push("-H", `${name}=${value}`);
    const result = JSON.parse(await execOutput("npx", [...args, target.url])) as AutocannonJson;
    return {
      requests: result.requests.total,
      seconds: result.duration,
      requestsPerSecond: result.requests.total / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      bytesPerResponse:
        result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
    };
  },
};
