/**
 * Beam-search Viterbi decoder over the n-gram LM (trigram state) and the noisy
 * channel. Works sentence by sentence: at a sentence boundary every hypothesis has
 * the same future, so the best one is final and the beam restarts.
 */
import type { LanguageModel } from './lm.js';
import { candidatesFor, changePenalty, channelLogProb, fixedCandidate, type Candidate } from './channel.js';
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
  /** Hypotheses further than this (log10) below the best are dropped. */
  beamDelta: number;
}

export const DEFAULT_PARAMS: DecoderParams = { beam: 12, maxCandidates: 10, channelWeight: 1, unkLogProb: -5.5, beamDelta: 3 };

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
  /**
   * Extra beam width (log10) at this position: in trusted text every alternative pays the
   * change penalty, so without it the beam dropped a change before the next word, the
   * right context that pays for it, was read (các chỉ phí → chi phí).
   */
  widen?: number;
}

/**
 * Letters with OCR junk inside (k§, hi¢n, v&, s6, 16i; the eng engine's ti€p, s@, $ố): a
 * garbled word, not a code.
 */
const GARBLE = /^(?=.*\p{L})[\p{L}\p{M}0146§¢&%€@$]{1,6}$/u;
const DIGIT_LIKE = /[0146§¢&%€@$]/u;
const JUNK = /^[§¢&%€@$]$/u;
const JUNK_END = /[§¢&%€@$]$/u;

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
        const isJunk = (nx.kind === 'punct' || nx.kind === 'other') && JUNK.test(nx.text);
        if (!(isJunk || (nx.kind === 'word' && JUNK_END.test(text)))) break;
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
        out.push({ text: t.text, start: t.start, end: t.end, kind: 'word' });
        from.push(i);
        continue;
      }
    }
    out.push(t);
    from.push(i);
  }
  return { tokens: out, from };
}

const VOWEL_SET = new Set('aeiouyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ');

/**
 * UBND, HĐND, BLĐTBXH, UBMTTQ: capitals with at most one vowel in four or more
 * letters (or none at all) are acronyms, kept as they are. HQI is not: it is a
 * garbled HỘI. Known vocabulary words are never acronyms here.
 */
export function isAcronym(model: LanguageModel, text: string): boolean {
  if (text.length < 2 || !/^\p{Lu}+$/u.test(text)) return false;
  const lower = text.toLowerCase();
  const id = model.id(lower);
  if (id !== model.unk && model.count(id) >= 3) return false;
  // A stripped capitalised syllable (DICH ← ĐÍCH) is not an acronym.
  if (isValidSyllable(lower) || model.formsOfBase(baseForm(lower)).length > 0) return false;
  let vowels = 0;
  for (const ch of lower) if (VOWEL_SET.has(ch)) vowels++;
  return vowels === 0 || (vowels <= 1 && [...lower].length >= 4);
}

/** Per-word trust (0–1) that the observed word is already right. */
export type TrustFn = (tokenIndex: number, key: string) => number;

/** Candidate lists per model and maxCandidates, by word key, then by trust bucket (0–10) × 2 + fuzzy. */
const candCache = new WeakMap<LanguageModel, Map<number, Map<string, Array<Candidate[] | undefined>>>>();
let cachedLists = 0;

function cachedCandidates(model: LanguageModel, key: string, trust: number, fuzzy: boolean, params: DecoderParams): Candidate[] {
  let byLimit = candCache.get(model);
  if (!byLimit) candCache.set(model, (byLimit = new Map()));
  let byKey = byLimit.get(params.maxCandidates);
  if (!byKey) byLimit.set(params.maxCandidates, (byKey = new Map()));
  const bucket = Math.round(trust * 10);
  let lists = byKey.get(key);
  if (!lists) byKey.set(key, (lists = []));
  const slot = bucket * 2 + (fuzzy ? 1 : 0);
  let c = lists[slot];
  if (!c) {
    c = candidatesFor(model, key, { trust: bucket / 10, fuzzy, maxCandidates: params.maxCandidates });
    if (++cachedLists > 200_000) {
      byKey.clear();
      cachedLists = 0;
      byKey.set(key, (lists = []));
    }
    lists[slot] = c;
  }
  return c;
}

/**
 * The candidates plus the words the model most expects after the previous one that are
 * one letter away from the observed word (thúng after "ngày 15" → tháng): a slip across
 * bases that the word's own candidates cannot reach. The channel still prices the change.
 */
