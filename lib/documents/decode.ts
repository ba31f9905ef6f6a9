import { DocumentError } from "./errors";

export type DocumentEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "gb18030";

export interface DecodedDocument {
  text: string;
  encoding: DocumentEncoding;
}

export interface DecodeOptions {
  /** Reject inputs larger than this many bytes (default DEFAULT_MAX_DOCUMENT_BYTES). */
  maxBytes?: number;
}

/** Generous default: the largest real documents are a few MB; the parser handles 10 MB in well under a second. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

interface ByteOrderMark {
  bytes: readonly number[];
  encoding: DocumentEncoding;
  decoderLabel: string;
}

const BYTE_ORDER_MARKS: readonly ByteOrderMark[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8-bom", decoderLabel: "utf-8" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le", decoderLabel: "utf-16le" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be", decoderLabel: "utf-16be" },
];

/** C0 controls other than \t \n \f \r: their presence means a binary file, whatever decoded "successfully". */
const BINARY_CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000E-\u001F]/;
/** Old DOS editors end files with Ctrl-Z (0x1A); that one is harmless. */
const TRAILING_DOS_EOF = /\u001A$/;

export function decodeDocumentBytes(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): DecodedDocument {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (bytes.length > maxBytes) {
    throw new DocumentError(
      "too-large",
      `the file is ${bytes.length.toLocaleString("en")} bytes; the limit is ${maxBytes.toLocaleString("en")} bytes`,
    );
  }
  if (bytes.length === 0) throw new DocumentError("empty", "the file is empty");

  const decoded = decodeWithBomOrGuess(bytes);
  const text = normaliseLineEndings(decoded.text).replace(TRAILING_DOS_EOF, "");
  if (BINARY_CONTROL_CHARACTER.test(text)) {
    throw new DocumentError(
      "undecodable",
      "the file contains control characters; it looks like a binary file, not text",
    );
  }
  if (text.trim() === "") throw new DocumentError("empty", "the file contains only whitespace");
  return { text, encoding: decoded.encoding };
}

export function normaliseLineEndings(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

function decodeWithBomOrGuess(bytes: Uint8Array): DecodedDocument {
  const bom = BYTE_ORDER_MARKS.find((mark) => startsWithBytes(bytes, mark.bytes));
  if (bom) {
    const text = decodeStrict(bytes.subarray(bom.bytes.length), bom.decoderLabel);
    if (text === null) {
      throw new DocumentError(
        "undecodable",
        `the file starts with a ${bom.encoding} byte order mark but is not valid ${bom.encoding}`,
      );
    }
    return { text, encoding: bom.encoding };
  }
  // Valid UTF-8 is almost never valid-looking GB18030 by accident, so UTF-8 goes first.
  const utf8 = decodeStrict(bytes, "utf-8");
  if (utf8 !== null) return { text: utf8, encoding: "utf-8" };
  const gb18030 = decodeStrict(bytes, "gb18030");
  if (gb18030 !== null) return { text: gb18030, encoding: "gb18030" };
  throw new DocumentError(
    "undecodable",
    "the file is neither UTF-8, UTF-16 (with byte order mark) nor GB18030/GBK text",
  );
}

/** Returns null instead of throwing so callers can try the next encoding. */
function decodeStrict(bytes: Uint8Array, label: string): string | null {
  try {
    // ignoreBOM keeps a second, stray BOM visible rather than silently eating it; we strip ours by slicing.
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function startsWithBytes(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}
