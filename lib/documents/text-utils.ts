/** Zero-width characters that editors and copy-paste leave behind. */
export const ZERO_WIDTH_CHARACTERS = "\u200B\u200C\u200D\u2060\uFEFF";
const ZERO_WIDTH_GLOBAL = new RegExp(`[${ZERO_WIDTH_CHARACTERS}]`, "g");
/** \s already covers U+3000 (ideographic space, used for Chinese paragraph indents) and U+FEFF. */
const EDGE_SPACE = new RegExp(
  `^[\\s${ZERO_WIDTH_CHARACTERS}]+|[\\s${ZERO_WIDTH_CHARACTERS}]+$`,
  "g",
);

/** Han, kana, Hangul and CJK/full-width punctuation: scripts written without spaces between words. */
const CJK_CHARACTER =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF]/u;
/** Punctuation shared by Chinese and English text (curly quotes, dash, ellipsis): CJK only next to CJK. */
const SHARED_PUNCTUATION = /[\u2014\u2026\u2018\u2019\u201C\u201D]/u;

export function trimLine(line: string): string {
  return line.replace(EDGE_SPACE, "");
}

export function removeZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH_GLOBAL, "");
}

export function isBlank(line: string): boolean {
  return trimLine(line) === "";
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Joins two pieces of a wrapped line: nothing between CJK characters (Chinese has no spaces),
 * nothing after a line-final hyphen between letters ("well-" + "known"), a space otherwise.
 */
export function joinWrapped(left: string, right: string): string {
  if (left === "") return right;
  if (right === "") return left;
  return left + wrapSeparator(left, right) + right;
}

export function wrapSeparator(left: string, right: string): string {
  const last = lastCharacter(left);
  const first = firstCharacter(right);
  if (isCjkJoin(last, first)) return "";
  if (/\p{L}-$/u.test(left) && /^\p{L}/u.test(right)) return "";
  return " ";
}

function isCjkJoin(last: string, first: string): boolean {
  const lastIsCjk = CJK_CHARACTER.test(last);
  const firstIsCjk = CJK_CHARACTER.test(first);
  const lastJoins = lastIsCjk || SHARED_PUNCTUATION.test(last);
  const firstJoins = firstIsCjk || SHARED_PUNCTUATION.test(first);
  return lastJoins && firstJoins && (lastIsCjk || firstIsCjk);
}

export function lastCharacter(text: string): string {
  const last = text.codePointAt(text.length - 1);
  if (last === undefined) return "";
  // A low surrogate at the end: step back to the full astral character.
  if (last >= 0xdc00 && last <= 0xdfff && text.length >= 2)
    return String.fromCodePoint(text.codePointAt(text.length - 2) ?? last);
  return String.fromCodePoint(last);
}

export function firstCharacter(text: string): string {
  const first = text.codePointAt(0);
  return first === undefined ? "" : String.fromCodePoint(first);
}

export function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (
    let index = text.indexOf("\n", from);
    index !== -1 && index < to;
    index = text.indexOf("\n", index + 1)
  )
    count++;
  return count;
}

/** 1-based line number of a character offset, counting from `firstLine`. */
export function lineAt(text: string, offset: number, firstLine = 1): number {
  return firstLine + countNewlines(text, 0, offset);
}
