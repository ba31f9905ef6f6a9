import { describe, expect, it } from "vitest";
import { decodeDocumentBytes, DocumentError, type DocumentEncoding } from "@/lib/documents";
import { bytes, expectDocumentError } from "./helpers";

const SAMPLE = "标题：你好\nSecond line ✓ 𠀀";

function utf8(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

function utf16le(text: string): number[] {
  return [...Buffer.from(text, "utf16le")];
}

function utf16be(text: string): number[] {
  const littleEndian = utf16le(text);
  const swapped: number[] = [];
  for (let index = 0; index < littleEndian.length; index += 2)
    swapped.push(littleEndian[index + 1] ?? 0, littleEndian[index] ?? 0);
  return swapped;
}

// GB18030/GBK bytes written out by hand: 中 d6d0, 文 cec4, 你 c4e3, 好 bac3, 。 a1a3.
const GB18030_BYTES = [
  0xd6, 0xd0, 0xce, 0xc4, 0x0a, 0xc4, 0xe3, 0xba, 0xc3, 0xa1, 0xa3, 0x6f, 0x6b,
];

describe("decodeDocumentBytes: encodings", () => {
  it.each<[string, number[], string, DocumentEncoding]>([
    ["UTF-8 without BOM", utf8(SAMPLE), SAMPLE, "utf-8"],
    ["UTF-8 with BOM", [0xef, 0xbb, 0xbf, ...utf8(SAMPLE)], SAMPLE, "utf-8-bom"],
    ["UTF-16 LE with BOM", [0xff, 0xfe, ...utf16le(SAMPLE)], SAMPLE, "utf-16le"],
    ["UTF-16 BE with BOM", [0xfe, 0xff, ...utf16be(SAMPLE)], SAMPLE, "utf-16be"],
    ["GB18030 / GBK", GB18030_BYTES, "中文\n你好。ok", "gb18030"],
    ["plain ASCII", utf8("hello"), "hello", "utf-8"],
  ])("%s", (_name, input, expectedText, expectedEncoding) => {
    expect(decodeDocumentBytes(bytes(input))).toEqual({
      text: expectedText,
      encoding: expectedEncoding,
    });
  });

  it("strips only the leading BOM and never shows it in the text", () => {
    const { text } = decodeDocumentBytes(bytes([0xef, 0xbb, 0xbf, ...utf8("abc")]));
    expect(text.charCodeAt(0)).toBe("a".charCodeAt(0));
    expect(text).toHaveLength(3);
  });
});

describe("decodeDocumentBytes: line endings", () => {
  it.each([
    ["LF", "a\nb\n", "a\nb\n"],
    ["CRLF", "a\r\nb\r\n", "a\nb\n"],
    ["CR (classic Mac)", "a\rb\r", "a\nb\n"],
    ["mixed", "a\r\n\rb\nc\r", "a\n\nb\nc\n"],
  ])("%s becomes LF", (_name, input, expected) => {
    expect(decodeDocumentBytes(bytes(utf8(input))).text).toBe(expected);
  });

  it("normalises CRLF in UTF-16 too", () => {
    expect(decodeDocumentBytes(bytes([0xff, 0xfe, ...utf16le("一\r\n二")])).text).toBe("一\n二");
  });

  it("drops a DOS end-of-file Ctrl-Z", () => {
    expect(decodeDocumentBytes(bytes([...utf8("text"), 0x1a])).text).toBe("text");
  });
});

describe("decodeDocumentBytes: rejects", () => {
  it.each<[string, number[]]>([
    ["zero bytes", []],
    ["only whitespace", utf8("  \n\t\r\n ")],
    ["only a UTF-8 BOM", [0xef, 0xbb, 0xbf]],
    ["UTF-16 BOM and spaces", [0xff, 0xfe, ...utf16le("  \n")]],
    ["ideographic spaces", utf8("\u3000\u3000\n")],
  ])("%s as empty", (_name, input) => {
    expectDocumentError(() => decodeDocumentBytes(bytes(input)), "empty");
  });

  it.each<[string, number[]]>([
    ["bytes invalid in UTF-8 and GB18030", [0x41, 0xff, 0x41]],
    ["a truncated GB18030 sequence", [0xc4, 0xe3, 0x81]],
    ["NUL bytes (valid UTF-8, but binary)", [0x61, 0x00, 0x62]],
    ["other C0 controls", utf8("abc\u0007def")],
    [
      "a PNG header, which GB18030 happens to decode",
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d],
    ],
    ["UTF-16 LE with an odd byte count", [0xff, 0xfe, 0x41, 0x00, 0x42]],
    ["BOM-less UTF-16 (full of NULs)", utf16le("hello")],
  ])("%s as undecodable", (_name, input) => {
    expectDocumentError(() => decodeDocumentBytes(bytes(input)), "undecodable");
  });

  it("keeps tab, form feed and newlines", () => {
    expect(decodeDocumentBytes(bytes(utf8("a\tb\fc\nd"))).text).toBe("a\tb\fc\nd");
  });

  it("rejects inputs over maxBytes with too-large", () => {
    const error = expectDocumentError(
      () => decodeDocumentBytes(bytes(utf8("12345")), { maxBytes: 4 }),
      "too-large",
    );
    expect(error.message).toBe("the file is 5 bytes; the limit is 4 bytes");
    expect(decodeDocumentBytes(bytes(utf8("1234")), { maxBytes: 4 }).text).toBe("1234");
  });

  it("throws DocumentError instances with a readable name", () => {
    const error = expectDocumentError(() => decodeDocumentBytes(bytes([])), "empty");
    expect(error).toBeInstanceOf(DocumentError);
    expect(error.name).toBe("DocumentError");
    expect(error.message).toBe("the file is empty");
  });
});
