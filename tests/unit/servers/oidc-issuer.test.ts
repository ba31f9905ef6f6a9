import { createHash, randomBytes } from "node:crypto";
import { generators, Issuer as OpenIdIssuer } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimsForLogin,
  startOidcIssuer,
  type OidcIssuer,
} from "@/tests/support/servers/oidc-issuer";

const CLIENT_ID = "folio-test-client";
const CLIENT_SECRET = "folio-test-client-secret";
const REDIRECT_URI = "http://127.0.0.1:3100/api/auth/callback/oidc";

let issuer: OidcIssuer;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported: string[];
  scopes_supported: string[];
}

let discovery: Discovery;

beforeAll(async () => {
  issuer = await startOidcIssuer({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI, "http://localhost:3100/other"],
  });
  const response = await fetch(`${issuer.issuer}/.well-known/openid-configuration`);
  discovery = (await response.json()) as Discovery;
});

afterAll(async () => {
  await issuer?.close();
});

/** Just enough of a browser's cookie store for one host: name, value and path. */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path =
        attributes.find((attribute) => /^path=/i.test(attribute))?.slice("path=".length) ?? "/";
      const expired = attributes.some(
        (attribute) =>
          /^max-age=0$/i.test(attribute) ||
          (/^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) < Date.now()),
      );
      const key = `${name};${path}`;
      if (expired || value === "") this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }

  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(
        ([, { path }]) =>
          url.pathname === path ||
          url.pathname.startsWith(`${path.replace(/\/$/, "")}/`) ||
          path === "/",
      )
      .map(([key, { value }]) => `${key.slice(0, key.indexOf(";"))}=${value}`)
      .join("; ");
  }
}

interface HtmlForm {
  action: string;
  fields: Record<string, string>;
}

function decodeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The first POST form of a page, with its inputs' names and values. */
function firstForm(html: string): HtmlForm {
  const form = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in page:\n${html}`);
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? "").matchAll(/<input\b[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = decodeHtml(/value="([^"]*)"/.exec(input[0])?.[1] ?? "");
  }
  return { action: decodeHtml(form[1] ?? ""), fields };
}

interface Page {
  url: URL;
  status: number;
  html: string;
}

/**
 * Requests `url` like a browser: follows redirects with the jar's cookies until a page is
 * returned, or until a redirect to the relying party's redirect URI (returned as `callback`).
 */
async function browse(
  jar: CookieJar,
  start: string | URL,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<{ page?: Page; callback?: URL; visited: string[] }> {
  let url = new URL(start);
  let method = init.method ?? "GET";
  let body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  const visited: string[] = [];
  for (let hop = 0; hop < 15; hop++) {
    if (url.href.startsWith(REDIRECT_URI)) return { callback: url, visited };
    visited.push(`${method} ${url.pathname}`);
    const headers: Record<string, string> = {};
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(url, { method, headers, body, redirect: "manual" });
    jar.store(response);
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      method = "GET";
      body = undefined;
      continue;
    }
    return { page: { url, status: response.status, html: await response.text() }, visited };
  }
  throw new Error(`too many redirects: ${visited.join(" → ")}`);
}

function base64url(buffer: Buffer): string {
  return buffer.toString("base64url");
}

function authorizationUrl(state: string, verifier: string, extra: Record<string, string> = {}) {
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "openid email profile",
    state,
    code_challenge: base64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
    ...extra,
  }).toString();
  return url;
}

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const parts = jwt.split(".");
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** Runs the browser part of a sign-in: authorization request → login form → callback URL. */
async function signIn(jar: CookieJar, login: string, startUrl?: string) {
  const state = base64url(randomBytes(16));
  const verifier = base64url(randomBytes(32));
  const first = await browse(jar, startUrl ?? authorizationUrl(state, verifier));
  expect(first.callback).toBeUndefined();
  const loginPage = first.page;
  expect(loginPage?.status).toBe(200);
  expect(loginPage?.url.pathname).toMatch(/^\/interaction\/[^/]+$/);
  expect(loginPage?.html).toContain('name="login"');
  expect(loginPage?.html).toContain('<button type="submit">Sign in</button>');

  const form = firstForm(loginPage?.html ?? "");
  expect(form.action).toMatch(/^\/interaction\/[^/]+\/login$/);
  let result = await browse(jar, new URL(form.action, loginPage?.url), {
    method: "POST",
    form: { ...form.fields, login, password: "ignored" },
  });
  // Switching users in the same browser: oidc-provider first ends the old session with an
  // auto-submitting form (a browser submits it by itself).
  for (let i = 0; i < 3 && result.page?.html.includes("document.forms[0].submit()"); i++) {
    const autoForm = firstForm(result.page.html);
    result = await browse(jar, new URL(autoForm.action, result.page.url), {
      method: "POST",
      form: autoForm.fields,
    });
  }
  if (!result.callback) {
    throw new Error(`no callback: ${result.visited.join(" → ")}\n${result.page?.html ?? ""}`);
  }
  return { callback: result.callback, state, verifier };
}

async function exchangeCode(
  code: string,
  verifier: string,
  auth: "basic" | "post" = "basic",
): Promise<Response> {
  const params: Record<string, string> = {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  };
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
  };
  if (auth === "basic") {
    const credentials = `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  } else {
    params.client_id = CLIENT_ID;
    params.client_secret = CLIENT_SECRET;
  }
  return fetch(discovery.token_endpoint, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

describe("OIDC issuer", () => {
  it("answers /health and publishes its discovery document", async () => {
    const health = await fetch(`${issuer.issuer}/health`);
    expect(health.status).toBe(200);

    expect(issuer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.port).toBeGreaterThan(0);
    expect(discovery.issuer).toBe(issuer.issuer);
    expect(discovery.authorization_endpoint).toBe(`${issuer.issuer}/auth`);
    expect(discovery.token_endpoint).toBe(`${issuer.issuer}/token`);
    expect(discovery.userinfo_endpoint).toBe(`${issuer.issuer}/me`);
    expect(discovery.jwks_uri).toBe(`${issuer.issuer}/jwks`);
    expect(discovery.code_challenge_methods_supported).toContain("S256");
    expect(discovery.scopes_supported).toEqual(
      expect.arrayContaining(["openid", "email", "profile"]),
    );

    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kty: string }[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: "RSA" })]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
  });

  it("signs a user in with the authorization code flow and PKCE", async () => {
    const jar = new CookieJar();
    const { callback, state, verifier } = await signIn(jar, "reader@example.com");
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("iss")).toBe(issuer.issuer);
    const code = callback.searchParams.get("code");
    expect(code).toBeTruthy();

    const response = await exchangeCode(code ?? "", verifier);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { id_token: string; access_token: string };
    const claims = decodeJwtPayload(tokens.id_token);
    expect(claims).toMatchObject({
      iss: issuer.issuer,
      aud: CLIENT_ID,
      sub: "reader@example.com",
      email: "reader@example.com",
      email_verified: true,
      name: "reader",
    });

    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({
      sub: "reader@example.com",
      email_verified: true,
    });

    // A code is single-use.
    expect((await exchangeCode(code ?? "", verifier)).status).toBe(400);
  });

  it("works with openid-client 5, the way next-auth 4 signs in (PKCE, state, ID token)", async () => {
    // next-auth's "oidc" provider: discovery, client_secret_basic, checks ["pkce", "state"],
    // the profile from the ID token's claims.
    const discovered = await OpenIdIssuer.discover(
      `${issuer.issuer}/.well-known/openid-configuration`,
    );
    const client = new discovered.Client({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
    });
    const state = generators.state();
    const verifier = generators.codeVerifier();
    const startUrl = client.authorizationUrl({
      scope: "openid email profile",
      state,
      code_challenge: generators.codeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback } = await signIn(new CookieJar(), "next-auth@example.org", startUrl);
    const tokens = await client.callback(REDIRECT_URI, client.callbackParams(callback.href), {
      state,
      code_verifier: verifier,
    });
    expect(tokens.claims()).toMatchObject({
      sub: "next-auth@example.org",
      email: "next-auth@example.org",
      email_verified: true,
      name: "next-auth",
    });
  });

  it("shows the login form again for the next sign-in, which can be another user", async () => {
    const jar = new CookieJar();
    await signIn(jar, "first");
    const { callback, verifier } = await signIn(jar, "unverified-second");
    const response = await exchangeCode(callback.searchParams.get("code") ?? "", verifier, "post");
    expect(response.status).toBe(200);
    const { id_token } = (await response.json()) as { id_token: string };
    expect(decodeJwtPayload(id_token)).toMatchObject({
      sub: "unverified-second",
      email: "unverified-second@oidc.test",
      email_verified: false,
      name: "unverified-second",
    });
  });

  it("rejects a wrong PKCE verifier, a wrong secret and an unregistered redirect URI", async () => {
    const { callback } = await signIn(new CookieJar(), "pkce");
    const wrongVerifier = await exchangeCode(
      callback.searchParams.get("code") ?? "",
      base64url(randomBytes(32)),
    );
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: "invalid_grant" });

    const wrongSecret = await fetch(discovery.token_endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:nope`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "x" }).toString(),
    });
    expect(wrongSecret.status).toBe(401);

    const url = authorizationUrl("s", base64url(randomBytes(32)), {
      redirect_uri: "http://127.0.0.1:9999/evil",
    });
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("redirect_uri");
  });

  it("ends the sign-in with access_denied when the user cancels", async () => {
    const jar = new CookieJar();
    const state = base64url(randomBytes(16));
    const { page } = await browse(jar, authorizationUrl(state, base64url(randomBytes(32))));
    const cancel = /<form method="post" action="([^"]*\/abort)">/.exec(page?.html ?? "")?.[1];
    expect(cancel).toBeTruthy();
    const { callback } = await browse(jar, new URL(cancel ?? "", page?.url), { method: "POST" });
    expect(callback?.searchParams.get("error")).toBe("access_denied");
    expect(callback?.searchParams.get("state")).toBe(state);
  });

  it("re-asks for an empty login name", async () => {
    const jar = new CookieJar();
    const { page } = await browse(jar, authorizationUrl("s", base64url(randomBytes(32))));
    const form = firstForm(page?.html ?? "");
    const retry = await browse(jar, new URL(form.action, page?.url), {
      method: "POST",
      form: { login: "   " },
    });
    expect(retry.page?.status).toBe(400);
    expect(retry.page?.html).toContain("Enter a login name.");
  });
});

describe("claimsForLogin", () => {
  it("derives the claims from the login name", () => {
    expect(claimsForLogin("alice")).toEqual({
      sub: "alice",
      email: "alice@oidc.test",
      email_verified: true,
      name: "alice",
    });
    expect(claimsForLogin("unverified.bob@example.com")).toEqual({
      sub: "unverified.bob@example.com",
      email: "unverified.bob@example.com",
      email_verified: false,
      name: "unverified.bob",
    });
  });

  it("gives one subject another address with S|E", () => {
    expect(claimsForLogin("person-7|new@example.com")).toEqual({
      sub: "person-7",
      email: "new@example.com",
      email_verified: true,
      name: "new",
    });
    expect(claimsForLogin("unverified-7|new@example.com").email_verified).toBe(false);
  });
});
