// Fails when a dependency is older than the version that fixed a known security problem
// (docs/security.md lists why each gate exists).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const gates = { next: "16.2.6", "next-auth": "4.24.15" };

function atLeast(version, minimum) {
  const a = version.split(/[.-]/).map(Number);
  const b = minimum.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i += 1) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

let failed = false;
for (const [name, minimum] of Object.entries(gates)) {
  let version;
  try {
    version = require(`${name}/package.json`).version;
  } catch {
    continue; // not a dependency (yet)
  }
  const ok = atLeast(version, minimum);
  console.log(`${ok ? "ok  " : "FAIL"} ${name} ${version} (needs >= ${minimum})`);
  failed ||= !ok;
}
process.exit(failed ? 1 : 0);
