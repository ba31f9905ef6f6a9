import { createHash } from "node:crypto";

const MAX_SLUG_LENGTH = 80;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;

/** A slug is 1–80 characters of a–z, 0–9 and "-", not starting or ending with "-": URL-safe as is. */
export function isValidSlug(value: string): boolean {
  return SLUG.test(value);
}

/**
 * "Reports/My Great Essay (v2).final.TXT" → "my-great-essay-v2-final". Accents are folded ("Café" → "cafe");
 * other scripts vanish, so a Chinese file name yields "" and the caller falls back to slugFromTitle.
 */
export function slugFromFileName(fileName: string): string {
  const baseName = fileName.split(/[\\/]/).pop() ?? "";
  const withoutExtension = baseName.replace(/\.[^.]*$/, "");
  const slug = withoutExtension
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, MAX_SLUG_LENGTH).replace(/-+$/, "");
}

/** Stable fallback for names without Latin letters or digits: "doc-" + 10 hex chars of SHA-256(title). */
export function slugFromTitle(title: string): string {
  return `doc-${createHash("sha256").update(title, "utf8").digest("hex").slice(0, 10)}`;
}

export function deriveSlug(title: string, fileName: string | undefined): string {
  const fromFileName = fileName === undefined ? "" : slugFromFileName(fileName);
  return fromFileName === "" ? slugFromTitle(title) : fromFileName;
}
