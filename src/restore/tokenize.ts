/**
 * Lossless tokenizer shared by LM training and decoding, so both see the same symbols.
 * Document numbers (127/KH-UBND, 28/2019/TT-BLĐTBXH), dates, URLs and e-mails stay whole.
 */
import { normalizeKey } from './orthography.js';

export interface Token {
  text: string;
  start: number;
  end: number;
  kind: 'word' | 'number' | 'code' | 'punct' | 'space' | 'newline' | 'other';
}

const NEWLINE = /\r\n|\n|\r/y;
const SPACE = /[^\S\r\n]+/uy;
const URL = /(?:https?:\/\/|www\.)[^\s]+/iy;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;
/** Alphanumeric runs joined by / - . (and , between digits). */
const COMPOUND = /[\p{L}\p{M}\p{N}]+(?:(?:[/.\-–]|(?<=\p{N}),(?=\p{N}))[\p{L}\p{M}\p{N}]+)*/uy;
const LETTERS = /[\p{L}\p{M}]+/uy;
const DIGITS = /\p{N}+/uy;
const PUNCT = /([\p{P}\p{S}])\1*/uy;

const NUMBER_RE = /^\p{N}+(?:[.,]\p{N}+)*$/u;
const HAS_DIGIT = /\p{N}/u;
const HAS_LETTER = /\p{L}/u;

function matchAt(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m === null ? null : m[0];
}

function isUpperWord(part: string): boolean {
  return part.length > 0 && part === part.toUpperCase() && part !== part.toLowerCase();
}

/** Whether a joined run is one code rather than words split by punctuation. */
function isCode(run: string): boolean {
  if (run.includes('/')) return true;
  if (HAS_DIGIT.test(run) && HAS_LETTER.test(run)) return true;
  if (HAS_DIGIT.test(run)) return true; // 2020-2025, 1.2.3
  // NĐ-CP, TP.HCM: every part an acronym in capitals.
  const parts = run.split(/[.\-–]/);
  return parts.length > 1 && parts.every((p) => isUpperWord(p) && [...p].length >= 2);
}

/** Split text into tokens whose texts concatenate back to the input exactly. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const push = (t: string, kind: Token['kind']): void => {
    tokens.push({ text: t, start: at, end: at + t.length, kind });
    at += t.length;
  };
  while (at < text.length) {
    let m: string | null;
    if ((m = matchAt(NEWLINE, text, at)) !== null) push(m, 'newline');
    else if ((m = matchAt(SPACE, text, at)) !== null) push(m, 'space');
    else if ((m = matchAt(URL, text, at)) !== null) push(m.replace(/[.,;:!?)\]"'”]+$/u, '') || m, 'code');
    else if ((m = matchAt(EMAIL, text, at)) !== null) push(m, 'code');
    else if ((m = matchAt(COMPOUND, text, at)) !== null) {
      if (NUMBER_RE.test(m)) push(m, 'number');
      else if (/^[\p{L}\p{M}]+$/u.test(m)) push(m, HAS_DIGIT.test(m) ? 'code' : 'word');
      else if (/^[\p{L}\p{M}\p{N}]+$/u.test(m)) push(m, 'code'); // 3a, 15h30
      else if (isCode(m)) push(m, 'code');
      else {
        // Words joined by punctuation (kinh-tế, v.v): take the first plain run only.
        const w = matchAt(LETTERS, text, at);
        if (w !== null) push(w, 'word');
        else push(matchAt(DIGITS, text, at) ?? m, 'number');
      }
    } else if ((m = matchAt(PUNCT, text, at)) !== null) push(m, 'punct');
    else push(String.fromCodePoint(text.codePointAt(at)!), 'other');
  }
  return tokens;
}

/** Punctuation that ends a sentence for the LM. */
const BOUNDARY = /^(?:[.!?;:…]+)$/u;

export const BOS = '<s>';
export const EOS = '</s>';
export const NUM = '<num>';
export const CODE = '<code>';

/**
 * The LM's view of a token stream, with the token each symbol came from.
 * Conventions: the stream opens with <s> and closes with </s>; . ! ? ; : … close a
 * sentence and open the next (</s> <s>); words → normalizeKey; numbers → <num>;
 * codes → <code>; all other punctuation, spaces and newlines are dropped (OCR line
 * breaks fall mid-sentence, so a newline is not a boundary; the trainer feeds one
 * corpus paragraph at a time). tokenIndex is -1 for <s>/</s>.
 */
export function lmSymbolsAligned(tokens: readonly Token[]): { symbols: string[]; tokenIndex: number[] } {
  const symbols: string[] = [BOS];
  const tokenIndex: number[] = [-1];
  tokens.forEach((t, i) => {
    let sym: string | null = null;
    if (t.kind === 'word') sym = normalizeKey(t.text);
    else if (t.kind === 'number') sym = NUM;
    else if (t.kind === 'code') sym = CODE;
    else if (t.kind === 'punct' && BOUNDARY.test(t.text)) {
      if (symbols[symbols.length - 1] !== BOS) {
        symbols.push(EOS, BOS);
        tokenIndex.push(-1, -1);
      }
      return;
    }
    if (sym !== null) {
      symbols.push(sym);
      tokenIndex.push(i);
    }
  });
  if (symbols[symbols.length - 1] === BOS && symbols.length > 1) {
    symbols.pop();
    tokenIndex.pop();
  } else {
    symbols.push(EOS);
    tokenIndex.push(-1);
  }
  return { symbols, tokenIndex };
}

/** The symbol stream the LM sees (see lmSymbolsAligned for the conventions). */
export function lmSymbols(tokens: Token[]): string[] {
  return lmSymbolsAligned(tokens).symbols;
}
