import { execFile, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./test-database";

/**
 * autocannon (a dev dependency) as a child process, so the load it makes and the latencies it
 * measures are not distorted by the test runner's own event loop.
 */
export interface LoadRun {
  url: string;
  connections: number;
  seconds: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Replace every `{n}` in the headers and body with a number of its own per request. */
  rotate?: boolean;
  /** Requests per second over all connections (a bounded flood); unbounded when absent. */
  overallRate?: number;
}

export interface LoadReport {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses per status class, e.g. { "2xx": 120, "4xx": 3000 }. */
  statusClasses: Record<string, number>;
}

interface AutocannonJson {
  requests: { total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  "1xx": number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
}

export interface StartedLoad {
  /** The measurements, once the run is over. */
  done: Promise<LoadReport>;
  /** Resolves when the load begins. */
  running: Promise<void>;
  child: ChildProcess;
}

export function startLoad(run: LoadRun): StartedLoad {
  const args = [
    "tsx",
    path.join(repoRoot, "tests", "support", "load-runner.ts"),
    JSON.stringify(run),
  ];
  let child: ChildProcess | undefined;
  const done = new Promise<LoadReport>((resolve, reject) => {
    child = execFile(
      "npx",
      args,
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const result = JSON.parse(stdout) as AutocannonJson;
        resolve({
          requests: result.requests.total,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          maxMs: result.latency.max,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusClasses: {
            "2xx": result["2xx"],
            "3xx": result["3xx"],
            "4xx": result["4xx"],
            "5xx": result["5xx"],
          },
        });
      },
    );
  });
  if (!child) throw new Error("autocannon did not start");
  const started = child;
  const running = new Promise<void>((resolve, reject) => {
    started.stderr?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("running")) resolve();
    });
    started.once("exit", () => reject(new Error("the load ended before it began")));
  });
  running.catch(() => undefined); // awaited by callers that care; never an unhandled rejection
  return { done, running, child };
}

export function runLoad(run: LoadRun): Promise<LoadReport> {
  return startLoad(run).done;
}
