import { decodeDocumentBytes, type DecodeOptions, type DocumentEncoding } from "./decode";
import { DocumentError } from "./errors";
import { parseDocument } from "./parse";
import type { DocumentFormat, ParsedDocument } from "./types";

export { decodeDocumentBytes, normaliseLineEndings, DEFAULT_MAX_DOCUMENT_BYTES } from "./decode";
export type { DecodeOptions, DecodedDocument, DocumentEncoding } from "./decode";
export { DocumentError, isDocumentError } from "./errors";
export type { DocumentErrorCode, DocumentWarning, DocumentWarningCode } from "./errors";
export {
  parseDocument,
  buildPreviewSummary,
  countText,
  readingMinutes,
  slugFromFileName,
  detectLanguage,
} from "./parse";
export { sanitizeDocumentHtml } from "./markdown";
export { parseIsoDate, normaliseLanguage } from "./front-matter";
export type { PreviewSource } from "./summary";
export type {
  DocumentFormat,
  DocumentLanguage,
  DocumentMeta,
  DocumentStats,
  ParseDocumentInput,
  ParsedDocument,
  Segment,
  SegmentAccess,
  SegmentHeading,
  TextCounts,
} from "./types";

const FORMAT_BY_EXTENSION: Readonly<Record<string, DocumentFormat>> = {
  txt: "txt",
  md: "md",
  markdown: "md",
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION).map(
  (extension) => `.${extension}`,
);

export function formatFromFileName(fileName: string): DocumentFormat {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const format = extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
  if (format === undefined) {
    throw new DocumentError(
      "unsupported-format",
      `"${fileName}" is not a supported file type (use ${SUPPORTED_EXTENSIONS.join(", ")})`,
    );
  }
  return format;
}

/** Upload entry point: format from the extension (checked first, before any decoding), then decode, then parse. */
export function parseDocumentFile(
  bytes: Uint8Array,
  fileName: string,
  options: DecodeOptions = {},
): ParsedDocument & { encoding: DocumentEncoding } {
  const format = formatFromFileName(fileName);
  const { text, encoding } = decodeDocumentBytes(bytes, options);
  return { ...parseDocument({ text, format, fileName }), encoding };
}
