// Fails when a dependency is older than the version that fixed a known security problem
// (docs/security.md lists why each gate exists).
import fs from "node:fs";
import path from "node:path";

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
  // Read the file directly: some packages (next-auth) do not export their package.json.
  const manifest = path.join("node_modules", name, "package.json");
  if (!fs.existsSync(manifest)) {
    console.log(`FAIL ${name} is not installed`);
    failed = true;
    continue;
  }
  const { version } = JSON.parse(fs.readFileSync(manifest, "utf8"));
  const ok = atLeast(version, minimum);
  console.log(`${ok ? "ok  " : "FAIL"} ${name} ${version} (needs >= ${minimum})`);
  failed ||= !ok;
}
process.exit(failed ? 1 : 0);
