// `npm run quickstart`: builds Folio and serves it at http://localhost:3000 on its embedded defaults
// (SQLite under ./data, the sample documents imported on first start). No configuration needed.
import { spawnSync, spawn } from "node:child_process";

const port = process.env.PORT ?? "3000";
const build = spawnSync("npx", ["next", "build"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

console.log(`\nFolio is starting at http://localhost:${port}\n`);
const server = spawn("npx", ["next", "start", "-p", port], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
