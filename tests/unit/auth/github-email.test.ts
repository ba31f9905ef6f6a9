import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubProfileWithVerifiedEmail, verifiedPrimaryEmail } from "@/lib/auth/github-email";

/** Issue 9, finding 14: GitHub's address must be its verified primary one, or there is none. */
describe("verifiedPrimaryEmail", () => {
  const entry = (email: string, primary: boolean, verified: boolean) => ({
    email,
    primary,
    verified,
  });
  it.each<[string, unknown, string | null]>([
    [
      "verified primary",
      [entry("a@x.org", false, true), entry("Me@X.org", true, true)],
      "me@x.org",
    ],
    [
      "primary but unverified",
      [entry("me@x.org", true, false), entry("b@x.org", false, true)],
      null,
    ],
    ["verified but not primary", [entry("b@x.org", false, true)], null],
    ["verified as a string", [{ email: "me@x.org", primary: true, verified: "true" }], null],
    ["a look-alike address", [entry("\u212Aate@x.org", true, true)], null],
    ["not a list", { email: "me@x.org", primary: true, verified: true }, null],
    ["nothing", null, null],
  ])("%s", (_name, emails, expected) => {
    expect(verifiedPrimaryEmail(emails)).toBe(expected);
  });
});

describe("githubProfileWithVerifiedEmail", () => {
  let server: http.Server;
  let api = "";
  let answer: { status: number; body: unknown } = { status: 200, body: [] };
  let authorization: string | undefined;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      authorization = request.headers.authorization;
      if (request.url !== "/user/emails") {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const profile = { id: 7, login: "octo", email: "public-claim@victim.example" };

  it("replaces the unchecked profile address with the verified primary one", async () => {
    answer = { status: 200, body: [{ email: "octo@x.org", primary: true, verified: true }] };
    const result = await githubProfileWithVerifiedEmail(
      Promise.resolve(profile),
      { access_token: "t" },
      api,
    );
    expect(result).toMatchObject({ id: 7, email: "octo@x.org", email_verified: true });
    expect(authorization).toBe("Bearer t");
  });

  it.each([
    [
      "no verified primary address",
      { status: 200, body: [{ email: "octo@x.org", primary: true, verified: false }] },
    ],
    ["an API error", { status: 403, body: { message: "forbidden" } }],
  ])("with %s, the profile address is dropped and nothing is verified", async (_name, reply) => {
    answer = reply;
    const result = await githubProfileWithVerifiedEmail(
      Promise.resolve(profile),
      { access_token: "t" },
      api,
    );
    expect(result.email).toBeUndefined();
    expect(result.email_verified).toBe(false);
  });
});
