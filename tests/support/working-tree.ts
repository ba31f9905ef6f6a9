import fs from "node:fs";
import path from "node:path";

/**
 * A fingerprint of the checkout's files, to prove a test run wrote nothing into it. Left out: what
 * tools own (.git, node_modules, the build) and .tmp/, the one place tests may write.
 */
const outsideTheTree = new Set([".git", "node_modules", ".next", ".tmp", "test-results"]);

export function workingTreeFingerprint(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (directory: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const absolute = path.join(directory, entry.name);
      const relative = path.relative(root, absolute);
      if (directory === root && outsideTheTree.has(entry.name)) continue;
      if (entry.isDirectory()) walk(absolute);
      else {
        const stat = fs.lstatSync(absolute);
        files.set(relative, `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk(root);
  return files;
}

/** The files created, changed or removed between two fingerprints. */
export function workingTreeChanges(
  before: Map<string, string>,
  after: Map<string, string>,
): string[] {
  const changed = [...after].filter(([file, print]) => before.get(file) !== print).map(([f]) => f);
  const removed = [...before.keys()].filter((file) => !after.has(file));
  return [...changed, ...removed].sort();
}
