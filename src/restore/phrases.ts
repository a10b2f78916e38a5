/**
 * The fixed phrases of Nghị định 30/2020 (the national name and motto of every header,
 * "Kính gửi:", "Nơi nhận:"): domain knowledge, not words lifted from any test text. They
 * come out as the standard writes them however the OCR read them (Độclập-Tựdo-Hạnhphúc,
 * Doc lap - Tu do - Hanh phuc, Kinh gũi:), found by their letters with the marks off.
 */
import { distance } from 'fastest-levenshtein';
import type { Token } from './tokenize.js';
import { baseForm, normalizeKey } from './orthography.js';
import { casePattern } from './case.js';

interface FixedPhrase {
  syllables: string[];
  /** Found only where a colon follows (short phrases need that evidence). */
  colon: boolean;
  /** Hyphens between its parts are written with a space on each side. */
  spacedHyphens: boolean;
  /** Printed underlined: OCR may read the rule below it as a dash after it. */
  underlined?: boolean;
}

const PHRASES: readonly FixedPhrase[] = [
  { syllables: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'.split(' '), colon: false, spacedHyphens: false },
  { syllables: 'Độc lập Tự do Hạnh phúc'.split(' '), colon: false, spacedHyphens: true, underlined: true },
  { syllables: ['Kính', 'gửi'], colon: true, spacedHyphens: false },
  { syllables: ['Nơi', 'nhận'], colon: true, spacedHyphens: false },
];

/** Letters only, marks off, lower case: what is compared. */
function skeleton(text: string): string {
  return baseForm(text).toLowerCase().replace(/[^a-z]/gu, '');
}

const SKELETONS = PHRASES.map((p) => p.syllables.map(skeleton));
/** First letters a phrase's window may start with: its own, or a look-alike the OCR prints for it. */
const FIRST_LETTERS = new Set(['c', 'd', 'đ', 'p', 'k', 'n', 'g', 'o', 'b']);

export interface PhraseMatch {
  /** Output text per token index of the match (words, and hyphens given their spaces). */
  texts: Map<number, string>;
  /** Last token of each underlined phrase found (the motto). */
  underlinedEnds: number[];
}

/**
 * Finds the fixed phrases in a token stream. Words of a phrase are consecutive word
 * tokens on one line with only spaces and hyphens between them.
 */
export function findFixedPhrases(tokens: readonly Token[]): PhraseMatch {
  const texts = new Map<number, string>();
  const underlinedEnds: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if ((tokens[i] as Token).kind !== 'word' || texts.has(i)) continue;
    // Every phrase starts with one of these letters, give or take one (P for Đ): most words stop here.
    const c = baseForm((tokens[i] as Token).text.charAt(0)).toLowerCase();
    if (!FIRST_LETTERS.has(c)) continue;
    PHRASES.forEach((phrase, pi) => {
      if (texts.has(i)) return;
      const parts = SKELETONS[pi] as string[];
      const target = parts.join('');
      const allowed = phrase.colon ? 2 : Math.floor(target.length * 0.15);
      // Grow the window word by word while its letters can still match; keep the closest end.
      // The window starts on the phrase's first syllable, give or take a letter (Poc ← Độc,
      // Độclập, NWơi ← Nơi: a letter put in is compared over one letter more).
      const first = parts[0] as string;
      const head = skeleton((tokens[i] as Token).text);
      if (distance(head.slice(0, first.length), first) > 1 && distance(head.slice(0, first.length + 1), first) > 1) return;
      const words: number[] = [];
      let sk = '';
      let best: { end: number; words: number; dist: number } | undefined;
      for (let j = i; j < tokens.length && sk.length <= target.length + allowed; j++) {
        const t = tokens[j] as Token;
        if (t.kind === 'word') {
          words.push(j);
          sk += skeleton(t.text);
        } else if (!(t.kind === 'space' || (t.kind === 'punct' && /^[-–]$/u.test(t.text)))) break;
        if (t.kind !== 'word' || Math.abs(sk.length - target.length) > allowed) continue;
        const dist = distance(sk, target);
        if (dist > allowed || (best && best.dist <= dist)) continue;
        if (phrase.colon) {
          // The colon must follow, and the first letter must match (Nơi, not Tơi).
          let k = j + 1;
          while ((tokens[k] as Token | undefined)?.kind === 'space') k++;
          if ((tokens[k] as Token | undefined)?.text !== ':' || sk[0] !== target[0]) continue;
        }
        best = { end: j, words: words.length, dist };
      }
      if (!best) return;
      assign(tokens, words.slice(0, best.words), phrase, parts, texts);
      if (phrase.spacedHyphens) spaceHyphens(tokens, i, best.end, texts);
      if (phrase.underlined) underlinedEnds.push(best.end);
    });
  }
  return { texts, underlinedEnds };
}

/** Phrase syllables onto the window's words: one each, or by where their letters fall. */
function assign(tokens: readonly Token[], words: number[], phrase: FixedPhrase, parts: string[], texts: Map<number, string>): void {
  // Each word keeps its own case pattern where it has one (running text, headings); a
  // mixed one (OCR slip) takes the standard's.
  const casedFor = (w: number, form: string): string => {
    switch (casePattern((tokens[w] as Token).text)) {
      case 'upper':
        return form.toUpperCase();
      case 'lower':
        return form.toLowerCase();
      case 'capital': {
        const low = form.toLowerCase();
        return low.charAt(0).toUpperCase() + low.slice(1);
      }
      default:
        return form;
    }
  };
  const out: string[][] = words.map(() => []);
  if (words.length === phrase.syllables.length) {
    // A word read right keeps its own tone placement (HOÀ as printed, HÒA in the standard).
    phrase.syllables.forEach((s, k) => {
      const read = (tokens[words[k] as number] as Token).text;
      (out[k] as string[]).push(normalizeKey(read) === normalizeKey(s) ? read : s);
    });
  }
  else {
    const lengths = words.map((w) => skeleton((tokens[w] as Token).text).length);
    const total = lengths.reduce((a, b) => a + b, 0);
    const targetTotal = parts.reduce((a, b) => a + b.length, 0);
    let at = 0;
    phrase.syllables.forEach((s, k) => {
      const mid = ((at + (parts[k] as string).length / 2) / targetTotal) * total;
      at += (parts[k] as string).length;
      let acc = 0;
      let w = 0;
      while (w < words.length - 1 && acc + (lengths[w] as number) <= mid) acc += lengths[w++] as number;
      (out[w] as string[]).push(s);
    });
  }
  words.forEach((w, k) => texts.set(w, casedFor(w, (out[k] as string[]).join(' '))));
}

/** "Độc lập-Tự do" → "Độc lập - Tự do": a hyphen between words gets its spaces. */
function spaceHyphens(tokens: readonly Token[], from: number, to: number, texts: Map<number, string>): void {
  for (let k = from; k <= to; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'punct') continue;
    const before = (tokens[k - 1] as Token | undefined)?.kind === 'space' ? '' : ' ';
    const after = (tokens[k + 1] as Token | undefined)?.kind === 'space' ? '' : ' ';
    texts.set(k, `${before}-${after}`);
  }
}
