// Before the browser tests: make sure Debian's Chromium is installed (Playwright's own browser
// download cannot work offline). Installs it with apt when running as root; otherwise explains.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const executable = process.env.FOLIO_CHROMIUM ?? "/usr/bin/chromium";
if (fs.existsSync(executable)) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || process.env.FOLIO_CHROMIUM) {
  console.error(
    `Chromium not found at ${executable}. Install it (Debian/Ubuntu: sudo apt-get install chromium)`,
  );
  console.error("or point FOLIO_CHROMIUM at a Chromium or Chrome executable.");
  process.exit(1);
}
console.log("Installing Debian's chromium for the browser tests…");
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
  stdio: "inherit",
  env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
});
