/**
 * Case as a property of the line and the word, not copied letter by letter from OCR.
 *
 * A Vietnamese syllable is written all-upper, capitalised or lower. Tesseract often
 * prints a marked vowel in upper case inside a lower-case word (ĐỨc, thuỘc, LƯu) or a
 * short capitalised word wholly in capitals (SỞ, BỘ, TỜ in running text). Such a pattern
 * is an OCR slip unless the token is an acronym or a code (TTr, SGDĐT, UBND), which
 * passes through; which of the three cases a slip stands for is read from the line: in
 * an all-caps heading it is all-upper, elsewhere it follows its first letter.
 */
import type { Token } from './tokenize.js';
import { isValidSyllable } from './orthography.js';

/** A vowel carrying a tone or quality mark (NFD). */
const MARKED_VOWEL = /[AEIOUY][\u0300-\u0303\u0306\u0309\u0323\u031B]/iu;

export type CasePattern = 'lower' | 'capital' | 'upper' | 'mixed' | 'none';

/** Cased letters of a word (marks stay on their letter in NFC). */
function casedLetters(text: string): string[] {
  const out: string[] = [];
  for (const c of text) if (c.toLowerCase() !== c.toUpperCase()) out.push(c);
  return out;
}

/** Any character that lowercasing changes. */
const HAS_UPPER = /\p{Changes_When_Lowercased}/u;

export function casePattern(text: string): CasePattern {
  // Most words have no capital: no need to look at each letter.
  if (!HAS_UPPER.test(text)) return /\p{L}/u.test(text) ? 'lower' : 'none';
  const letters = casedLetters(text);
  if (letters.length === 0) return 'none';
  let upper = 0;
  for (const c of letters) if (c !== c.toLowerCase()) upper++;
  if (upper === 0) return 'lower';
  if (upper === letters.length) return letters.length === 1 ? 'capital' : 'upper';
  const first = letters[0] as string;
  if (upper === 1 && first !== first.toLowerCase()) return 'capital';
  return 'mixed';
}

/** Per word token: the case its line and neighbours call for. */
export interface CaseContext {
  /** The line is a heading in capitals, or the word's neighbours on the line are. */
  caps: boolean;
  /** The word has neighbours on its line and none of them is in capitals. */
  isolated: boolean;
}

/**
 * Whether a word reads as a syllable: a valid spelling, or (for stripped and garbled
 * text, where MUC and YEU are no spellings) one the caller's model knows by its base.
 */
export type SyllableTest = (text: string) => boolean;
const spelled: SyllableTest = (text) => isValidSyllable(text);
/** In capitals, syllable or acronym (UBND TỈNH: the acronym sets its neighbour's case). */
function upperWord(text: string): boolean {
  return casePattern(text) === 'upper' && casedLetters(text).length >= 2;
}

/**
 * The case context of every word token (by token index). A line is a heading in
 * capitals when at least two of its syllables are, and they are 60 % of its syllables;
 * without line breaks (OCR words with no line ends) the neighbours decide.
 */
export function caseContexts(tokens: readonly Token[], isSyllable: SyllableTest = spelled): Map<number, CaseContext> {
  const out = new Map<number, CaseContext>();
  /** Counts as a capitals word of a heading: an all-upper syllable (acronyms and codes say nothing of the line). */
  const upperSyllable = (text: string): boolean => casePattern(text) === 'upper' && isSyllable(text);
  let line: number[] = [];
  const flush = (): void => {
    const syllables = line.filter((i) => isSyllable((tokens[i] as Token).text));
    const upper = syllables.filter((i) => upperSyllable((tokens[i] as Token).text)).length;
    const capsLine = upper >= 2 && upper >= 0.6 * syllables.length;
    line.forEach((ti, k) => {
      const prev = k > 0 ? (tokens[line[k - 1] as number] as Token).text : undefined;
      const next = k + 1 < line.length ? (tokens[line[k + 1] as number] as Token).text : undefined;
      const neighbours = [prev, next].filter((w): w is string => w !== undefined);
      const capsAround = neighbours.length > 0 && neighbours.every(upperSyllable);
      out.set(ti, { caps: capsLine || capsAround, isolated: neighbours.length > 0 && !neighbours.some(upperWord) });
    });
    line = [];
  };
  tokens.forEach((t, i) => {
    if (t.kind === 'newline') flush();
    else if (t.kind === 'word') line.push(i);
  });
  flush();
  return out;
}

/**
 * Whether a word token is an acronym or code by its shape: capitals in a word the
 * line does not write in capitals, or a mixed pattern that is no syllable (TTr, KHĐT).
 * Known words are never acronyms (checked by the caller against the model).
 */
export function looksLikeAcronym(text: string, ctx: CaseContext | undefined, isSyllable: SyllableTest = spelled): boolean {
  const p = casePattern(text);
  const letters = casedLetters(text).length;
  if (p === 'mixed') return !isSyllable(text);
  if (p !== 'upper' || letters < 2) return false;
  // In a heading in capitals a non-syllable may be a garble of a word (HQI ← HỘI).
  return !isSyllable(text) && !(ctx?.caps ?? false);
}

/**
 * The output case of a word: `observed` as read, `form` the chosen lowercase form.
 * A mixed pattern, and a short all-caps syllable alone in running text, are OCR slips.
 */
export function caseFor(observed: string, form: string, ctx: CaseContext | undefined): string {
  const p = casePattern(observed);
  const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  // OCR reads a lowercase l as a capital I ("xử Iy"): that capital carries no case.
  const iForL = observed.startsWith('I') && form.startsWith('l');
  switch (p) {
    case 'none':
    case 'lower':
      return form;
    case 'capital':
      if (iForL && [...observed].length > 1) return form;
      return capitalise(form);
    case 'upper': {
      // A lone capital ("B" → "Bộ") is a capitalised word; so is a short capitalised
      // syllable Tesseract read in capitals where nothing around it is (SỞ, BỘ, TỜ).
      const n = casedLetters(observed).length;
      if (n === 1 && [...form].length > 1) return capitalise(form);
      // Only a marked capital vowel makes that slip: VI, LAN, TO stay as written.
      if (ctx && !ctx.caps && ctx.isolated && n <= 3 && MARKED_VOWEL.test(observed.normalize('NFD')) && isValidSyllable(form)) {
        return capitalise(form);
      }
      return form.toUpperCase();
    }
    case 'mixed': {
      // kW, dB, TTr: a mixed pattern that is no syllable is a unit or an acronym, kept as written.
      if (!isValidSyllable(form)) return observed;
      if (ctx?.caps) return form.toUpperCase();
      const first = casedLetters(observed)[0] as string;
      return first !== first.toLowerCase() && !iForL ? capitalise(form) : form;
    }
  }
}
