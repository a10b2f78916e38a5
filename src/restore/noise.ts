/**
 * Punctuation that is no punctuation: specks and rules of the paper that Tesseract prints
 * as marks, mostly on 1-bit scans. Printed administrative text never has a backtick, a
 * full stop before a lower-case word (12 in 12 M corpus words, all abbreviations such as
 * "tp. hồ"), a stop alone at the start of a line, or a dash after the motto (its underline).
 * Only these shapes are dropped; every other mark passes through.
 */
import type { Token } from './tokenize.js';
import { isValidSyllable, normalizeKey } from './orthography.js';

/** A lower-case word that is a Vietnamese syllable (not an abbreviation such as tp, mm). */
const lowerSyllable = (t: Token | undefined): boolean =>
  t !== undefined && t.kind === 'word' && /^\p{Ll}/u.test(t.text) && isValidSyllable(normalizeKey(t.text));

/**
 * Token indices of stray marks, each mapped to '' (dropped), with the space that only
 * they needed. `mottoEnd` is the last token of each motto found (its underline may follow).
 */
export function strayMarks(tokens: readonly Token[], mottoEnds: Iterable<number> = []): Map<number, string> {
  const out = new Map<number, string>();
  const at = (i: number): Token | undefined => tokens[i];
  const lineStart = (i: number): boolean => i === 0 || at(i - 1)?.kind === 'newline';
  tokens.forEach((t, i) => {
    if (t.kind !== 'punct' && t.kind !== 'other') return;
    if (/^`+$/u.test(t.text)) {
      // A backtick is never printed: drop it, and a space it leaves doubled.
      out.set(i, '');
      if (at(i + 1)?.kind === 'space' && (lineStart(i) || at(i - 1)?.kind === 'space')) out.set(i + 1, '');
      return;
    }
    // An apostrophe opening the first word of a line, with no quote to close it on the line.
    if (t.text === "'" && lineStart(i) && at(i + 1)?.kind === 'word') {
      let k = i + 1;
      while (at(k) !== undefined && at(k)?.kind !== 'newline' && at(k)?.text !== "'") k++;
      if (at(k)?.text !== "'") out.set(i, '');
      return;
    }
    if (t.text !== '.') return;
    // The next word, on the same line, is lower case and no list marker (a), b)): no sentence ends here.
    // A stop glued to the next word (tiền.do) is left alone: it may stand for a space.
    if (at(i + 1)?.kind !== 'space') return;
    let k = i + 1;
    while (at(k)?.kind === 'space') k++;
    if (!lowerSyllable(at(k)) || at(k + 1)?.text === ')') return;
    const prev = at(i - 1);
    if (lineStart(i) || prev?.kind === 'space') {
      // A stop standing alone.
      out.set(i, '');
      out.set(i + 1, '');
    } else if ((prev?.kind === 'word' && lowerSyllable(prev)) || (prev?.kind === 'punct' && /^[,;]$/u.test(prev.text))) {
      out.set(i, '');
    }
  });
  // The motto's underline read as a dash or a stop after it, on its line.
  for (const end of mottoEnds) {
    let k = end + 1;
    while (at(k)?.kind === 'space') k++;
    const t = at(k);
    if (t && (t.kind === 'punct' || t.kind === 'other') && /^[-–—_.~]+$/u.test(t.text)) {
      const after = at(k + 1);
      if (after === undefined || after.kind === 'newline') {
        for (let s = end + 1; s <= k; s++) out.set(s, '');
      }
    }
  }
  return out;
}
