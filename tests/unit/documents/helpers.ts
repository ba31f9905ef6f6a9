import { expect } from "vitest";
import {
  DocumentError,
  parseDocument,
  type DocumentErrorCode,
  type ParsedDocument,
} from "@/lib/documents";

export function parseTxt(text: string, fileName?: string): ParsedDocument {
  return parseDocument({ text, format: "txt", fileName });
}

export function parseMd(text: string, fileName?: string): ParsedDocument {
  return parseDocument({ text, format: "md", fileName });
}

/** The shape most marker tests care about: which text ended up on which side of the paywall. */
export function regions(doc: ParsedDocument): { access: string; text: string }[] {
  return doc.segments.map((segment) => ({ access: segment.access, text: segment.text }));
}

export function warningCodes(doc: ParsedDocument): string[] {
  return doc.warnings.map((warning) => warning.code);
}

const MARKER_RESIDUE = /[#＃]|paid\s*[-_]?\s*(?:begin|end)|ｐａｉｄ/i;

export function expectNoMarkerResidue(doc: ParsedDocument): void {
  for (const segment of doc.segments) {
    expect(segment.html).not.toMatch(MARKER_RESIDUE);
    expect(segment.text).not.toMatch(MARKER_RESIDUE);
  }
}

export function catchDocumentError(run: () => unknown): DocumentError {
  try {
    run();
  } catch (error) {
    if (error instanceof DocumentError) return error;
    throw error;
  }
  throw new Error("expected a DocumentError, but nothing was thrown");
}

export function expectDocumentError(
  run: () => unknown,
  code: DocumentErrorCode,
  line?: number,
): DocumentError {
  const error = catchDocumentError(run);
  expect(error.code).toBe(code);
  expect(error.line).toBe(line);
  if (line !== undefined) expect(error.message.startsWith(`line ${line}: `)).toBe(true);
  return error;
}

export function bytes(values: readonly number[]): Uint8Array {
  return Uint8Array.from(values);
}
