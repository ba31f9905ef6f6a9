/** Problems that make a document unusable; the upload must be rejected. */
export type DocumentErrorCode =
  | "empty"
  | "undecodable"
  | "too-large"
  | "unbalanced-paidend"
  | "nested-paidbegin"
  | "near-miss-marker"
  | "marker-in-front-matter"
  | "invalid-front-matter"
  | "unsupported-format"
  | "missing-title";

export class DocumentError extends Error {
  readonly code: DocumentErrorCode;
  /** 1-based line in the decoded source, front matter lines included. */
  readonly line?: number;

  constructor(code: DocumentErrorCode, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "DocumentError";
    this.code = code;
    if (line !== undefined) this.line = line;
  }
}

export function isDocumentError(value: unknown): value is DocumentError {
  return value instanceof DocumentError;
}

/**
 * Things an author should look at, but which do not stop publication.
 * - no-paid-marker: no marker at all, the whole document is free.
 * - empty-paid-region: a paid region holds no content, so nothing is behind the paywall there.
 * - fence-cut-by-paidend: a code fence opened in a paid region is still open at ##paidend##; the free text after
 *   the marker is rendered on its own (a stray closing fence there opens a new code block).
 * - long-title: the title taken from the first line is unusually long (probably a paragraph).
 * - empty-body: nothing but a title.
 */
export type DocumentWarningCode =
  "no-paid-marker" | "empty-paid-region" | "fence-cut-by-paidend" | "long-title" | "empty-body";

export interface DocumentWarning {
  code: DocumentWarningCode;
  message: string;
  line?: number;
}

export function documentWarning(
  code: DocumentWarningCode,
  message: string,
  line?: number,
): DocumentWarning {
  return line === undefined
    ? { code, message }
    : { code, message: `line ${line}: ${message}`, line };
}
