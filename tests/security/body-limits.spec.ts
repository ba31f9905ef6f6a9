import { expect, test } from "@playwright/test";
import { rawRequest } from "./raw-http";
import { residentMb, serverPid } from "./server-process";

/**
 * Issue 9 finding 9: eight 120 MB bodies to the webhook took the server to 1.3 GB and it stayed
 * at 1.15 GB. Every body Folio reads now has a limit for its route class, refused with 413
 * before it is read: by Content-Length when given, by counting bytes when chunked.
 */
const actionId = "40c5e313ef87189c5282dcaa74eb542db584bfdedc"; // any id: the limit comes first
const routeClasses: {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  limit: number;
}[] = [
  {
    label: "Stripe webhook",
    method: "POST",
    path: "/api/stripe/webhook",
    headers: { "content-type": "application/json" },
    limit: 256 * 1024,
  },
  {
    label: "password sign-in",
    method: "POST",
    path: "/api/auth/callback/password",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    limit: 16 * 1024,
  },
  {
    label: "mailed-link sign-in",
    method: "POST",
    path: "/api/auth/signin/email",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    limit: 16 * 1024,
  },
  {
    label: "server action",
    method: "POST",
    path: "/en/signup",
    headers: { "content-type": "text/plain;charset=UTF-8", "next-action": actionId },
    limit: 16 * 1024,
  },
  {
    label: "form post to a page",
    method: "POST",
    path: "/zh-CN/signup",
    headers: { "content-type": "multipart/form-data; boundary=x" },
    limit: 16 * 1024,
  },
  {
    label: "a page's GET",
    method: "GET",
    path: "/",
    headers: { "content-type": "application/octet-stream" },
    limit: 0, // nothing reads a GET's body: none is taken
  },
  {
    label: "health check",
    method: "POST",
    path: "/api/health",
    headers: { "content-type": "application/json" },
    limit: 0,
  },
];

test("each route class answers 413 past its limit, announced or chunked", async () => {
  for (const route of routeClasses) {
    const announced = await rawRequest({
      method: route.method,
      path: route.path,
      headers: { ...route.headers, "content-length": String(route.limit + 1) },
      body: Buffer.alloc(route.limit + 1, 0x61),
    });
    expect.soft(announced.status, `${route.label}, Content-Length`).toBe(413);
    const chunked = await rawRequest({
      method: route.method,
      path: route.path,
      headers: { ...route.headers, "transfer-encoding": "chunked" },
      stream: {
        chunk: Buffer.alloc(16 * 1024, 0x61),
        count: Math.max(1, Math.ceil((route.limit * 4) / 16384)),
      },
    });
    expect.soft(chunked.status, `${route.label}, chunked`).toBe(413);
  }
  // The refusal speaks the reader's language.
  const english = await rawRequest({
    method: "POST",
    path: "/api/stripe/webhook",
    headers: { "content-length": String(10 * 1024 * 1024), "accept-language": "en" },
  });
  expect([english.status, english.body]).toEqual([413, expect.stringMatching(/too large/i)]);
  const chinese = await rawRequest({
    method: "POST",
    path: "/api/stripe/webhook",
    headers: { "content-length": String(10 * 1024 * 1024), "accept-language": "zh-CN" },
  });
  expect([chinese.status, chinese.body]).toEqual([413, expect.stringContaining("过大")]);
});

test("a body within its limit still reaches the route", async () => {
  const webhook = await rawRequest({
    method: "POST",
    path: "/api/stripe/webhook",
    headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" },
    body: JSON.stringify({ padding: "x".repeat(100 * 1024) }),
  });
  expect(webhook.status).toBe(400); // through to the signature check, which refuses it
  const chunked = await rawRequest({
    method: "POST",
    path: "/api/stripe/webhook",
    headers: {
      "content-type": "application/json",
      "stripe-signature": "t=1,v1=00",
      "transfer-encoding": "chunked",
    },
    stream: { chunk: Buffer.from("{}"), count: 1 },
  });
  expect(chunked.status).toBe(400);
});

test("memory stays bounded under concurrent large bodies, announced and chunked", async () => {
  test.setTimeout(120_000);
  const pid = serverPid();
  const before = residentMb(pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, residentMb(pid));
  }, 50);
  const megabyte = Buffer.alloc(1024 * 1024, 0x7b);
  const sizeMb = 120;
  const uploads = Array.from({ length: 8 }, (_, index) =>
    rawRequest({
      method: "POST",
      path: index % 4 === 3 ? "/en/signup" : "/api/stripe/webhook",
      headers: {
        "content-type": "application/json",
        ...(index % 2 === 0
          ? { "content-length": String(sizeMb * megabyte.length) }
          : { "transfer-encoding": "chunked" }),
      },
      stream: { chunk: megabyte, count: sizeMb },
      timeoutMs: 100_000,
    }).then(
      (response) => response.status,
      (error: Error) => error.message,
    ),
  );
  const statuses = await Promise.all(uploads);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  clearInterval(sampler);
  const after = residentMb(pid);
  console.log(
    `8 concurrent ${sizeMb} MB bodies: RSS ${before} MB before, peak ${peak} MB, ${after} MB after; statuses ${statuses.join(",")}`,
  );
  expect(statuses.every((status) => status === 413 || status === 415)).toBe(true);
  expect(peak - before).toBeLessThan(64);
  expect(after - before).toBeLessThan(32);
});