function withExpected(model: LanguageModel, key: string, cands: Candidate[], prev: number, trust: number): Candidate[] {
  const base = baseForm(key);
  let out: Candidate[] | null = null;
  let seen = NaN;
  for (const [w, b] of expectedAfter(model, prev)) {
    if (b === base || !oneLetterApart(b, base) || cands.some((c) => c.id === w)) continue;
    // Only where the context wants the neighbour far more (100×) than the word as read.
    if (seen !== seen) seen = model.logProb([prev], model.id(key));
    if (model.logProb([prev], w) - seen < 2) continue;
    const form = model.symbol(w);
    const channel = channelLogProb(key, form, { trust }) + changePenalty(trust);
    if (channel <= -9) continue;
    out ??= cands.slice();
    out.push({ id: w, form, channel });
  }
  return out ?? cands;
}

/** likelyNext(prev) with each word's base, worked out once per model and word. */
const expected = new WeakMap<LanguageModel, Map<number, ReadonlyArray<readonly [number, string]>>>();
function expectedAfter(model: LanguageModel, prev: number): ReadonlyArray<readonly [number, string]> {
  let byPrev = expected.get(model);
  if (!byPrev) expected.set(model, (byPrev = new Map()));
  let list = byPrev.get(prev);
  if (!list) byPrev.set(prev, (list = model.likelyNext(prev).map((w) => [w, baseForm(model.symbol(w))] as const)));
  return list;
}

/** Same length, one position different. */
function oneLetterApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length && diff < 2; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) diff++;
  return diff === 1;
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
  /** Tokens kept exactly as read (acronyms, codes and fixed phrases the caller found). */
  keepAsRead?: (tokenIndex: number) => boolean,
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
      sentence.push({ token: -1, cands: [fixedCandidate(model.eos, EOS)] });
      flush();
      continue;
    }
    const tok = ti >= 0 ? tokens[ti] : undefined;
    if (tok && tok.kind === 'word') {
      const key = sym; // lmSymbolsAligned keys a word by normalizeKey
      let cands: Candidate[];
      let widen = 0;
      if (isAcronym(model, tok.text) || keepAsRead?.(ti)) cands = [fixedCandidate(model.id(key), key)];
      else {
        const trust = Math.round(trustOf(ti, key) * 10) / 10;
        widen = changePenalty(0) - changePenalty(trust); // the trust-dependent part of the penalty
        cands = cachedCandidates(model, key, trust, fuzzy, params);
        // Only in text read with marks: stripping never changes a letter, and there the cheap
        // change penalty let the model's favourite displace right words (−0.05 point held out).
        if (trust > 0) {
          // The previous word as the model would most likely read it (fixed tokens exactly).
          const prev = sentence.length ? ((sentence[sentence.length - 1] as Slot).cands[0] as Candidate).id : model.bos;
          cands = withExpected(model, key, cands, prev, trust);
        }
      }
      sentence.push({ token: ti, cands, widen });
    } else {
      sentence.push({ token: -1, cands: [fixedCandidate(model.id(sym), sym)] });
    }
  }
  flush();
  return decisions;
}

/**
 * Indices of the k highest values among candidates (ascending indices), best first,
 * ties in index order: what a stable sort and slice would give, without sorting all.
 */
function topK(candidates: readonly number[], value: ArrayLike<number>, k: number, out: number[]): number[] {
  out.length = 0;
  for (const i of candidates) {
    const v = value[i] as number;
    if (out.length === k && v <= (value[out[k - 1] as number] as number)) continue;
    let at = out.length;
    while (at > 0 && (value[out[at - 1] as number] as number) < v) at--;
    out.splice(at, 0, i);
    if (out.length > k) out.pop();
  }
  return out;
}

