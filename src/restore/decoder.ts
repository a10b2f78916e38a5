/**
 * Beam-search Viterbi decoder over the n-gram LM (trigram state) and the noisy
 * channel. Works sentence by sentence: at a sentence boundary every hypothesis has
 * the same future, so the best one is final and the beam restarts.
 */
import type { LanguageModel } from './lm.js';
import { candidatesFor, type Candidate } from './channel.js';
import { baseForm, isValidSyllable, normalizeKey } from './orthography.js';
import { lmSymbolsAligned, BOS, EOS, type Token } from './tokenize.js';

export interface DecoderParams {
  /** Hypotheses kept per position. */
  beam: number;
  /** Candidates kept per word. */
  maxCandidates: number;
  /** Weight of the channel score against the LM. */
  channelWeight: number;
  /** LM score (log10) used for a word the model does not know, kept as it is. */
  unkLogProb: number;
}

export const DEFAULT_PARAMS: DecoderParams = { beam: 12, maxCandidates: 10, channelWeight: 1, unkLogProb: -5.5 };

/** What the decoder decided for one token. */
export interface Decision {
  /** Index of the (first) token in the input token array. */
  token: number;
  /** Chosen lowercase form ('old' tone placement), or null when the original is kept. */
  form: string | null;
  /** Other candidate forms, best first. */
  alternatives: string[];
  /** Posterior-like confidence of the choice, 0–1. */
  confidence: number;
}

/** A position the decoder fills: fixed symbol or candidates for a word. */
interface Slot {
  token: number; // -1 for <s>/</s>
  cands: Candidate[];
}

/** Letters with OCR junk inside (k§, hi¢n, v&, s6, 16i): a garbled word, not a code. */
const GARBLE = /^(?=.*\p{L})[\p{L}\p{M}0146§¢&%]{1,6}$/u;
const DIGIT_LIKE = /[0146§¢&%]/u;

/** Whether a code/other token should be decoded as a possibly garbled word. */
export function isGarbledWord(text: string): boolean {
  return GARBLE.test(text) && DIGIT_LIKE.test(text) && !/^\p{N}+$/u.test(text) && /\p{Ll}|^\p{Lu}.?$/u.test(text);
}

/**
 * Merges word–junk–word runs the tokenizer split (k + § , hi + ¢ + n) into one
 * word token, so the decoder sees the garble whole. Returns new tokens and, for
 * each, the range of original token indices it covers.
 */
export function mergeGarbles(tokens: readonly Token[]): { tokens: Token[]; from: number[] } {
  const out: Token[] = [];
  const from: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'word' || t.kind === 'code') {
      let j = i;
      let text = t.text;
      while (j + 1 < tokens.length) {
        const nx = tokens[j + 1] as Token;
        const isJunk = (nx.kind === 'punct' || nx.kind === 'other') && /^[§¢&%]$/u.test(nx.text);
        if (!(isJunk || (nx.kind === 'word' && /[§¢&%]$/u.test(text)))) break;
        // Do not swallow a junk symbol that ends the run before a space unless a letter precedes it.
        text += nx.text;
        j++;
      }
      if (j > i && isGarbledWord(text)) {
        out.push({ text, start: t.start, end: (tokens[j] as Token).end, kind: 'word' });
        from.push(i);
        i = j;
        continue;
      }
      if (t.kind === 'code' && isGarbledWord(t.text)) {
        out.push({ ...t, kind: 'word' });
        from.push(i);
        continue;
      }
    }
    out.push(t);
    from.push(i);
  }
  return { tokens: out, from };
}

/** Per-word trust (0–1) that the observed word is already right. */
export type TrustFn = (tokenIndex: number, key: string) => number;

const candCache = new WeakMap<LanguageModel, Map<string, Candidate[]>>();

function cachedCandidates(model: LanguageModel, key: string, trust: number, fuzzy: boolean, params: DecoderParams): Candidate[] {
  let cache = candCache.get(model);
  if (!cache) {
    cache = new Map();
    candCache.set(model, cache);
  }
  const bucket = Math.round(trust * 10);
  const ck = `${bucket}|${fuzzy ? 1 : 0}|${params.maxCandidates}|${key}`;
  let c = cache.get(ck);
  if (!c) {
    c = candidatesFor(model, key, { trust: bucket / 10, fuzzy, maxCandidates: params.maxCandidates });
    if (cache.size > 200_000) cache.clear();
    cache.set(ck, c);
  }
  return c;
}

interface Hyp {
  h2: number;
  h1: number;
  score: number;
  back: number; // index of previous hyp in the previous column
  cand: number; // candidate index in this slot
}

/**
 * Decodes word tokens (kind 'word') of a token stream. Every other token is
 * context only (numbers, codes, sentence boundaries as the LM sees them).
 */
export function decodeTokens(
  model: LanguageModel,
  tokens: readonly Token[],
  trustOf: TrustFn,
  params: DecoderParams = DEFAULT_PARAMS,
  fuzzy = false,
): Decision[] {
  const { symbols, tokenIndex } = lmSymbolsAligned(tokens as Token[]);
  const decisions: Decision[] = [];
  let sentence: Slot[] = [];
  const flush = (): void => {
    if (sentence.length) decodeSentence(model, sentence, params, decisions);
    sentence = [];
  };
  for (let k = 0; k < symbols.length; k++) {
    const sym = symbols[k] as string;
    const ti = tokenIndex[k] ?? -1;
    if (sym === BOS) {
      flush();
      continue;
    }
    if (sym === EOS) {
      sentence.push({ token: -1, cands: [{ id: model.eos, form: EOS, channel: 0 }] });
      flush();
      continue;
    }
    const tok = ti >= 0 ? tokens[ti] : undefined;
    if (tok && tok.kind === 'word') {
      const key = normalizeKey(tok.text);
      sentence.push({ token: ti, cands: cachedCandidates(model, key, trustOf(ti, key), fuzzy, params) });
    } else {
      sentence.push({ token: -1, cands: [{ id: model.id(sym), form: sym, channel: 0 }] });
    }
  }
  flush();
  return decisions;
}

