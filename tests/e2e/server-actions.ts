import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

/**
 * Folio's real server actions, read from the production build's server-reference manifest (so a
 * new action is probed without editing a test), and a request for each in every way Next.js
 * accepts one: the JavaScript call (Next-Action header, JSON or multipart arguments) and the
 * no-JavaScript form post ($ACTION_ID_ field), on the pages that carry it and on a document page.
 */
export interface ServerAction {
  id: string;
  name: string;
  pages: string[];
}

export function serverActions(): ServerAction[] {
  const manifest = path.join(process.cwd(), ".next", "server", "server-reference-manifest.json");
  const { node } = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
    node: Record<
      string,
      { workers: Record<string, unknown>; filename?: string; exportedName?: string }
    >;
  };
  return Object.entries(node).map(([id, entry]) => ({
    id,
    name: `${entry.filename ?? "?"}#${entry.exportedName ?? "?"}`,
    // "app/[locale]/reset-password/[token]/page" → "/reset-password/x"
    pages: Object.keys(entry.workers).map(
      (worker) =>
        worker
          .replace(/^app\/\[locale\]/, "")
          .replace(/\/page$/, "")
          .replace(/\[[^\]]+\]/g, "x") || "/",
    ),
  }));
}

/** Fields any of the actions reads, each pointing at a paid document where it can. */
const fields: Record<string, string> = {
  slug: "canary-regions",
  returnTo: "/d/canary-regions",
  callbackUrl: "/d/canary-regions",
  interval: "month",
  email: "probe@example.test",
  password: "probe-password-0123",
  token: "000000",
};

export interface ActionResponse {
  request: string;
  status: number;
  text: string;
}

/** Invokes `action` every way, on each page; returns every answer (body and headers) as text. */
export async function invokeEveryWay(
  request: APIRequestContext,
  action: ServerAction,
  origin: string,
): Promise<ActionResponse[]> {
  const answers: ActionResponse[] = [];
  for (const page of [...action.pages, "/d/canary-regions"]) {
    const attempts: { name: string; headers: Record<string, string>; body: unknown }[] = [
      {
        name: "json arguments",
        headers: { "Next-Action": action.id, "Content-Type": "text/plain;charset=UTF-8" },
        body: JSON.stringify(["canary-regions", fields]),
      },
      {
        name: "multipart arguments",
        headers: { "Next-Action": action.id },
        body: { multipart: { "1_$ACTION_ID": action.id, ...prefixed("1_", fields), 0: '["$K1"]' } },
      },
      {
        name: "form post without JavaScript",
        headers: {},
        body: { multipart: { [`$ACTION_ID_${action.id}`]: "", ...fields } },
      },
    ];
    for (const attempt of attempts) {
      const isMultipart = typeof attempt.body === "object";
      const response = await request.post(page, {
        headers: { Origin: origin, Accept: "text/x-component", ...attempt.headers },
        ...(isMultipart
          ? (attempt.body as { multipart: Record<string, string> })
          : { data: attempt.body as string }),
        maxRedirects: 0,
      });
      answers.push({
        request: `${action.name} ${attempt.name} on ${page}`,
        status: response.status(),
        text: `${await response.text()}\n${JSON.stringify(response.headersArray())}`,
      });
    }
  }
  return answers;
}

function prefixed(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [prefix + key, value]));
}
