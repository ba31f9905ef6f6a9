// `npm run quickstart`: builds Folio and serves it at http://localhost:3000 on its embedded defaults
// (SQLite under ./data, the sample documents imported on first start, sign-in mail shown on the
// local /outbox page). No configuration needed.
import { spawnSync, spawn } from "node:child_process";

const port = process.env.PORT ?? "3000";
const build = spawnSync("npx", ["next", "build"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

console.log(`\nFolio is starting at http://localhost:${port}\n`);
// Demo mode: sign-in mail goes to the server log and http://localhost:3000/outbox (no SMTP needed).
const server = spawn("npx", ["next", "start", "-p", port], {
  stdio: "inherit",
  env: { FOLIO_DEMO: "true", ...process.env },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
