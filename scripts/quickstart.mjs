// `npm run quickstart`: builds Folio and serves it at http://localhost:3000 on its embedded defaults:
// SQLite under ./data, the sample documents imported on first start, demo mode (sign-in mail shown
// on the local /outbox page) and, without Stripe keys, the local Stripe stand-in for test payments.
import { spawn, spawnSync } from "node:child_process";

const port = process.env.PORT ?? "3000";
const standinPort = process.env.STRIPE_STANDIN_PORT ?? "12111";
const children = [];
const stopAll = (signal) => children.forEach((child) => child.kill(signal));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopAll(signal);
    process.exit(0);
  });
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function waitFor(url, seconds = 30) {
  for (let attempt = 0; attempt < seconds * 4; attempt += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

run("npx", ["next", "build"]);

const env = { FOLIO_DEMO: "true", ...process.env };
if (!env.STRIPE_SECRET_KEY) {
  const standin = spawn("npx", ["tsx", "tools/stripe-standin/server.ts"], {
    stdio: "inherit",
    env: {
      ...process.env,
      STRIPE_STANDIN_PORT: standinPort,
      STRIPE_STANDIN_WEBHOOK_URL: `http://localhost:${port}/api/stripe/webhook`,
      STRIPE_STANDIN_WEBHOOK_SECRET: "whsec_folio_standin",
    },
  });
  children.push(standin);
  await waitFor(`http://127.0.0.1:${standinPort}/health`);
  Object.assign(env, {
    STRIPE_SECRET_KEY: "sk_test_folio_standin",
    STRIPE_API_BASE: `http://127.0.0.1:${standinPort}`,
    STRIPE_WEBHOOK_SECRET: "whsec_folio_standin",
  });
  run("npx", ["tsx", "--conditions=react-server", "scripts/stripe/setup.ts"], env);
}

console.log(`\nFolio is starting at http://localhost:${port}\n`);
// `npm start`: the production server (server.ts) exactly as it runs anywhere else.
// Demo mode shows every sign-in link on /outbox: loopback only, whatever HOSTNAME the shell or a
// container exported (Docker sets it to the container's name, which resolves to its network address).
const server = spawn("npm", ["start", "--silent"], {
  stdio: "inherit",
  env: { ...env, PORT: port, HOSTNAME: "127.0.0.1" },
});
children.push(server);
server.on("exit", (code) => {
  stopAll("SIGTERM");
  process.exit(code ?? 0);
});
