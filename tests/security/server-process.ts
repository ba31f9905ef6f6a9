import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { baseURL } from "../../playwright.config";

/** The process id of the server listening on the test port (read from `ss`). */
export function serverPid(): number {
  const port = new URL(baseURL).port;
  const listing = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(listing)?.[1];
  if (!pid) throw new Error(`no process listens on port ${port}: ${listing}`);
  return Number(pid);
}

/** Resident memory of a process, in MB. */
export function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}
