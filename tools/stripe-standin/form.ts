/**
 * Stripe's form encoding: `a[b][0][c]=x`, `expand[]=y` / `expand[0]=y`, `metadata[key]=v`.
 * Parsed into a tree of string maps; arrays stay maps keyed "0", "1", … (`[]` appends the next
 * index) and are read back with `arrayParam`, so a metadata key that happens to be numeric stays
 * a metadata key. The typed getters throw Stripe-shaped 400 errors.
 */
import { invalidParam, missingParam } from "./errors";

export type FormNode = string | FormMap;
export interface FormMap {
  [key: string]: FormNode;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** `a[b][]` → ["a", "b", ""]; anything not of that form is one literal segment. */
export function keySegments(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) {
    // `metadata[a[b]]`: a bracket inside a (metadata) key; take the outer brackets.
    const loose = /^([^[\]]+)\[(.*)\]$/.exec(key);
    return loose ? [loose[1] ?? key, loose[2] ?? ""] : [key];
  }
  const [, head = key, rest = ""] = match;
  const segments = [head];
  for (const part of rest.matchAll(/\[([^[\]]*)\]/g)) segments.push(part[1] ?? "");
  return segments;
}

function assign(root: FormMap, segments: string[], value: string): void {
  let node: FormMap = root;
  segments.forEach((raw, index) => {
    const segment = raw === "" ? String(Object.keys(node).length) : raw;
    if (index === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === undefined || typeof next === "string") {
      const child: FormMap = {};
      node[segment] = child;
      node = child;
    } else {
      node = next;
    }
  });
}

export function parseForm(text: string): FormMap {
  const root: FormMap = {};
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    if (key === "") continue;
    assign(root, keySegments(key), value);
  }
  return root;
}

/** A JSON body (used by the /_standin/ endpoints) as a FormMap: scalars become strings. */
export function jsonToForm(value: unknown): FormMap {
  const convert = (input: unknown): FormNode => {
    if (input === null || input === undefined) return "";
    if (Array.isArray(input)) {
      const map: FormMap = {};
      input.forEach((item, index) => (map[String(index)] = convert(item)));
      return map;
    }
    if (typeof input === "object") {
      const map: FormMap = {};
      for (const [key, item] of Object.entries(input)) map[key] = convert(item);
      return map;
    }
    return String(input);
  };
  const converted = convert(value);
  return typeof converted === "string" ? {} : converted;
}

function describe(node: FormNode): string {
  return typeof node === "string" ? node : JSON.stringify(node);
}

/** Reads `form[a][b]…` for a param name written `a[b]`. */
export function lookup(form: FormMap, name: string): FormNode | undefined {
  let node: FormNode | undefined = form;
  for (const segment of keySegments(name)) {
    if (node === undefined || typeof node === "string") return undefined;
    node = node[segment];
  }
  return node;
}

export function optString(form: FormMap, name: string): string | undefined {
  const node = lookup(form, name);
  if (node === undefined) return undefined;
  if (typeof node !== "string") throw invalidParam(name, `Invalid string: ${describe(node)}`);
  return node;
}

export function reqString(form: FormMap, name: string): string {
  const value = optString(form, name);
  if (value === undefined || value === "") throw missingParam(name);
  return value;
}

/** A string param where "" means "unset" (returned as null). */
export function optNullableString(form: FormMap, name: string): string | null | undefined {
  const value = optString(form, name);
  return value === "" ? null : value;
}

export function optInt(form: FormMap, name: string): number | undefined {
  const value = optString(form, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalidParam(name, `Invalid integer: ${value}`, "parameter_invalid_integer");
  }
  return Number(value);
}

export function optBool(form: FormMap, name: string): boolean | undefined {
  const value = optString(form, name);
  if (value === undefined) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidParam(name, `Invalid boolean: ${value}`);
}

export function optEnum<T extends string>(
  form: FormMap,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = optString(form, name);
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const list =
    allowed.length > 1
      ? `${allowed.slice(0, -1).join(", ")}, or ${allowed[allowed.length - 1]}`
      : allowed.join("");
  throw invalidParam(name, `Invalid ${name}: must be one of ${list}`);
}

/** `x[0]=a&x[1]=b` or `x[]=a&x[]=b` → ["a", "b"] (by index). A lone `x=a` counts as ["a"]. */
export function arrayParam(form: FormMap, name: string): FormNode[] | undefined {
  const node = lookup(form, name);
  if (node === undefined) return undefined;
  if (typeof node === "string") return node === "" ? [] : [node];
  const keys = Object.keys(node);
  if (!keys.every((key) => /^\d+$/.test(key))) {
    throw invalidParam(name, `Invalid array: ${describe(node)}`);
  }
  return keys.sort((a, b) => Number(a) - Number(b)).map((key) => node[key] as FormNode);
}

export function stringArray(form: FormMap, name: string): string[] {
  const items = arrayParam(form, name) ?? [];
  return items.map((item, index) => {
    if (typeof item !== "string") {
      throw invalidParam(`${name}[${index}]`, `Invalid string: ${describe(item)}`);
    }
    return item;
  });
}

export function optMap(form: FormMap, name: string): FormMap | undefined {
  const node = lookup(form, name);
  if (node === undefined) return undefined;
  if (node === "") return {};
  if (typeof node === "string") throw invalidParam(name, `Invalid object`);
  return node;
}

/**
 * Applies Stripe's metadata semantics to a copy of `current`: `metadata[k]=v` sets, `metadata[k]=`
 * removes, `metadata=` clears everything.
 */
export function applyMetadata(
  current: Record<string, string>,
  form: FormMap,
  name = "metadata",
): Record<string, string> {
  const node = lookup(form, name);
  if (node === undefined) return { ...current };
  if (node === "") return {};
  if (typeof node === "string") throw invalidParam(name, "Invalid object");
  const next = { ...current };
  for (const [key, value] of Object.entries(node)) {
    if (typeof value !== "string") {
      throw invalidParam(`${name}[${key}]`, `Invalid string: ${describe(value)}`);
    }
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Canonical JSON of a parsed form (sorted keys), to compare idempotent requests. */
export function canonical(form: FormMap): string {
  const sort = (node: FormNode): unknown =>
    typeof node === "string"
      ? node
      : Object.fromEntries(
          Object.keys(node)
            .sort()
            .map((key) => [key, sort(node[key] as FormNode)]),
        );
  return JSON.stringify(sort(form));
}
