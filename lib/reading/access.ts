/**
 * Who may read paid text: a pure decision over the viewer and the document, with no framework or
 * database in sight, so every rule is a row in a table-driven test. Deny is the default: a viewer
 * kind or entitlement this function does not know grants nothing.
 */

/** Full access and until when; `until: null` means without an end date. */
export type Entitlement =
  { kind: "none" } | { kind: "full"; until: Date | null; source: "grant" | "subscription" };

/**
 * `entitled-rendering` is the page cache (server.ts) rendering a document page once for every
 * reader with full access: it has full access and no identity, so the page it gets names nobody.
 */
export type Viewer =
  | { kind: "anonymous" }
  | { kind: "reader"; userId: string; entitlement: Entitlement }
  | { kind: "entitled-rendering" };

export const anonymousViewer: Viewer = Object.freeze({ kind: "anonymous" });
export const entitledRendering: Viewer = Object.freeze({ kind: "entitled-rendering" });

export interface AccessSubject {
  /** How many paid regions the document has; a document without any is free for everyone. */
  paidRegions: number;
}

export function hasFullAccess(entitlement: Entitlement, now: Date): boolean {
  switch (entitlement.kind) {
    case "full":
      return entitlement.until === null || now.getTime() < entitlement.until.getTime();
    case "none":
      return false;
    default:
      return false;
  }
}

export function canReadPaid(viewer: Viewer, document: AccessSubject, now: Date): boolean {
  if (document.paidRegions === 0) return true;
  switch (viewer.kind) {
    case "reader":
      return hasFullAccess(viewer.entitlement, now);
    case "entitled-rendering":
      return true;
    case "anonymous":
      return false;
    default:
      return false;
  }
}
