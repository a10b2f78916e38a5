/**
 * Text normalisation for scoring: the same rules on both sides so that only real
 * reading errors count (NFC, one space between words, tone-mark placement unified).
 */
import { setToneStyle } from '../restore/orthography.js';

const COMBINING = /\p{M}/gu;

const CLUSTERING = /[\p{M}\u200c\u200d\u1100-\u11ff\r\u{10000}-\u{10ffff}]/u;

const graphemeSegmenter = new Intl.Segmenter('vi', { granularity: 'grapheme' });

/** Splits into user-perceived characters (a base letter with all its marks is one unit). */
export function graphemes(text: string): string[] {
  // Without marks, joiners, astral or Hangul jamo characters every code point is a grapheme
  // (almost all NFC Vietnamese), and spreading the string is far faster than segmenting it.
  if (!CLUSTERING.test(text)) return [...text];
  const out: string[] = [];
  for (const { segment } of graphemeSegmenter.segment(text)) out.push(segment);
  return out;
}

/**
 * Puts the tone mark of open oa/oe/uy syllables in one place ("hoà" → "hòa",
 * "thuỷ" → "thủy"), so the traditional and the newer convention compare equal.
 */
export function unifyTonePlacement(word: string): string {
  return setToneStyle(word, 'old');
}

export interface NormalizeOptions {
  /** Treat "hòa" and "hoà" as the same (default true). */
  unifyTones?: boolean;
  /** Compare case-insensitively (default false). */
  ignoreCase?: boolean;
}

/** NFC, whitespace runs folded to one space and trimmed, tone placement unified. */
export function normalizeForScoring(text: string, options: NormalizeOptions = {}): string {
  let out = text.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (options.unifyTones !== false) out = out.replace(/[\p{L}\p{M}]+/gu, unifyTonePlacement);
  if (options.ignoreCase) out = out.toLowerCase();
  return out;
}

/** Removes every diacritic (tone and vowel marks) and đ → d: the letters an unaccented reading would give. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/** Words of already-normalised text (split on the single spaces left by normalizeForScoring). */
export function words(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}
