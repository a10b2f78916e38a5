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
  let p = patternCache.get(text);
  if (p === undefined) {
    if (patternCache.size > 100_000) patternCache.clear();
    patternCache.set(text, (p = computePattern(text)));
  }
  return p;
}
/** Words with a capital recur (headings, names): their pattern is worked out once. */
const patternCache = new Map<string, CasePattern>();

function computePattern(text: string): CasePattern {
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
  /** Running text around the word: a neighbour on its line in lower case, none in capitals. */
  isolated: boolean;
}

/**
 * Whether a word reads as a syllable: a valid spelling, or (for stripped and garbled
 * text, where MUC and YEU are no spellings) one the caller's model knows by its base.
 */
export type SyllableTest = (text: string) => boolean;
const spelled: SyllableTest = (text) => isValidSyllable(text);

/**
 * The case context of every word token (by token index). A line is a heading in
 * capitals when at least two of its syllables are, and they are 60 % of its words
 * (acronyms and codes in capitals aside);
 * without line breaks (OCR words with no line ends) the neighbours decide.
 */
export function caseContexts(tokens: readonly Token[], isSyllable: SyllableTest = spelled): Map<number, CaseContext> {
  const out = new Map<number, CaseContext>();
  // Per word of the current line: 0 other, 1 lower (two letters or more), 2 in capitals
  // (acronym or syllable), 3 a syllable in capitals; and whether it reads as a syllable.
  const kind: number[] = [];
  const line: number[] = [];
  let syllables = 0;
  let upperSyllables = 0;
  const flush = (): void => {
    const capsLine = upperSyllables >= 2 && upperSyllables >= 0.6 * syllables;
    for (let k = 0; k < line.length; k++) {
      const prev = k > 0 ? (kind[k - 1] as number) : -1;
      const next = k + 1 < line.length ? (kind[k + 1] as number) : -1;
      // Capitals around it: every neighbour a syllable in capitals.
      const capsAround = (prev >= 0 || next >= 0) && (prev < 0 || prev === 3) && (next < 0 || next === 3);
      // Running text around it: a neighbour in lower case, none in capitals (single letters say nothing).
      const isolated = (prev === 1 || next === 1) && prev < 2 && next < 2;
      out.set(line[k] as number, { caps: capsLine || capsAround, isolated });
    }
    line.length = 0;
    kind.length = 0;
    syllables = 0;
    upperSyllables = 0;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'newline') flush();
    if (t.kind !== 'word') continue;
    const p = casePattern(t.text);
    const upper = p === 'upper';
    // Only a word in capitals is asked whether it is a syllable; the others count as words of the line.
    const syllable = upper ? isSyllable(t.text) : p !== 'none';
    if (syllable) syllables++;
    if (upper && syllable) upperSyllables++;
    kind.push(upper ? (syllable ? 3 : 2) : p === 'lower' && t.text.length >= 2 ? 1 : 0);
    line.push(i);
  }
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

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The output case of a word: `observed` as read, `form` the chosen lowercase form.
 * A mixed pattern, and a short all-caps syllable alone in running text, are OCR slips.
 */
export function caseFor(observed: string, form: string, ctx: CaseContext | undefined): string {
  const p = casePattern(observed);
  // OCR reads a lowercase l as a capital I ("xử Iy"): that capital carries no case.
  const iForL = observed.startsWith('I') && form.startsWith('l');
  switch (p) {
    case 'none':
    case 'lower':
      // A diacritic-blind engine reads a capital Đ as a lower-case b (Điều → biéu), never a small đ.
      return p === 'lower' && observed.startsWith('b') && form.startsWith('đ') ? capitalise(form) : form;
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