function decodeSentence(model: LanguageModel, slots: Slot[], params: DecoderParams, out: Decision[]): void {
  const unk = model.unk;
  const ctx = [model.bos, model.bos];
  const lp = (h2: number, h1: number, w: number): number => {
    if (w === unk) return params.unkLogProb;
    ctx[0] = h2;
    ctx[1] = h1;
    return model.logProb(ctx, w);
  };
  const columns: Hyp[][] = [];
  let prev: Hyp[] = [{ h2: model.bos, h1: model.bos, score: 0, back: -1, cand: 0 }];
  for (const slot of slots) {
    const next = new Map<number, Hyp>();
    const cands = slot.cands;
    for (let p = 0; p < prev.length; p++) {
      const h = prev[p] as Hyp;
      for (let c = 0; c < cands.length; c++) {
        const cand = cands[c] as Candidate;
        const s = h.score + lp(h.h2, h.h1, cand.id) + params.channelWeight * cand.channel;
        // State = last two words; an unk word keeps its own identity via the candidate index.
        const key = (h.h1 * 16777216 + cand.id) * 32 + (cand.id === unk ? c : 0);
        const old = next.get(key);
        if (!old || s > old.score) next.set(key, { h2: h.h1, h1: cand.id, score: s, back: p, cand: c });
      }
    }
    let col = [...next.values()];
    if (col.length > params.beam) {
      col.sort((a, b) => b.score - a.score);
      col = col.slice(0, params.beam);
    }
    columns.push(col);
    prev = col;
  }
  // Backtrack the best path.
  let best = 0;
  const last = columns[columns.length - 1] ?? [];
  for (let i = 1; i < last.length; i++) if ((last[i] as Hyp).score > (last[best] as Hyp).score) best = i;
  const chosen: number[] = new Array(slots.length).fill(0);
  for (let k = slots.length - 1, b = best; k >= 0; k--) {
    const h = (columns[k] as Hyp[])[b] as Hyp;
    chosen[k] = h.cand;
    b = h.back;
  }
  const idOf = (k: number): number => {
    if (k < 0) return model.bos;
    const s = slots[k] as Slot;
    return (s.cands[chosen[k] ?? 0] as Candidate).id;
  };
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k] as Slot;
    if (slot.token < 0) continue;
    const cands = slot.cands;
    const ci = chosen[k] ?? 0;
    const cand = cands[ci] as Candidate;
    let confidence = 1;
    let alternatives: string[] = [];
    if (cands.length > 1) {
      // Local posterior: swap this word with the neighbours fixed.
      const p2 = k >= 2 ? idOf(k - 2) : model.bos;
      const p1 = k >= 1 ? idOf(k - 1) : model.bos;
      const n1 = k + 1 < slots.length ? idOf(k + 1) : -1;
      const n2 = k + 2 < slots.length ? idOf(k + 2) : -1;
      const scores = cands.map((c) => {
        let s = lp(p2, p1, c.id) + params.channelWeight * c.channel;
        if (n1 >= 0) s += lp(p1, c.id, n1);
        if (n2 >= 0) s += lp(c.id, n1, n2);
        return s;
      });
      const top = Math.max(...scores);
      let z = 0;
      for (const s of scores) z += 10 ** (s - top);
      confidence = 10 ** ((scores[ci] ?? top) - top) / z;
      alternatives = cands
        .map((c, i) => ({ f: c.form, s: scores[i] ?? -Infinity, i }))
        .filter((x) => x.i !== ci)
        .sort((a, b) => b.s - a.s)
        .slice(0, 4)
        .map((x) => x.f);
    }
    out.push({ token: slot.token, form: cand.form, alternatives, confidence });
  }
}

/**
 * Document-level trust that the text is already correctly accented: the share
 * of word tokens that are accented, valid, known syllables. Correct Vietnamese
 * has ~70% such syllables, stripped text none, diacritic-blind OCR few.
 */
export function documentTrust(model: LanguageModel, tokens: readonly Token[]): number {
  let words = 0;
  let good = 0;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    const key = normalizeKey(t.text);
    if (key.length < 2 && !/[^a-z]/.test(key)) continue;
    words++;
    if (baseForm(key) !== key && isValidSyllable(key)) {
      const id = model.id(key);
      if (id !== model.unk && model.count(id) >= 5) good++;
    }
  }
  if (words === 0) return 0;
  return Math.max(0, Math.min(1, (good / words - 0.12) / 0.33));
}

/**
 * Share of word tokens that are neither known words nor valid syllables: OCR
 * garbles. Stripped or correct text has few (names, foreign words); the seed's
 * diacritic-blind OCR has many, and then every word gets fuzzy candidates.
 */
export function garbleRate(model: LanguageModel, tokens: readonly Token[]): number {
  let words = 0;
  let bad = 0;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    words++;
    const key = normalizeKey(t.text);
    const id = model.id(key);
    if (id !== model.unk && model.count(id) >= 3) continue;
    // Accent-stripped words are not vocabulary entries, but their base is.
    if (model.formsOfBase(baseForm(key)).length > 0) continue;
    bad++;
  }
  return words === 0 ? 0 : bad / words;
}
