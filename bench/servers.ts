// Processes the benchmark starts: the Folio production server, the reference server, and helpers
// to wait for them, to stop them (process groups, also on Ctrl-C) and to sample their memory.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "..");

export interface Started {
  name: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<Started>();

/** Stops every process started here (idempotent; safe from signal handlers). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

function track(name: string, child: ChildProcess): Started {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const started: Started = {
    name,
    pid,
    async stop() {
      running.delete(started);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Detached: the child leads its own process group, so every process under it goes too.
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-pid, signal);
        } catch {
          // already gone
        }
      };
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(started);
  return started;
}

/** Runs a command to completion with inherited output; throws on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  environment: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: environment,
      stdio: "inherit",
      detached: true,
    });
    const tracked = track(`${command} ${args.join(" ")}`, child);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      running.delete(tracked);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Folio's production server on the given port (production build), output prefixed. */
export function startFolio(port: number, environment: NodeJS.ProcessEnv): Started {
  // Folio's production server (server.ts: Next.js behind the page cache).
  const child = spawn("npm", ["start", "--silent"], {
    cwd: repoRoot,
    env: { ...environment, PORT: String(port), HOSTNAME: "127.0.0.1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n"))
      if (line.trim()) process.stdout.write(`  [folio] ${line}\n`);
  };
  child.stdout?.on("data", relay);
  child.stderr?.on("data", relay);
  return track("folio", child);
}

/** The reference: a plain Node http server returning the same bytes for every request. */
export function startReference(port: number, bodyFile: string, contentType: string): Started {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "reference-server.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        BENCH_PORT: String(port),
        BENCH_BODY: bodyFile,
        BENCH_TYPE: contentType,
      },
      stdio: "inherit",
      detached: true,
    },
  );
  return track("reference", child);
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One plain request (no compression, so the body is the bytes the load generator sees). */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, {
      method: options.method ?? "GET",
      headers: options.headers,
    });
    outgoing.once("error", reject);
    outgoing.once("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("error", reject);
      response.once("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
    });
    outgoing.end(options.body);
  });
}

export async function waitForOk(url: string, seconds: number, alive?: Started): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (alive && !running.has(alive))
      throw new Error(`${alive.name} exited before ${url} answered`);
    try {
      if ((await request(url)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${seconds} s`);
}

interface ProcessInfo {
  pid: number;
  parent: number;
  name: string;
  rssKb: number;
}

function readProcess(pid: number): ProcessInfo | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, "m").exec(status)?.[1] ?? "";
    return {
      pid,
      parent: Number(field("PPid")),
      name: field("Name"),
      rssKb: Number.parseInt(field("VmRSS"), 10) || 0,
    };
  } catch {
    return null; // exited, or a kernel thread without VmRSS
  }
}

/** The process and all its descendants. */
export function processTree(root: number): ProcessInfo[] {
  const all = fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== null);
  const tree: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    const info = all.find((candidate) => candidate.pid === pid);
    if (!info) continue;
    tree.push(info);
    for (const child of all) if (child.parent === info.pid) queue.push(child.pid);
  }
  return tree;
}

/**
 * RSS in bytes of the actual server: the largest process in the tree started for it (under
 * `npm start` that is the Node process running Next.js, not npm, tsx or esbuild).
 */
export function serverRss(root: number): { bytes: number; process: string } {
  const tree = processTree(root);
  const server = tree.reduce<(typeof tree)[number] | undefined>(
    (largest, info) => (!largest || info.rssKb > largest.rssKb ? info : largest),
    undefined,
  );
  if (!server) return { bytes: 0, process: `pid ${root} (gone)` };
  return { bytes: server.rssKb * 1024, process: `${server.name} (pid ${server.pid})` };
}

/** Polls the peak RSS every 200 ms until stopped. */
export function sampleRss(root: number): { stop(): { peakBytes: number; process: string } } {
  let peak = 0;
  let name = "";
  const sample = () => {
    const rss = serverRss(root);
    if (rss.bytes > peak) peak = rss.bytes;
    name = rss.process;
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakBytes: peak, process: name };
    },
  };
}
