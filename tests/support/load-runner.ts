// Runs one autocannon load (tests/support/load.ts) in its own process and prints autocannon's
// result as JSON. Usage: tsx tests/support/load-runner.ts '<LoadRun as JSON>'
import { createRequire } from "node:module";
import type { LoadRun } from "./load";

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests: { setupRequest: (request: AutocannonRequest) => AutocannonRequest }[];
}
// autocannon ships no types; this is the part of its API used here.
type Autocannon = (options: AutocannonOptions) => Promise<unknown>;
const autocannon = createRequire(__filename)("autocannon") as Autocannon;

const run = JSON.parse(process.argv[2] ?? "{}") as LoadRun;
let sequence = 0;
const fill = (text: string, value: string) => text.replaceAll("{n}", value);

// Tells startLoad() that the load begins now (starting tsx can take seconds on a busy machine).
process.stderr.write("running\n");
autocannon({
  url: run.url,
  connections: run.connections,
  duration: run.seconds,
  ...(run.overallRate ? { overallRate: run.overallRate } : {}),
  requests: [
    {
      // With `rotate`, each request gets its own number in place of every "{n}".
      setupRequest(request) {
        sequence += 1;
        const value = run.rotate ? String(sequence) : "{n}";
        return {
          ...request,
          method: run.method ?? "GET",
          headers: Object.fromEntries(
            Object.entries(run.headers ?? {}).map(([name, header]) => [name, fill(header, value)]),
          ),
          ...(run.body !== undefined ? { body: fill(run.body, value) } : {}),
        };
      },
    },
  ],
})
  .then((result) => process.stdout.write(JSON.stringify(result)))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
