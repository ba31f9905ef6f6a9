/**
 * A real OpenID Provider (oidc-provider v9) for sign-in tests, with one static confidential client
 * and its own minimal login page: any login name is accepted and the password is ignored.
 *
 * Standalone (Playwright `webServer`): `npx tsx tests/support/servers/oidc-issuer.ts`
 *   OIDC_ISSUER_PORT     port (default 4010); the issuer is http://127.0.0.1:<port>, health check
 *                        at http://127.0.0.1:<port>/health
 *   OIDC_CLIENT_ID       default "folio-test"
 *   OIDC_CLIENT_SECRET   default "folio-test-secret"
 *   OIDC_REDIRECT_URIS   comma-separated, default "http://127.0.0.1:3100/api/auth/callback/oidc"
 *
 * Browser flow: the relying party redirects to /auth → 303 to /interaction/<uid>, a page with
 *   <input name="login">, <input name="password" type="password">, <button>Sign in</button>
 *   (and a separate <button>Cancel</button> that ends the sign-in with error=access_denied).
 * Submitting goes back through /auth/<uid> to the redirect URI with `code` and `state`. There is
 * no consent page: openid/email/profile are granted automatically. The login page shows on
 * every authorization request, even with an issuer session, so each sign-in can pick its user
 * (signing in as a different user than last time in the same browser passes through an
 * auto-submitting oidc-provider logout page first; a browser with JavaScript does not stop there).
 *
 * Claims of the login name L: sub = L; email = L if it contains "@", else `${L}@oidc.test`;
 * email_verified = false if L starts with "unverified", else true; name = the part before "@".
 * A login "S|E" names the subject S with the address E (the same person under a new address):
 * sub = S, email = E, email_verified = false if S starts with "unverified", name from E.
 * They are in the ID token as well as at the userinfo endpoint.
 */
import { escapeHtml } from "../../../lib/documents/text-utils";
import { listen, portFromEnv } from "./listen";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type {
  Account,
  Configuration,
  Grant,
  Interaction,
  KoaContextWithOIDC,
  Provider,
} from "oidc-provider";

const HOST = "127.0.0.1";

export const OIDC_DEFAULTS = {
  port: 4010,
  clientId: "folio-test",
  clientSecret: "folio-test-secret",
  redirectUris: ["http://127.0.0.1:3100/api/auth/callback/oidc"],
} as const;

export interface OidcIssuerOptions {
  /** 0 picks a free port; default 4010. */
  port?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUris?: readonly string[];
}

export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  issuer: string;
  port: number;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export type OidcTestClaims = {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
};

/** The claims the issuer asserts for a login name. */
export function claimsForLogin(login: string): OidcTestClaims {
  const bar = login.indexOf("|");
  if (bar !== -1) {
    const sub = login.slice(0, bar);
    const email = login.slice(bar + 1);
    const at = email.indexOf("@");
    return {
      sub,
      email,
      email_verified: !sub.startsWith("unverified"),
      name: at === -1 ? email : email.slice(0, at),
    };
  }
  const at = login.indexOf("@");
  return {
    sub: login,
    email: at === -1 ? `${login}@oidc.test` : login,
    email_verified: !login.startsWith("unverified"),
    name: at === -1 ? login : login.slice(0, at),
  };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 24rem; margin: 3rem auto; padding: 0 1rem; }
label, input, button { display: block; width: 100%; box-sizing: border-box; }
input { margin: 0.25rem 0 1rem; padding: 0.5rem; }
button { padding: 0.5rem; margin-top: 0.5rem; }
.error { color: #b00020; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function loginPage(interaction: Interaction, error?: string, login = ""): string {
  const uid = encodeURIComponent(interaction.uid);
  const hint = interaction.prompt.details.login_hint;
  const value = login || (typeof hint === "string" ? hint : "");
  const client =
    typeof interaction.params.client_id === "string" ? interaction.params.client_id : "";
  return page(
    "Sign in – Folio test OpenID Provider",
    `<h1>Folio test OpenID Provider</h1>
<p>Signing in to <code>${escapeHtml(client)}</code>. Any login name works, the password is ignored.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
<label for="login">Login</label>
<input id="login" name="login" type="text" value="${escapeHtml(value)}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password">
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort">
<button type="submit">Cancel</button>
</form>`,
  );
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
  });
  res.end(html);
}

function errorPage(res: http.ServerResponse, status: number, message: string): void {
  sendHtml(
    res,
    status,
    page("Sign-in error", `<h1>Sign-in error</h1><p role="alert">${escapeHtml(message)}</p>`),
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > 64 * 1024) throw new Error("form too large");
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };
}

