import { DocumentError } from "./errors";

/*
 * Near-miss markers. A marker the recogniser (markers.ts) does not accept is plain text, so a typo or an invisible
 * character in it would publish the paid text it was meant to hide. Such text is refused at import instead.
 *
 * What counts as a near miss, after exact markers are taken out:
 * 1. Each line is folded to a skeleton: NFKD (full-width and mathematical letters, ＃ and ﹟ become ASCII),
 *    lower case, combining marks, format characters (Unicode Cf: U+00AD, U+200B–U+200F, U+2060–U+2064, U+FEFF,
 *    U+180E …), variation selectors and other default-ignorable code points removed; Cyrillic, Greek and
 *    Armenian look-alikes become the Latin letter they imitate; ♯ ⌗ ⋕ ⧣ become #; every dash, hyphen, minus,
 *    underscore and middle dot becomes "-"; white space becomes " "; anything else is an opaque "?".
 * 2. In the skeleton, take the text on each side of every run of "#": the whole stretch up to the next "#" run
 *    or the line's end, the word touching the hashes, and the two words touching them. Its letters and digits
 *    form a word; it is a near miss when it is within edit distance 2 of "paidbegin" or 1 of "paidend"
 *    (the whole stretch and the single word), or is exactly one of them (two words: "## paid begin").
 * 3. Anywhere, with or without hashes: a single word (letters and digits joined only by "-") that is exactly
 *    "paidbegin" or "paidend" after folding ("paid_begin", "PaidEnd", "pаidbegin" with Cyrillic а).
 * Ordinary prose does not look like this: "paid end of month" has no hash and two words, "## Paired reading"
 * is distance 2 from "paidend". The seed speech and the samples import without a near miss.
 */

export const NEAR_MISS_RULES = [
  { word: "paidbegin", maxDistance: 2 },
  { word: "paidend", maxDistance: 1 },
] as const;

const SHORTEST_NEAR_WORD = Math.min(
  ...NEAR_MISS_RULES.map((rule) => rule.word.length - rule.maxDistance),
);
const LONGEST_NEAR_WORD = Math.max(
  ...NEAR_MISS_RULES.map((rule) => rule.word.length + rule.maxDistance),
);

/** Look-alikes of Latin letters (lower case, after NFKD), from Unicode's confusables for these scripts. */
const CONFUSABLE_LETTERS: Readonly<Record<string, string>> = {
  // Cyrillic
  а: "a",
  в: "b",
  ь: "b",
  с: "c",
  ԁ: "d",
  е: "e",
  ѐ: "e",
  ё: "e",
  г: "r",
  һ: "h",
  н: "h",
  і: "i",
  ӏ: "l",
  ј: "j",
  к: "k",
  м: "m",
  п: "n",
  о: "o",
  р: "p",
  ԛ: "q",
  ѕ: "s",
  т: "t",
  у: "y",
  х: "x",
  ԝ: "w",
  ԍ: "g",
  // Greek
  α: "a",
  β: "b",
  ϲ: "c",
  δ: "d",
  ε: "e",
  γ: "y",
  η: "n",
  ι: "i",
  ϳ: "j",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  ϱ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  // Armenian
  ց: "g",
  ո: "n",
  ս: "u",
  օ: "o",
  հ: "h",
  ք: "p",
  // Latin letters that are not a-z
  ɑ: "a",
  ɡ: "g",
  ı: "i",
  ɩ: "i",
  ȷ: "j",
  ɪ: "i",
  ʙ: "b",
  ɴ: "n",
  ᴅ: "d",
  ᴇ: "e",
  ᴘ: "p",
  ɢ: "g",
};

const HASH_LIKE = new Set(["#", "♯", "⌗", "⋕", "⧣"]);
const IGNORABLE = /[\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}]/gu;
const JOINER = /^[\p{Pd}\p{Pc}\u2212\u00B7\u2027\u30FB\u2043]$/u;
const WHITE_SPACE = /^\s$/u;
const ASCII_WORD_CHARACTER = /^[a-z0-9]$/;

const foldCache = new Map<string, string>();

/** The skeleton of one code point: zero or more characters of [a-z0-9#\- ?]. */
function foldCharacter(character: string): string {
  const cached = foldCache.get(character);
  if (cached !== undefined) return cached;
  let folded = "";
  const decomposed = character
    .normalize("NFKD")
    .toLowerCase()
    .normalize("NFKD")
    .replace(IGNORABLE, "");
  for (const piece of decomposed) {
    if (ASCII_WORD_CHARACTER.test(piece)) folded += piece;
    else if (CONFUSABLE_LETTERS[piece] !== undefined) folded += CONFUSABLE_LETTERS[piece];
    else if (HASH_LIKE.has(piece)) folded += "#";
    else if (JOINER.test(piece)) folded += "-";
    else if (WHITE_SPACE.test(piece)) folded += " ";
    else folded += "?";
  }
  foldCache.set(character, folded);
  return folded;
}

