/**
 * Turning stored objects into responses: a fresh copy (subscription items show the price as it
 * is now, like Stripe), then `expand[]` paths such as `data.product`, `subscription`,
 * `latest_invoice`, `items.data.price.product` or `parent.subscription_details.subscription`.
 */
import type Stripe from "stripe";
import { badRequest } from "./errors";
import { idOf, planFromPrice } from "./objects";
import type { Store } from "./store";

export function renderSubscription(store: Store, stored: Stripe.Subscription): Stripe.Subscription {
  const subscription = structuredClone(stored);
  for (const item of subscription.items.data) {
    const price = store.prices.get(item.price.id);
    if (price) {
      item.price = structuredClone(price);
      item.plan = planFromPrice(price);
    }
  }
  return subscription;
}

/** A response copy of any stored object. */
export function render<T extends { object: string }>(store: Store, stored: T): T {
  if (stored.object === "subscription") {
    return renderSubscription(store, stored as unknown as Stripe.Subscription) as unknown as T;
  }
  return structuredClone(stored);
}

function cannotExpand(path: string): never {
  throw badRequest(`This property cannot be expanded (${path}).`, "expand");
}

function expandAt(store: Store, node: unknown, segments: string[], path: string): unknown {
  if (Array.isArray(node)) return node.map((item) => expandAt(store, item, segments, path));
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if (!(head in record)) cannotExpand(path);
  let value = record[head];
  if (typeof value === "string") {
    const found = store.byId(value);
    if (!found) cannotExpand(path);
    value = render(store, found);
  }
  record[head] = rest.length > 0 ? expandAt(store, value, rest, path) : value;
  return record;
}

export function expand<T>(store: Store, response: T, paths: readonly string[]): T {
  let result: unknown = response;
  for (const path of paths) {
    if (path.split(".").length > 4) {
      throw badRequest(
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
        "expand",
      );
    }
    result = expandAt(store, result, path.split("."), path);
  }
  return result as T;
}

/** Ids in a list response are compared as strings even when expanded. */
export function sameId(value: string | { id: string } | null, id: string): boolean {
  return value !== null && idOf(value) === id;
}
