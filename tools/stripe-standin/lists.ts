/** Stripe list endpoints: newest first, `limit` (1–100, default 10), `starting_after`, `ending_before`. */
import type Stripe from "stripe";
import { badRequest, invalidParam } from "./errors";
import { optInt, optString, type FormMap } from "./form";
import { list } from "./objects";

export const LIST_PARAMS = ["limit", "starting_after", "ending_before", "expand"] as const;

/** `items` oldest first (creation order), as the store keeps them. */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  input: FormMap,
  url: string,
): Stripe.ApiList<T> {
  const limit = optInt(input, "limit") ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam("limit", "Invalid limit: must be between 1 and 100");
  }
  const newestFirst = [...items].reverse();
  const after = optString(input, "starting_after");
  const before = optString(input, "ending_before");
  if (after !== undefined && before !== undefined) {
    throw badRequest(
      "You may only specify one of these parameters: starting_after, ending_before.",
    );
  }
  if (after !== undefined) {
    const index = newestFirst.findIndex((item) => item.id === after);
    if (index === -1) throw invalidParam("starting_after", `No such object: '${after}'`);
    const rest = newestFirst.slice(index + 1);
    return list(rest.slice(0, limit), url, rest.length > limit);
  }
  if (before !== undefined) {
    const index = newestFirst.findIndex((item) => item.id === before);
    if (index === -1) throw invalidParam("ending_before", `No such object: '${before}'`);
    const rest = newestFirst.slice(0, index);
    return list(rest.slice(Math.max(rest.length - limit, 0)), url, rest.length > limit);
  }
  return list(newestFirst.slice(0, limit), url, newestFirst.length > limit);
}

/** `created[gte]=…` style filters, or `created=<exact>`. */
export function createdFilter(input: FormMap, name = "created"): (created: number) => boolean {
  const exact = typeof input[name] === "string" ? optInt(input, name) : undefined;
  const gt = optInt(input, `${name}[gt]`);
  const gte = optInt(input, `${name}[gte]`);
  const lt = optInt(input, `${name}[lt]`);
  const lte = optInt(input, `${name}[lte]`);
  return (created) =>
    (exact === undefined || created === exact) &&
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte);
}