interface Skeleton {
  text: string;
  /** For a skeleton index, the offset in the line of the code point it came from. */
  origin: (index: number) => number;
}

/** Han ideographs and CJK punctuation: never part of a marker, so a run of them is one opaque "?". */
function isPlainCjk(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3001 && code <= 0x303f) || code === 0xff0c
  );
}

const ASCII_ONLY = /^[\x00-\x7F]*$/;

function skeletonOf(line: string): Skeleton {
  // ASCII folds one to one, so native string operations do it and offsets stay as they are.
  if (ASCII_ONLY.test(line)) {
    const text = line
      .toLowerCase()
      .replace(/[^a-z0-9#\-_\t\n\v\f\r ]/g, "?")
      .replace(/_/g, "-")
      .replace(/[\t\n\v\f\r]/g, " ");
    return { text, origin: (index) => index };
  }
  let text = "";
  const origins: number[] = [];
  for (let offset = 0; offset < line.length;) {
    const code = line.codePointAt(offset) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    if (isPlainCjk(code)) {
      if (!text.endsWith("?")) {
        text += "?";
        origins.push(offset);
      }
    } else {
      const folded =
        code < 0x80 ? foldAscii(code) : foldCharacter(line.slice(offset, offset + width));
      text += folded;
      for (let index = 0; index < folded.length; index++) origins.push(offset);
    }
    offset += width;
  }
  return { text, origin: (index) => origins[index] ?? 0 };
}

function foldAscii(code: number): string {
  if (code >= 0x61 && code <= 0x7a) return String.fromCharCode(code);
  if (code >= 0x41 && code <= 0x5a) return String.fromCharCode(code + 0x20);
  if (code >= 0x30 && code <= 0x39) return String.fromCharCode(code);
  if (code === 0x23) return "#";
  if (code === 0x2d || code === 0x5f) return "-";
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return " ";
  return "?";
}

export function editDistance(a: string, b: string): number {
  let previous = Int32Array.from({ length: b.length + 1 }, (_value, index) => index);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/** A lower bound of editDistance(letters, word): each letter foreign to `word` costs at least one edit. */
function foreignLetters(letters: string, word: string): number {
  let count = 0;
  for (const letter of letters) if (!word.includes(letter)) count++;
  return count;
}

function isWithin(letters: string, word: string, maxDistance: number): boolean {
  if (Math.abs(letters.length - word.length) > maxDistance) return false;
  if (foreignLetters(letters, word) > maxDistance) return false;
  return editDistance(letters, word) <= maxDistance;
}

function lettersOf(text: string): string {
  return text.replace(/[^a-z0-9]/g, "");
}

function isNearMarkerWord(letters: string): boolean {
  if (letters.length === 0 || letters.length > LONGEST_NEAR_WORD) return false;
  return NEAR_MISS_RULES.some((rule) => isWithin(letters, rule.word, rule.maxDistance));
}

function isMarkerWord(letters: string): boolean {
  return NEAR_MISS_RULES.some((rule) => rule.word === letters);
}

/** [start, end) in the skeleton. */
type Span = [number, number];

const HASH_RUN = /#+/g;
const FIRST_TWO_WORDS = /^ *([^ ]*) *([^ ]*)/;
const LAST_TWO_WORDS = /([^ ]*) *([^ ]*) *$/;
const JOINED_WORD = /[a-z0-9]+(?:-+[a-z0-9]+)*/g;

/** Near misses in one folded line (rules 2 and 3 above). */
export function nearMissSpans(skeleton: string): Span[] {
  const spans: Span[] = [];
  // The stretches between hash runs (and the line's ends); each one touching a hash run is checked.
  let stretchStart = 0;
  let leftRunStart: number | null = null;
  for (const run of skeleton.matchAll(HASH_RUN)) {
    const span = stretchSpan(
      skeleton,
      leftRunStart,
      stretchStart,
      run.index,
      run.index + run[0].length,
    );
    if (span) spans.push(span);
    leftRunStart = run.index;
    stretchStart = run.index + run[0].length;
  }
  if (leftRunStart !== null) {
    const span = stretchSpan(skeleton, leftRunStart, stretchStart, skeleton.length, null);
    if (span) spans.push(span);
  }
  for (const match of skeleton.matchAll(JOINED_WORD)) {
    const word = match[0];
    if (word.length >= SHORTEST_NEAR_WORD && isMarkerWord(lettersOf(word)))
      spans.push([match.index, match.index + word.length]);
  }
  return spans;
}

/**
 * Checks the stretch [start, end) that has a hash run before it (starting at leftRunStart) and/or after it
 * (ending at rightRunEnd); returns the span to report, hashes included.
 */
function stretchSpan(
  skeleton: string,
  leftRunStart: number | null,
  start: number,
  end: number,
  rightRunEnd: number | null,
): Span | null {
  // Only the words next to the hashes matter, and a near word is short: look at most this far in.
  const reach = 4 * LONGEST_NEAR_WORD;
  const head = skeleton.slice(start, Math.min(end, start + reach));
  const tail = skeleton.slice(Math.max(start, end - reach), end);
  const headLetters = lettersOf(head);
  if (headLetters.length < SHORTEST_NEAR_WORD && lettersOf(tail).length < SHORTEST_NEAR_WORD)
    return null;
  let hit = end - start <= reach && isNearMarkerWord(headLetters);
  if (!hit && leftRunStart !== null) hit = wordsNearMarker(FIRST_TWO_WORDS.exec(head), false);
  if (!hit && rightRunEnd !== null) hit = wordsNearMarker(LAST_TWO_WORDS.exec(tail), true);
  return hit ? [leftRunStart ?? start, rightRunEnd ?? end] : null;
}

/** The word touching the hashes is a near miss, or it and its neighbour spell a marker exactly. */
function wordsNearMarker(words: RegExpExecArray | null, touchingIsLast: boolean): boolean {
  const first = words?.[1] ?? "";
  const second = words?.[2] ?? "";
  const touching = lettersOf(touchingIsLast ? second || first : first);
  return isNearMarkerWord(touching) || isMarkerWord(lettersOf(first + second));
}

/**
 * A near miss needs letters. An ASCII line can hold one only with a hash or "paid" in it; a line of Han
 * characters and common CJK punctuation only cannot hold one at all. Every other line is folded.
 */
const ASCII_CANDIDATE = /[#]|paid/i;
const NON_ASCII = /[^\x00-\x7F]/;
const MAY_FOLD_TO_A_LETTER =
  /[^\u4E00-\u9FFF\u3000-\u303F\uFF01\uFF08\uFF09\uFF0C\uFF1A\uFF1B\uFF1F\u2014\u2026\u2018\u2019\u201C\u201D\t ]/;

function worthFolding(line: string): boolean {
  if (ASCII_CANDIDATE.test(line)) return true;
  return NON_ASCII.test(line) && MAY_FOLD_TO_A_LETTER.test(line);
}

export interface NearMiss {
  line: number;
  /** The offending text as written, with invisible and non-ASCII characters shown as <U+XXXX>. */
  shown: string;
}

/**
 * Finds near-miss markers in `text` (the whole decoded document). `exactMarkers` are the spans the recogniser
 * accepted; they are blanked first so that only what is left over is judged.
 */
export function findNearMissMarkers(
  text: string,
  exactMarkers: readonly { start: number; end: number }[],
): NearMiss[] {
  const blanked = blankOut(text, exactMarkers);
  const found: NearMiss[] = [];
  blanked.split("\n").forEach((line, index) => {
    if (!worthFolding(line)) return;
    const skeleton = skeletonOf(line);
    for (const [start, end] of nearMissSpans(skeleton.text)) {
      const from = skeleton.origin(start);
      const lastOrigin = skeleton.origin(end - 1);
      const to = lastOrigin + ((line.codePointAt(lastOrigin) ?? 0) > 0xffff ? 2 : 1);
      found.push({ line: index + 1, shown: showInvisible(line.slice(from, to).trim()) });
    }
  });
  return found;
}

/** Throws for the first near miss: the import is refused, naming the line. */
export function assertNoNearMissMarkers(
  text: string,
  exactMarkers: readonly { start: number; end: number }[],
): void {
  const [first] = findNearMissMarkers(text, exactMarkers);
  if (first === undefined) return;
  throw new DocumentError(
    "near-miss-marker",
    `"${first.shown}" looks like a paid marker but is not one; write ##paidbegin## or ##paidend## exactly (or reword the text) so nothing meant to be paid is published free`,
    first.line,
  );
}

function blankOut(text: string, spans: readonly { start: number; end: number }[]): string {
  if (spans.length === 0) return text;
  const pieces: string[] = [];
  let cursor = 0;
  for (const span of spans) {
    // Markers never contain a newline, so blanking keeps every line where it was.
    pieces.push(text.slice(cursor, span.start), " ".repeat(span.end - span.start));
    cursor = span.end;
  }
  pieces.push(text.slice(cursor));
  return pieces.join("");
}

function showInvisible(text: string): string {
  let shown = "";
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    shown +=
      code >= 0x20 && code < 0x7f
        ? character
        : `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  }
  return shown;
}
