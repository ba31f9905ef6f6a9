import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { repoRoot, testDatabaseUrl } from "../support/test-database";
import { rawRequest } from "./raw-http";

/**
 * Issue 9 finding 6 against Folio's real server: a second server.ts in demo mode, made to listen on
 * every interface, so a request can arrive from an address of this machine that is not loopback
 * (as one from the network would). With `Host: localhost` and a forged peer-address header it
 * must not see the outbox; over loopback the outbox still works.
 */
const networkAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === "IPv4" && !entry.internal)?.address;
const demoPort = Number(new URL(baseURL).port) + 1;

let server: ChildProcess | undefined;

test.beforeAll(async () => {
  test.skip(!networkAddress, "this machine has no non-loopback IPv4 address");
  test.setTimeout(90_000);
  const inherited = { ...process.env };
  delete inherited.SMTP_URL; // demo mode: mail goes to the outbox
  const log = fs.openSync(path.join(repoRoot, ".tmp", "demo-outbox-server.log"), "w");
  server = spawn("npm", ["start", "--silent"], {
    cwd: repoRoot,
    env: {
      ...inherited,
      NODE_ENV: "production",
      FOLIO_DEMO: "true",
      PORT: String(demoPort),
      HOSTNAME: "0.0.0.0",
      DATABASE_URL: testDatabaseUrl("e2e"),
      FOLIO_SITE_URL: `http://localhost:${demoPort}`,
      NEXTAUTH_SECRET: "e2e-secret-not-for-production-0123456789abcdef",
    },
    stdio: ["ignore", log, log],
    detached: true,
  });
  const loopback = new URL(`http://127.0.0.1:${demoPort}`);
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const up = await rawRequest({ method: "GET", path: "/api/health" }, loopback).catch(() => null);
    if (up?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the demo server did not start");
});

test.afterAll(() => {
  // The server's process group: npm and the node process it started.
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
});

test("the outbox answers loopback connections only, whatever Host or headers claim", async () => {
  const title = "Local outbox (demo mode)";
  const loopback = new URL(`http://127.0.0.1:${demoPort}`);
  const local = await rawRequest({ method: "GET", path: "/en/outbox" }, loopback);
  expect(local.status).toBe(200);
  expect(local.body).toContain(title);

  const network = new URL(`http://${networkAddress}:${demoPort}`);
  const claims: Record<string, string>[] = [
    { host: `localhost:${demoPort}` },
    { host: "localhost" },
    { host: `127.0.0.1:${demoPort}` },
    { host: `localhost:${demoPort}`, "x-folio-peer-address": "127.0.0.1" },
    { host: `localhost:${demoPort}`, "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1" },
  ];
  for (const headers of claims) {
    const remote = await rawRequest({ method: "GET", path: "/en/outbox", headers }, network);
    expect.soft(remote.status, JSON.stringify(headers)).toBe(404);
    expect.soft(remote.body, JSON.stringify(headers)).not.toContain(title);
  }
});
