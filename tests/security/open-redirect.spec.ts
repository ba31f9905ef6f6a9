import { expect, test } from "@playwright/test";
import { baseURL } from "../../playwright.config";

/**
 * Issue 9 finding 5 over HTTP: each endpoint that redirects to a caller-chosen path must send a
 * Location that stays on the site, however the path is spelled.
 */
const attacks = [
  "//evil.example",
  "/.//evil.example",
  "/a/..//evil.example",
  "/%2e//evil.example",
  "/%2E%2E//evil.example",
  "/x/.%2e//evil.example",
  "/%2f%2fevil.example",
  "/%5c%5cevil.example",
  "/\\evil.example",
  "/\t/evil.example",
  "/%09/evil.example",
  "/\uff0f\uff0fevil.example",
  "https://evil.example/",
];

function assertOnSite(location: string | undefined, label: string) {
  expect(location, label).toBeTruthy();
  const followed = new URL(location ?? "", `${baseURL}/current/page`);
  expect(followed.origin, `${label} → ${location}`).toBe(new URL(baseURL).origin);
  expect(followed.pathname.startsWith("//"), `${label} → ${location}`).toBe(false);
  expect(location, label).not.toMatch(/^\/\/|^\/\\|^[a-z][a-z0-9+.-]*:\/\/(?!127\.0\.0\.1)/i);
}

test("the language switcher, the checkout return and sign-in's callbackUrl stay on the site", async ({
  playwright,
}) => {
  const client = await playwright.request.newContext({ baseURL });
  const csrf = (await (await client.get("/api/auth/csrf")).json()) as { csrfToken: string };
  for (const attack of attacks) {
    const next = encodeURIComponent(attack);
    const locale = await client.get(`/api/locale?to=en&next=${next}`, { maxRedirects: 0 });
    expect(locale.status()).toBe(303);
    assertOnSite(locale.headers()["location"], `/api/locale next=${JSON.stringify(attack)}`);

    const checkout = await client.get(`/api/billing/return?next=${next}`, { maxRedirects: 0 });
    expect(checkout.status()).toBe(303);
    assertOnSite(
      checkout.headers()["location"],
      `/api/billing/return next=${JSON.stringify(attack)}`,
    );

    // next-auth sends the reader to callbackUrl after signing out (and after signing in).
    const signOut = await client.post("/api/auth/signout", {
      form: { csrfToken: csrf.csrfToken, callbackUrl: attack },
      maxRedirects: 0,
    });
    expect([302, 303]).toContain(signOut.status());
    assertOnSite(signOut.headers()["location"], `signout callbackUrl=${JSON.stringify(attack)}`);
  }
  await client.dispose();
});
