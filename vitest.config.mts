import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      // Modules guarded with `import "server-only"` are server code; tests run them on the server.
      "server-only": path.join(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    environment: "node",
    include: [
      "tests/unit/**/*.test.ts",
      "tests/integration/**/*.test.ts",
      // Issue-driven attacks: each finding as the request an attacker sends (tests/security/README.md).
      "tests/security/**/*.test.ts",
    ],
    // Integration tests share one database and reset it: run files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["tests/integration/global-setup.ts"],
    // Outside production Folio would otherwise make its session secret under ./data (the checkout).
    env: { NEXTAUTH_SECRET: "vitest-secret-not-for-production-0123456789" },
  },
});