export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  // oidc-provider is ESM-only; a dynamic import also works where tsx compiles this file to CJS.
  const { default: ProviderClass, interactionPolicy } = await import("oidc-provider");
  const { Check } = interactionPolicy;

  const clientId = options.clientId ?? OIDC_DEFAULTS.clientId;
  const clientSecret = options.clientSecret ?? OIDC_DEFAULTS.clientSecret;
  const redirectUris = [...(options.redirectUris ?? OIDC_DEFAULTS.redirectUris)];

  // The claims of each subject's latest login ("S|E" logins change a subject's address).
  const lastClaims = new Map<string, OidcTestClaims>();

  // Listen first: with port 0 the issuer URL is only known once the port is.
  let handler: http.RequestListener = (_req, res) => errorPage(res, 503, "starting");
  const server = http.createServer((req, res) => handler(req, res));
  await listen(server, options.port ?? OIDC_DEFAULTS.port);
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${HOST}:${port}`;

  // Show the login page on every authorization request, not only when there is no session.
  const policy = interactionPolicy.base();
  policy
    .get("login")
    ?.checks.add(
      new Check("folio_always_login", "every sign-in asks for a login", (ctx) =>
        ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // client_secret_post is accepted as well for this method.
        token_endpoint_auth_method: "client_secret_basic",
        application_type: "web",
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: ["folio-test-oidc-cookie-key-1", "folio-test-oidc-cookie-key-0"] },
    findAccount: (_ctx, sub): Account => ({
      accountId: sub,
      claims: () => lastClaims.get(sub) ?? claimsForLogin(sub),
    }),
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    scopes: ["openid", "email", "profile"],
    // Put the scope's claims into the ID token too (next-auth reads the profile from it).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // No consent page: the client gets every OpenID scope it asks for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, account, session, result, provider } = ctx.oidc;
      if (!client || !account) return undefined;
      const grantId = result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
      let grant: Grant | undefined = grantId ? await provider.Grant.find(grantId) : undefined;
      if (grant?.accountId !== account.accountId || grant.clientId !== client.clientId) {
        grant = new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
      }
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(" "));
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = page(
        "Sign-in error",
        `<h1>Sign-in error</h1>\n${Object.entries(out)
          .map(([key, value]) => `<p><code>${escapeHtml(key)}</code>: ${escapeHtml(value)}</p>`)
          .join("\n")}`,
      );
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      Session: 86_400,
      Grant: 86_400,
    },
  };

  let provider: Provider;
  try {
    provider = new ProviderClass(issuer, configuration);
    // Static clients are validated on first use: fail at start on bad metadata instead.
    await provider.Client.find(clientId);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const detail = (error as { error_description?: unknown }).error_description;
    throw typeof detail === "string"
      ? new Error(`oidc issuer: ${detail}`, { cause: error })
      : error;
  }
  provider.on("server_error", (_ctx, error) => console.error("oidc issuer: server_error", error));
  const providerCallback = provider.callback();

  const interactionRoute = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    uid: string,
    action: string | undefined,
  ): Promise<void> => {
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch {
      errorPage(res, 400, "This sign-in request has expired or is unknown. Start again.");
      return;
    }
    if (interaction.uid !== uid) {
      errorPage(res, 400, "This sign-in request does not belong to this browser. Start again.");
      return;
    }

    if (action === undefined) {
      if (req.method !== "GET" && req.method !== "HEAD") {
        errorPage(res, 405, "Method not allowed.");
      } else if (interaction.prompt.name === "consent") {
        // Only reached if a grant somehow lacks scopes: grant them and carry on.
        const grant = new provider.Grant({
          accountId: interaction.session?.accountId,
          clientId: String(interaction.params.client_id),
        });
        grant.addOIDCScope(String(interaction.params.scope ?? "openid"));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { consent: { grantId } });
      } else {
        sendHtml(res, 200, loginPage(interaction));
      }
      return;
    }

    if (req.method !== "POST") {
      errorPage(res, 405, "Method not allowed.");
      return;
    }
    if (action === "abort") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "End-User aborted interaction" },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const login = (await readForm(req)).get("login")?.trim() ?? "";
    if (!login) {
      sendHtml(res, 400, loginPage(interaction, "Enter a login name."));
      return;
    }
    const claims = claimsForLogin(login);
    lastClaims.set(claims.sub, claims);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: claims.sub } },
      { mergeWithLastSubmission: false },
    );
  };

  handler = (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("ok");
      return;
    }
    const interaction = /^\/interaction\/([^/]+)(?:\/(login|abort))?\/?$/.exec(url.pathname);
    const pending = interaction
      ? interactionRoute(req, res, decodeURIComponent(interaction[1] ?? ""), interaction[2])
      : providerCallback(req, res);
    pending.catch((error: unknown) => {
      console.error("oidc issuer:", error);
      if (!res.headersSent) errorPage(res, 500, String(error));
      else res.destroy();
    });
  };

  let closing: Promise<void> | undefined;
  return {
    issuer,
    port,
    clientId,
    clientSecret,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Standalone server.

async function main(): Promise<void> {
  const redirectUris = process.env.OIDC_REDIRECT_URIS?.split(",")
    .map((uri) => uri.trim())
    .filter(Boolean);
  const issuer = await startOidcIssuer({
    port: portFromEnv("OIDC_ISSUER_PORT", OIDC_DEFAULTS.port),
    clientId: process.env.OIDC_CLIENT_ID || undefined,
    clientSecret: process.env.OIDC_CLIENT_SECRET || undefined,
    redirectUris: redirectUris?.length ? redirectUris : undefined,
  });
  console.log(`oidc issuer: ${issuer.issuer} (client ${issuer.clientId})`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void issuer.close().finally(() => process.exit(0));
    });
  }
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