/** The array itself when it holds n elements, else a copy twice as large (or n). */
function grownF64(a: Float64Array, n: number): Float64Array {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function grownI32(a: Int32Array, n: number): Int32Array {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

interface Hypotheses {
  h3: Int32Array;
  h2: Int32Array;
  h1: Int32Array;
  score: Float64Array;
}

/**
 * Scratch memory of the decoder, reused across sentences (a sentence allocated a
 * dozen small typed arrays per word before, and that showed). Columns of a sentence
 * are appended to flat arrays at per-position offsets.
 */
const scratch: {
  lp: Float64Array;
  ids: Int32Array;
  score: Float64Array;
  back: Int32Array;
  colCand: Int32Array;
  colBack: Int32Array;
  fwdBest: Float64Array;
  fwdPrev: Int32Array;
  prev: Hypotheses;
  next: Hypotheses;
} = {
  lp: new Float64Array(64),
  ids: new Int32Array(64),
  score: new Float64Array(256),
  back: new Int32Array(256),
  /** Per position k: kept hypotheses' candidate and back pointer, at colAt[k]. */
  colCand: new Int32Array(1024),
  colBack: new Int32Array(1024),
  /** Per position k: each candidate's best left score and the h1 it came from, at fwdAt[k]. */
  fwdBest: new Float64Array(1024),
  fwdPrev: new Int32Array(1024),
  /** Hypotheses of the previous and the current position (h3, h2, h1, score). */
  prev: { h3: new Int32Array(64), h2: new Int32Array(64), h1: new Int32Array(64), score: new Float64Array(64) },
  next: { h3: new Int32Array(64), h2: new Int32Array(64), h1: new Int32Array(64), score: new Float64Array(64) },
};

function decodeSentence(model: LanguageModel, slots: Slot[], params: DecoderParams, out: Decision[]): void {
  const unk = model.unk;
  // Hypotheses recombine on the last two words (trigram state); a 4-gram model
  // still sees a third word of context, taken from each hypothesis's own history.
  const four = model.order >= 4;
  const contexts: number[][] = [];
  const o = four ? 1 : 0;
  const lp3 = [model.bos, model.bos];
  const lp = (h2: number, h1: number, w: number): number => {
    if (w === unk) return params.unkLogProb;
    lp3[0] = h2;
    lp3[1] = h1;
    return model.logProb(lp3, w);
  };
  const S = scratch;
  const colAt: number[] = [];
  const fwdAt: number[] = [];
  let colLen = 0;
  let fwdLen = 0;
  let prev = S.prev;
  let next = S.next;
  prev.h3[0] = model.bos;
  prev.h2[0] = model.bos;
  prev.h1[0] = model.bos;
  prev.score[0] = 0;
  let np = 1;
  const gIds: number[] = [];
  const groupOf: number[] = [];
  const order: number[] = [];
  const kept: number[] = [];
  for (const slot of slots) {
    const cands = slot.cands;
    const nc = cands.length;
    S.ids = grownI32(S.ids, nc);
    const ids = S.ids.subarray(0, nc);
    for (let c = 0; c < nc; c++) ids[c] = (cands[c] as Candidate).id;
    // Hypotheses that end in the same word merge after this step: group them by h1.
    gIds.length = 0;
    groupOf.length = 0;
    for (let p = 0; p < np; p++) {
      const h1 = prev.h1[p] as number;
      let g = gIds.indexOf(h1);
      if (g < 0) g = gIds.push(h1) - 1;
      groupOf.push(g);
    }
    const ng = gIds.length;
    const size = nc * ng;
    S.score = grownF64(S.score, size);
    if (S.back.length < size) S.back = new Int32Array(S.score.length);
    const score = S.score;
    const back = S.back;
    score.fill(-Infinity, 0, size);
    // Every hypothesis against every candidate in one call: hypotheses that end in the
    // same word share the model's bigram look-ups.
    contexts.length = np;
    for (let p = 0; p < np; p++) {
      const ctx = (contexts[p] ??= four ? [0, 0, 0] : [0, 0]);
      if (four) ctx[0] = prev.h3[p] as number;
      ctx[o] = prev.h2[p] as number;
      ctx[o + 1] = prev.h1[p] as number;
    }
    S.lp = grownF64(S.lp, np * nc);
    const lpBuf = S.lp;
    model.logProbsMany(contexts, ids, lpBuf);
    for (let p = 0; p < np; p++) {
      const base = prev.score[p] as number;
      const g = groupOf[p] as number;
      for (let c = 0; c < nc; c++) {
        const cand = cands[c] as Candidate;
        const s = base + (cand.id === unk ? params.unkLogProb : (lpBuf[p * nc + c] as number)) + params.channelWeight * cand.channel;
        const idx = c * ng + g;
        if (s > (score[idx] as number)) {
          score[idx] = s;
          back[idx] = p;
        }
      }
    }
    // Best score per candidate over all histories (left max-marginal), for confidences.
    fwdAt.push(fwdLen);
    S.fwdBest = grownF64(S.fwdBest, fwdLen + nc);
    S.fwdPrev = grownI32(S.fwdPrev, fwdLen + nc);
    const fb = S.fwdBest;
    const fw = S.fwdPrev;
    let best = -Infinity;
    for (let c = 0, i = 0; c < nc; c++) {
      let b = -Infinity;
      let from = 0;
      for (let g = 0; g < ng; g++, i++) {
        const v = score[i] as number;
        if (v > b) {
          b = v;
          from = gIds[g] as number;
        }
        if (v > best) best = v;
      }
      fb[fwdLen + c] = b;
      fw[fwdLen + c] = from;
    }
    fwdLen += nc;
    const floor = best - params.beamDelta - (slot.widen ?? 0);
    order.length = 0;
    for (let i = 0; i < size; i++) if (score[i] !== -Infinity && (score[i] as number) >= floor) order.push(i);
    const keep = order.length > params.beam ? topK(order, score, params.beam, kept) : order;
    const n = keep.length;
    if (next.score.length < n) next = S.next = { h3: new Int32Array(n * 2), h2: new Int32Array(n * 2), h1: new Int32Array(n * 2), score: new Float64Array(n * 2) };
    colAt.push(colLen);
    S.colCand = grownI32(S.colCand, colLen + n);
    S.colBack = grownI32(S.colBack, colLen + n);
    for (let k = 0; k < n; k++) {
      const i = keep[k] as number;
      const c = Math.floor(i / ng);
      const bp = back[i] as number;
      next.h3[k] = prev.h2[bp] as number;
      next.h2[k] = gIds[i % ng] as number;
      next.h1[k] = (cands[c] as Candidate).id;
      next.score[k] = score[i] as number;
      S.colCand[colLen + k] = c;
      S.colBack[colLen + k] = bp;
    }
    colLen += n;
    np = n;
    const t = prev;
    prev = next;
    next = t;
  }
  S.prev = prev;
  S.next = next;
  // Backtrack the best path.
  let bestK = 0;
  for (let i = 1; i < np; i++) if ((prev.score[i] as number) > (prev.score[bestK] as number)) bestK = i;
  const chosen: number[] = new Array(slots.length).fill(0);
  for (let k = slots.length - 1, b = bestK; k >= 0; k--) {
    const at = (colAt[k] as number) + b;
    chosen[k] = S.colCand[at] as number;
    b = S.colBack[at] as number;
  }
  const idOf = (k: number): number => {
    if (k < 0) return model.bos;
    const s = slots[k] as Slot;
    return (s.cands[chosen[k] ?? 0] as Candidate).id;
  };
  const scores: number[] = [];
  const others: number[] = [];
  const top4: number[] = [];
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k] as Slot;
    if (slot.token < 0) continue;
    const cands = slot.cands;
    const ci = chosen[k] ?? 0;
    const cand = cands[ci] as Candidate;
    let confidence = 1;
    const alternatives: string[] = [];
    if (cands.length > 1) {
      // Left max-marginal of each candidate plus the chosen next word: one LM call each.
      const n1 = k + 1 < slots.length ? idOf(k + 1) : -1;
      const at = fwdAt[k] as number;
      const fb = S.fwdBest;
      const fw = S.fwdPrev;
      const nc = cands.length;
      // A candidate already 4 (log10) behind on the left cannot matter: skip its LM call.
      let leftBest = -Infinity;
      for (let i = 0; i < nc; i++) leftBest = Math.max(leftBest, fb[at + i] as number);
      scores.length = nc;
      let top = -Infinity;
      for (let i = 0; i < nc; i++) {
        const s = fb[at + i] as number;
        scores[i] = n1 >= 0 && s > leftBest - 4 ? s + lp(fw[at + i] as number, (cands[i] as Candidate).id, n1) : s;
        if ((scores[i] as number) > top) top = scores[i] as number;
      }
      let z = 0;
      for (let i = 0; i < nc; i++) z += 10 ** ((scores[i] as number) - top);
      confidence = 10 ** ((scores[ci] as number) - top) / z;
      // The other candidates, best first (ties keep candidate order).
      others.length = 0;
      for (let i = 0; i < nc; i++) if (i !== ci) others.push(i);
      for (const i of topK(others, scores, 4, top4)) alternatives.push((cands[i] as Candidate).form);
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
