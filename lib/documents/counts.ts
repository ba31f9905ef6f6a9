import type { TextCounts } from "./types";

const NON_HAN_RUN = /[^\p{Script=Han}]+/gu;
/**
 * A Latin word: letters/digits that are not Han, allowing a single internal ' ’ or - ("don't", "well-known").
 * Each piece of the pattern consumes a disjoint class, so matching stays linear.
 */
const LATIN_WORD =
  /(?:(?!\p{Script=Han})[\p{L}\p{N}])[\p{M}]*(?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])*(?:['’-](?:(?!\p{Script=Han})[\p{L}\p{N}])(?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])*)*/gu;

const HAN_CHARACTERS_PER_MINUTE = 400;
const LATIN_WORDS_PER_MINUTE = 230;

export const ZERO_COUNTS: TextCounts = Object.freeze({ hanCharacters: 0, latinWords: 0, words: 0 });

export function countText(text: string): TextCounts {
  const hanCharacters = countCodePoints(text.replace(NON_HAN_RUN, ""));
  const latinWords = countMatches(text, LATIN_WORD);
  return { hanCharacters, latinWords, words: hanCharacters + latinWords };
}

export function addCounts(a: TextCounts, b: TextCounts): TextCounts {
  return {
    hanCharacters: a.hanCharacters + b.hanCharacters,
    latinWords: a.latinWords + b.latinWords,
    words: a.words + b.words,
  };
}

export function readingMinutes(counts: Pick<TextCounts, "hanCharacters" | "latinWords">): number {
  const minutes =
    counts.hanCharacters / HAN_CHARACTERS_PER_MINUTE + counts.latinWords / LATIN_WORDS_PER_MINUTE;
  return Math.max(1, Math.ceil(minutes));
}

/** Han characters outside the BMP (Extension B+) are surrogate pairs; count them once. */
function countCodePoints(text: string): number {
  let lowSurrogates = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xdc00 && unit <= 0xdfff) lowSurrogates++;
  }
  return text.length - lowSurrogates;
}

function countMatches(text: string, pattern: RegExp): number {
  const matcher = new RegExp(pattern.source, pattern.flags);
  let count = 0;
  while (matcher.exec(text) !== null) count++;
  return count;
}
