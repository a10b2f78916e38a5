/**
 * The noisy channel: how likely an observed (OCR'd or accent-stripped) word is
 * given a true syllable, log10 P(observed | true), and the candidate true forms
 * for an observed word.
 *
 * Cost model, per character, from a weighted alignment:
 *  - same letter, marks lost (a ← ầ): cheap, dearer the more the document is
 *    trusted to be correctly accented (`trust`);
 *  - same letter, marks different (é ← ế): an OCR look-alike, moderate;
 *  - other chunks (ii ← ư, rn ← m, 6 ← ố, d ← đ): from the learned + hand table;
 *  - anything else: a flat edit cost.
 * A word-level change penalty (scaled by trust and OCR confidence) keeps correct
 * text unchanged unless the language model is sure.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distance } from 'fastest-levenshtein';
import { VanbanError } from '../errors.js';
import { baseForm, isValidSyllable, normalizeKey } from './orthography.js';
import type { LanguageModel } from './lm.js';

/** log10 P(obs chunk | truth chunk), keyed `${obs}\t${truth}`. */
export type ConfusionTable = ReadonlyMap<string, number>;

/**
 * Hand list of look-alikes seen from diacritic-blind OCR engines (the seed's):
 * [observed, true, log10 P]. Observed chunks are lowercase. Character look-alikes only:
 * whole-word entries (cc → các, b → bộ, dn → đến) were read off the seed page and are gone.
 */
const HAND: ReadonlyArray<[string, string, number]> = [
  ['d', 'đ', -0.3], ['p', 'đ', -0.8], ['p', 'd', -1.4], ['ii', 'ư', -0.7], ['ii', 'ú', -1], ['ii', 'ủ', -1], ['ir', 'ứ', -0.8],
  ['ir', 'ử', -0.9], ['ir', 'ừ', -0.9], ['ir', 'ư', -0.9], ['ur', 'ư', -0.7], ['ur', 'ứ', -1], ['rn', 'm', -0.8],
  ['tn', 'tri', -1], ['w', 'ự', -1], ['w', 'ư', -1], ['w', 'ừ', -1.2], ['w', 'ứ', -1.2], ['j', 'ộ', -1], ['q', 'ộ', -1.2], ['g', 'ộ', -1.3],
  ['g', 'ợ', -1.3], ['6', 'ó', -0.6], ['6', 'ố', -0.6], ['6', 'ồ', -0.8], ['6', 'ổ', -0.8], ['6', 'ỗ', -0.9], ['6', 'ộ', -0.9], ['6', 'ơ', -1], ['6', 'ớ', -0.9],
  ['b', 'ố', -1.2], ['b', 'ồ', -1.2], ['b', 'ổ', -1.2], ['d', 'ổ', -1.2], ['d', 'ộ', -1.2], ['d', 'ố', -1.3], ['d', 'ỗ', -1.3],
  ['d', 'ã', -1.4], ['d', 'ă', -1.3], ['d', 'ú', -1.4], ['d', 'ư', -1.4], ['§', 'ỹ', -0.7], ['§', 'ộ', -0.9], ['§', 'ỷ', -0.9],
  ['¢', 'ệ', -0.8], ['&', 'ề', -0.8], ['&', 'ể', -0.9], ['%', 'ự', -1.2], ['4', 'á', -0.8], ['4', 'â', -0.8], ['4', 'ả', -1],
  ['1', 'l', -0.8], ['i', 'l', -1.2], ['l', 'i', -1.2], ['i', 'ă', -1.2], ['i', 'ắ', -1.3], ['i', 'ấ', -1.3], ['i', 'ặ', -1.3],
  ['ia', 'ă', -1.2], ['t', 'ú', -1.4], ['it', 'ú', -1.2], ['ti', 'ủ', -1.1], ['li', 'ủ', -1.1], ['tr', 'ữ', -1.4], ['t', 'ủ', -1.3],
  ['gl', 'gi', -1], ['lp', 'ấp', -1.2], ['é', 'ế', -0.3], ['é', 'ề', -0.4], ['é', 'ể', -0.4], ['é', 'ễ', -0.5], ['é', 'ệ', -0.5],
  ['é', 'á', -1.1], ['é', 'ả', -1.2], ['é', 'ậ', -1.3], ['é', 'ầ', -1.3], ['é', 'ố', -1.4], ['ó', 'ố', -0.3], ['ó', 'ồ', -0.5], ['ó', 'ổ', -0.5],
  ['é', 'ấ', -1.2], ['é', 'ạ', -1.3], ['á', 'ấ', -0.5], ['á', 'ắ', -0.5], ['à', 'ầ', -0.5], ['a', 'ă', -0.5], ['y', 'ý', -0.6],
  ['c', 'e', -1.5], ['e', 'c', -1.5], ['u', 'ư', -0.5], ['o', 'ơ', -0.5], ['o', 'ô', -0.5], ['e', 'ê', -0.5], ['a', 'â', -0.5],
  ['udc', 'ước', -1], ['ud', 'ướ', -1], ['ud', 'ườ', -1], ['ud', 'ưở', -1.1], ['uo', 'ươ', -0.5], ['m', 'n', -1.6],
];

const LEARNED_PATH = fileURLToPath(new URL('../../dictionaries/confusions.json', import.meta.url));

let cachedTable: ConfusionTable | undefined;
let cachedLearned: ConfusionTable | undefined;

/** The confusion table: learned entries (dictionaries/confusions.json) merged with the hand list (best of the two). */
export function getConfusions(): ConfusionTable {
  if (cachedTable) return cachedTable;
  const table = new Map<string, number>(getLearnedConfusions());
  for (const [key, p] of getEngScanConfusions()) table.set(key, Math.max(p, table.get(key) ?? -Infinity));
  for (const [obs, truth, p] of HAND) {
    const key = `${obs}\t${truth}`;
    table.set(key, Math.max(p, table.get(key) ?? -Infinity));
  }
  cachedTable = table;
  return table;
}

/**
 * Only the entries learned from OCR of rendered training text (no hand list): what an
 * evaluation may draw synthetic noise from without reusing rules written from a test page.
 */
export function getLearnedConfusions(): ConfusionTable {
  if (cachedLearned) return cachedLearned;
  const table = new Map<string, number>();
  let learned: unknown;
  try {
    learned = JSON.parse(readFileSync(LEARNED_PATH, 'utf8'));
  } catch (error) {
    throw new VanbanError('MODEL', 'cannot read the OCR confusion table; reinstall vanban or rebuild it with scripts/learn-confusions.ts', {
      file: LEARNED_PATH,
      cause: error,
    });
  }
  const subs = (learned as { subs?: unknown }).subs;
  if (!Array.isArray(subs)) throw new VanbanError('MODEL', 'confusion table has no "subs" array', { file: LEARNED_PATH });
  for (const entry of subs) {
    if (!Array.isArray(entry) || entry.length !== 3) continue;
    const [obs, truth, p] = entry as [unknown, unknown, unknown];
    if (typeof obs !== 'string' || typeof truth !== 'string' || typeof p !== 'number') continue;
    // Whole-syllable insertions/deletions are word-alignment noise, not character confusions.
    if (obs.length + truth.length > 4 || (obs === '' && truth.length > 1) || (truth === '' && obs.length > 1)) continue;
    // Learned odds are capped: the learner saw a few hundred lines, not a guarantee.
    table.set(`${obs}\t${truth}`, Math.max(-3, Math.min(-0.3, p)));
  }
  cachedLearned = table;
  return table;
}

/**
 * The slips of tesseract.js `eng` on scanned dev pages (confusions.json "engScans", none
 * when absent): a diacritic-blind engine's own look-alikes on real scans (it ← ứ, wg ← ượ,
 * € ← ế, p ← đ). Scored like the learned table; not drawn from by the held-out evaluation.
 */
function getEngScanConfusions(): ConfusionTable {
  const out = new Map<string, number>();
  const rows = (JSON.parse(readFileSync(LEARNED_PATH, 'utf8')) as { engScans?: unknown }).engScans;
  if (!Array.isArray(rows)) return out;
  for (const e of rows) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string' || typeof e[2] !== 'number') continue;
    const [obs, truth, p] = e as [string, string, number];
    if ([...obs].length + [...truth].length > 4 || (obs === '' && [...truth].length > 1) || (truth === '' && [...obs].length > 1)) continue;
    out.set(`${obs}\t${truth}`, Math.max(-3, Math.min(-0.3, p)));
  }
  return out;
}

let cachedBaseTable: ConfusionTable | undefined;
/**
 * The table seen through accent stripping on the true side ("it" ← "ữ" gives
 * "it" ← "u"): ranks neighbour bases of a garbled word before their forms are tried.
 */
function baseTable(): ConfusionTable {
  if (cachedBaseTable) return cachedBaseTable;
  const t = new Map<string, number>();
  for (const [key, p] of getConfusions()) {
    const [obs = '', truth = ''] = key.split('\t');
    const k = `${obs}\t${baseForm(truth).toLowerCase()}`;
    if (obs === baseForm(truth).toLowerCase()) continue;
    t.set(k, Math.max(p, t.get(k) ?? -Infinity));
  }
  cachedBaseTable = t;
  return t;
}

/** Marks of one lowercase NFC letter: its bare letter, quality mark (circumflex/breve/horn/bar) and tone. */
interface Marks {
  letter: string;
  quality: string;
  tone: string;
}
const markCache = new Map<string, Marks>();
function marksOf(ch: string): Marks {
  let m = markCache.get(ch);
  if (m) return m;
  if (ch === 'đ') m = { letter: 'd', quality: 'bar', tone: '' };
  else {
    const nfd = ch.normalize('NFD');
    let quality = '';
    let tone = '';
    for (const c of nfd.slice(1)) {
      if (c === '\u0302' || c === '\u0306' || c === '\u031B') quality = c;
      else tone = c;
    }
    m = { letter: nfd[0] ?? ch, quality, tone };
  }
  markCache.set(ch, m);
  return m;
}

/** Tunable costs (log10). */
export interface ChannelParams {
  /** 0 = accent-stripped/garbled input, 1 = correctly accented input. */
  trust: number;
}

const VOWEL = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const EDIT = -2.6; // unknown substitution
/** Neighbour bases whose forms are aligned in full, per garbled word. */
const FUZZY_BASES = 24;
/** Candidates whose channel + unigram prior is this far (log10) below the best are dropped. */
const PRIOR_DELTA = 2.2;
const INDEL = -2.8; // unknown insertion/deletion

/** log10 P(obs char | true char) for single characters. */
function charCostRaw(o: string, t: string, table: ConfusionTable, trust: number): number {
  if (o === t) return 0;
  const learned = table.get(`${o}\t${t}`);
  const mo = marksOf(o);
  const mt = marksOf(t);
  let cost = EDIT;
  if (mo.letter === mt.letter) {
    const plain = mo.quality === '' && mo.tone === '';
    if (plain) cost = -0.02 - 1.6 * trust; // marks lost: what accent stripping does
    else if (mo.quality === mt.quality) cost = -0.9 - 1.4 * trust; // tone differs
    else if (mo.tone === mt.tone) cost = -0.6 - 1.6 * trust; // quality differs (é ← ế)
    else cost = -1.2 - 1.6 * trust;
  } else if (VOWEL.has(mo.letter) && VOWEL.has(mt.letter) && (mo.quality !== '' || mo.tone !== '')) {
    // A diacritic-blind engine prints some accented vowel (é, ó) for any accented vowel: Quéng ← Quảng.
    cost = mt.quality !== '' || mt.tone !== '' ? -2.2 - 1.2 * trust : -2.5 - 1.2 * trust;
  }
  if (learned !== undefined) cost = Math.max(cost, learned - 1.5 * trust);
  // A mark slip counted on real scans is priced at its measured odds, whatever the trust.
  const slip = getScanSlips().get(`${o}\t${t}`);
  return slip !== undefined ? Math.max(cost, slip) : cost;
}

let cachedSlips: ReadonlyMap<string, number> | undefined;
/** Mark slips of tesseract vie on scanned dev pages (confusions.json "scanSlips"; none when absent). */
function getScanSlips(): ReadonlyMap<string, number> {
  if (cachedSlips) return cachedSlips;
  const out = new Map<string, number>();
  const slips = (JSON.parse(readFileSync(LEARNED_PATH, 'utf8')) as { scanSlips?: unknown }).scanSlips;
  if (Array.isArray(slips)) {
    for (const e of slips) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string' && typeof e[2] === 'number') out.set(`${e[0]}\t${e[1]}`, Math.min(-0.5, e[2]));
    }
  }
  cachedSlips = out;
  return out;
}

/**
 * Memo of charCostRaw: characters get small dense indices (lowercase Vietnamese needs about
 * a hundred), and each (table, trust) a flat matrix of costs by index pair, NaN where
 * not yet computed. The alignment asks for a cost in every cell it fills.
 */
const ALPHABET = 256;
/** Dense index by UTF-16 unit, -1 until first seen (a character is one unit or none of this). */
const alphaIndex = new Int16Array(65536).fill(-1);
let alphaSize = 0;
function alphaOf(ch: string): number {
  if (ch.length !== 1) return -1;
  const code = ch.charCodeAt(0);
  let i = alphaIndex[code] as number;
  if (i < 0) {
    if (alphaSize >= ALPHABET) return -1;
    alphaIndex[code] = i = alphaSize++;
  }
  return i;
}
const costMatrices = new WeakMap<ConfusionTable, Map<number, Float64Array>>();
function costMatrix(table: ConfusionTable, trust: number): Float64Array {
  let byTrust = costMatrices.get(table);
  if (byTrust === undefined) costMatrices.set(table, (byTrust = new Map()));
  let m = byTrust.get(trust);
  if (m === undefined) {
    if (byTrust.size > 32) byTrust.clear();
    byTrust.set(trust, (m = new Float64Array(ALPHABET * ALPHABET).fill(NaN)));
  }
  return m;
}
/**
 * The table's chunk rules (those with more than one character on a side) compiled for
 * the alignment's inner loop: truth chunks get small integer ids, and each observed
 * chunk a dense array of costs by truth-chunk id (NaN: no rule). Why: the loop asks
 * "is there a rule from this observed chunk to this truth chunk" for every cell, and
 * looking up freshly sliced strings in nested Maps was most of a candidate's cost.
 */
interface CompiledRules {
  truthIds: Map<string, number>;
  byObs: Map<string, Float64Array>;
}
const compiledRules = new WeakMap<ConfusionTable, CompiledRules>();
function rulesOf(table: ConfusionTable): CompiledRules {
  const hit = compiledRules.get(table);
  if (hit) return hit;
  const entries: Array<[string, string, number]> = [];
  const truthIds = new Map<string, number>();
  for (const [key, p] of table) {
    const [obs = '', truth = ''] = key.split('\t');
    const no = [...obs].length;
    const nt = [...truth].length;
    // Single characters are charCost's; a truth chunk over 3 characters is never sliced.
    if (no + nt < 2 || (no === 1 && nt === 1) || nt > 3) continue;
    if (!truthIds.has(truth)) truthIds.set(truth, truthIds.size);
    entries.push([obs, truth, p]);
  }
  const byObs = new Map<string, Float64Array>();
  for (const [obs, truth, p] of entries) {
    let costs = byObs.get(obs);
    if (!costs) byObs.set(obs, (costs = new Float64Array(truthIds.size).fill(NaN)));
    costs[truthIds.get(truth)!] = p;
  }
  const compiled = { truthIds, byObs };
  compiledRules.set(table, compiled);
  return compiled;
}

/** The observed side of an alignment: its characters and, per position, the chunk rules starting there. */
interface ObsSide {
  chars: string[];
  /** alphaOf each character (-1: outside the dense alphabet). */
  alpha: Int16Array;
  /** rules[i]: [observed chunk length, costs by truth-chunk id] for the chunks starting at i. */
  rules: Array<Array<[number, Float64Array]>>;
}

/**
 * One word is aligned against dozens of forms in a row (candidatesFor): its side of
 * the alignment is worked out once, not per form.
 */
const obsSides = new WeakMap<ConfusionTable, Map<string, ObsSide>>();
function obsSide(obs: string, table: ConfusionTable): ObsSide {
  return memoized(obsSides, table, obs, 20_000, buildObsSide);
}
function buildObsSide(obs: string, table: ConfusionTable): ObsSide {
  const { byObs } = rulesOf(table);
  const chars = [...obs];
  const n = chars.length;
  const rules: ObsSide['rules'] = [];
  for (let i = 0; i <= n; i++) {
    const list: Array<[number, Float64Array]> = [];
    for (let p = 0; p <= 3 && i + p <= n; p++) {
      const r = byObs.get(p ? chars.slice(i, i + p).join('') : '');
      if (r) list.push([p, r]);
    }
    rules.push(list);
  }
  return { chars, alpha: Int16Array.from(chars, alphaOf), rules };
}

/** The value of key in table's bounded memo (cleared when full), built on first use. */
function memoized<V>(
  memos: WeakMap<ConfusionTable, Map<string, V>>,
  table: ConfusionTable,
  key: string,
  limit: number,
  build: (key: string, table: ConfusionTable) => V,
): V {
  let memo = memos.get(table);
  if (memo === undefined) memos.set(table, (memo = new Map()));
  let value = memo.get(key);
  if (value === undefined) {
    value = build(key, table);
    if (memo.size > limit) memo.clear();
    memo.set(key, value);
  }
  return value;
}

/** The truth side of an alignment, cached per form: forms recur across observed words. */
interface TruthSide {
  chars: string[];
  alpha: Int16Array;
  /** At [j * 4 + q]: the compiled id of the chunk truth[j, j+q) (q = 0–3), or -1. */
  chunks: Int32Array;
}
const truthSides = new WeakMap<ConfusionTable, Map<string, TruthSide>>();
function truthSide(truth: string, table: ConfusionTable): TruthSide {
  return memoized(truthSides, table, truth, 50_000, buildTruthSide);
}
function buildTruthSide(truth: string, table: ConfusionTable): TruthSide {
  const { truthIds } = rulesOf(table);
  const chars = [...truth];
  const m = chars.length;
  // One UTF-16 unit per character (all of Vietnamese): chunks are plain slices.
  const sub = truth.length === m ? (j: number, q: number): string => truth.slice(j, j + q) : (j: number, q: number): string => chars.slice(j, j + q).join('');
  const empty = truthIds.get('') ?? -1;
  const chunks = new Int32Array((m + 1) * 4).fill(-1);
  for (let j = 0; j <= m; j++) {
    chunks[j * 4] = empty;
    for (let q = 1; q <= 3 && j + q <= m; q++) chunks[j * 4 + q] = truthIds.get(sub(j, q)) ?? -1;
  }
  return { chars, alpha: Int16Array.from(chars, alphaOf), chunks };
}

/** charCostRaw(a[i], b[j]), memoised in the (table, trust) matrix when both characters have an index. */
function pairCost(matrix: Float64Array, a: ObsSide, i: number, b: TruthSide, j: number, table: ConfusionTable, trust: number): number {
  const io = a.alpha[i] as number;
  const it = b.alpha[j] as number;
  if (io < 0 || it < 0) return a.chars[i] === b.chars[j] ? 0 : charCostRaw(a.chars[i] as string, b.chars[j] as string, table, trust);
  if (io === it) return 0;
  const k = io * ALPHABET + it;
  let c = matrix[k] as number;
  if (c !== c) matrix[k] = c = charCostRaw(a.chars[i] as string, b.chars[j] as string, table, trust);
  return c;
}

let dpBuf = new Float64Array(256);

/**
 * log10 P(obs | truth) by a weighted alignment with the confusion table's chunks
 * (up to 3 chars each side). Both lowercase NFC.
 */
export function channelLogProb(obs: string, truth: string, params: ChannelParams, table: ConfusionTable = getConfusions()): number {
  if (obs === truth) return 0;
  const trust = params.trust;
  const matrix = costMatrix(table, trust);
  const os = obsSide(obs, table);
  const ts = truthSide(truth, table);
  const a = os.chars;
  const b = ts.chars;
  const n = a.length;
  const m = b.length;
  // Same length and same letters but marks: position by position (the common case).
  if (n === m) {
    let sum = 0;
    let sameLetters = true;
    for (let i = 0; i < n; i++) {
      const o = a[i] as string;
      const t = b[i] as string;
      if (o === t) continue;
      if (marksOf(o).letter !== marksOf(t).letter) {
        sameLetters = false;
        break;
      }
      sum += pairCost(matrix, os, i, ts, i, table, trust);
    }
    if (sameLetters) return sum;
  }
  const w = m + 1;
  const size = (n + 1) * w;
  if (size > dpBuf.length) dpBuf = new Float64Array(size * 2);
  const dp = dpBuf;
  dp.fill(-Infinity, 0, size);
  dp[0] = 0;
  const truthChunks = ts.chunks;
  const obsRules = os.rules;
  const chunkShift = -1.5 * trust;
  for (let i = 0; i <= n; i++) {
    const rules = obsRules[i] as Array<[number, Float64Array]>;
    const nr = rules.length;
    for (let j = 0; j <= m; j++) {
      const cur = dp[i * w + j] as number;
      if (cur === -Infinity) continue;
      if (i < n && j < m) {
        const v = cur + pairCost(matrix, os, i, ts, j, table, trust);
        if (v > (dp[(i + 1) * w + j + 1] as number)) dp[(i + 1) * w + j + 1] = v;
      }
      if (i < n) {
        const v = cur + INDEL;
        if (v > (dp[(i + 1) * w + j] as number)) dp[(i + 1) * w + j] = v;
      }
      if (j < m) {
        const v = cur + INDEL;
        if (v > (dp[i * w + j + 1] as number)) dp[i * w + j + 1] = v;
      }
      for (let r = 0; r < nr; r++) {
        const rule = rules[r] as [number, Float64Array];
        const p = rule[0];
        const costs = rule[1];
        for (let q = 0; q <= 3 && j + q <= m; q++) {
          const id = truthChunks[j * 4 + q] as number;
          if (id < 0) continue;
          const c = costs[id] as number;
          if (c !== c) continue; // NaN: no rule
          const v = cur + c + chunkShift;
          const k = (i + p) * w + j + q;
          if (v > (dp[k] as number)) dp[k] = v;
        }
      }
    }
  }
  return dp[n * w + m] as number;
}

export interface Candidate {
  /** LM id (the model's unk id for an out-of-vocabulary identity). */
  id: number;
  /** Lowercase NFC form ('old' tone placement, as the LM keys it). */
  form: string;
  /** log10 P(observed | form), including the change penalty. */
  channel: number;
}

/**
 * The observed word itself as a candidate (no change, channel 0). Its channel is stored
 * as a double like every other candidate's: a small-integer 0 in the same field would
 * give candidates two hidden shapes, and the hot decoder loop would be compiled twice.
 */
export function fixedCandidate(id: number, form: string): Candidate {
  return { id, form, channel: ZERO };
}
/** A zero V8 keeps as a double (-0 is never a small integer); -0 + x === x for every x ≠ 0, and -0 == 0. */
const ZERO = -0;

/**
 * log10 odds against an impossible spelling, on top of the change penalty. Tuned on real
 * Tesseract slips (Cuôồng → Cuông, ủnh → tỉnh/ảnh) with the held-out figures unchanged.
 */
const IMPOSSIBLE = -3;
/** In NFD: hook or dot below, horn, breve, đ, or a circumflex with a tone mark on it. */
const VIETNAMESE_ONLY = /[\u0309\u0323\u031B\u0306đ]|\u0302[\u0300\u0301\u0303]/u;

/** Penalty for choosing anything but the observed word, by trust in the input. */
export function changePenalty(trust: number): number {
  return -(0.15 + 2.2 * trust);
}

/** Index of the model's syllable bases for fuzzy look-up (symmetric deletes, distance ≤ 2). */
class BaseIndex {
  readonly bases: string[] = [];
  /** Per base: 0.3 · log10(count of its commonest form + 1), the frequency term of the rough rank. */
  readonly weight: Float64Array;
  private readonly deletes = new Map<string, number[]>();
  /** Generation stamps instead of a Set per look-up: near() runs for every fuzzy word. */
  private readonly seenAt: Int32Array;
  private generation = 0;
  constructor(bases: Iterable<string>, weightOf: (base: string) => number) {
    for (const base of bases) {
      const idx = this.bases.length;
      this.bases.push(base);
      for (const d of deletions(base, 2)) {
        const list = this.deletes.get(d);
        if (list) list.push(idx);
        else this.deletes.set(d, [idx]);
      }
    }
    this.weight = Float64Array.from(this.bases, weightOf);
    this.seenAt = new Int32Array(this.bases.length);
  }
  /** Calls visit(index, distance) for every base within Levenshtein distance maxDist of s. */
  near(s: string, maxDist: number, visit: (idx: number, dist: number) => void): void {
    const gen = ++this.generation;
    for (const d of deletions(s, maxDist)) {
      for (const idx of this.deletes.get(d) ?? []) {
        if (this.seenAt[idx] === gen) continue;
        this.seenAt[idx] = gen;
        const b = this.bases[idx] as string;
        if (Math.abs(b.length - s.length) > maxDist) continue;
        const dist = distance(s, b);
        if (dist <= maxDist) visit(idx, dist);
      }
    }
  }
}

function deletions(s: string, depth: number): Set<string> {
  const out = new Set<string>([s]);
  let frontier = [s];
  for (let k = 0; k < depth; k++) {
    const next: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i++) {
        const d = w.slice(0, i) + w.slice(i + 1);
        if (!out.has(d)) {
          out.add(d);
          next.push(d);
        }
      }
    }
    frontier = next;
  }
  return out;
}

const indexCache = new WeakMap<LanguageModel, BaseIndex>();

/** All lowercase syllable bases of the model's vocabulary (valid syllables seen at least twice). */
function baseIndexOf(model: LanguageModel): BaseIndex {
  let idx = indexCache.get(model);
  if (idx) return idx;
  const bases = new Set<string>();
  // The interface has no vocabulary size: walk ids until symbol() stops giving real entries.
  for (let id = 0; id < 1 << 22; id++) {
    let sym: string | undefined;
    try {
      sym = model.symbol(id);
    } catch {
      break;
    }
    if (typeof sym !== 'string' || (id !== model.unk && sym === '<unk>')) break;
    if (!/^\p{Ll}+$/u.test(sym) || model.count(id) < 2 || !isValidSyllable(sym)) continue;
    bases.add(baseForm(sym));
  }
  idx = new BaseIndex(bases, (b) => {
    const top = model.formsOfBase(b)[0];
    return top === undefined ? NaN : 0.3 * Math.log10(model.count(top) + 1);
  });
  indexCache.set(model, idx);
  return idx;
}

/** Prepares the fuzzy index now (otherwise built on first use). */
export function warmChannel(model: LanguageModel): void {
  baseIndexOf(model);
  getConfusions();
}

/** Observed chunk rewrites tried before fuzzy look-up, so "phiic" reaches "phuc" and "tnen" reaches "trien". */
const REWRITES: ReadonlyArray<[RegExp, string]> = [
  [/ii/g, 'u'], [/ir/g, 'u'], [/ur/g, 'u'], [/rn/g, 'm'], [/^tn/g, 'tri'], [/w/g, 'u'], [/j/g, 'o'], [/q(?!u)/g, 'o'],
  [/6/g, 'o'], [/§/g, 'y'], [/¢/g, 'e'], [/&/g, 'e'], [/4/g, 'a'], [/1/g, 'l'], [/^gl/g, 'gi'], [/^p/g, 'd'],
];

function rewrites(base: string): string[] {
  const out: string[] = [];
  for (const [re, to] of REWRITES) {
    const r = base.replace(re, to);
    if (r !== base) out.push(r);
  }
  return out;
}

export interface CandidateOptions {
  trust: number;
  /** Look beyond the observed word's own base (OCR garbles). */
  fuzzy: boolean;
  /** Most candidates kept per word. */
  maxCandidates: number;
}

/**
 * Candidate true forms for one observed word (lowercase NFC key), best channel first.
 * Always includes the observed key itself (with the unk id when out of vocabulary).
 */
export function candidatesFor(model: LanguageModel, obsKey: string, opts: CandidateOptions): Candidate[] {
  const table = getConfusions();
  const params = { trust: opts.trust };
  const penalty = changePenalty(opts.trust);
  const base = baseForm(obsKey);
  const identityId = model.id(obsKey);
  const known = identityId !== model.unk && model.count(identityId) >= 3;
  const forms = model.formsOfBase(base);
  // A garbled word (neither known nor a known word's base) gets a wider net.
  const garbled = !known && forms.length === 0;
  const limit = opts.maxCandidates + (opts.fuzzy ? 6 : 0) + (garbled ? 4 : 0);
  // Kept: the best `limit` by channel plus a little unigram prior, and always the identity.
  // The unk id's count is the mass of all unknown words: an unknown identity has no prior.
  const priorOf = (id: number, channel: number): number => channel + 0.35 * Math.log10((id === model.unk ? 0 : model.count(id)) + 1);
  // In trusted text every alternative carries the change penalty; widen the window
  // by as much, or a one-mark OCR slip (Tố ← Tổ) would never reach the LM.
  // (Not for a garbled word: its true form may need several edits.)
  const floorOf = (best: number): number => (garbled ? -Infinity : best - PRIOR_DELTA - 3 * opts.trust + penalty);

  const out = new Map<string, Candidate>();
  const priors = new Map<Candidate, number>();
  /** Priors of the candidates so far, best first: what a new one must beat to be kept. */
  const ranked: number[] = [];
  const put = (c: Candidate): void => {
    const p = priorOf(c.id, c.channel);
    out.set(c.form, c);
    priors.set(c, p);
    let i = ranked.length;
    ranked.push(p);
    while (i > 0 && (ranked[i - 1] as number) < p) {
      ranked[i] = ranked[i - 1] as number;
      i--;
    }
    ranked[i] = p;
  };
  /** A prior below this can no longer be kept: under the floor, or behind `limit` better ones. */
  const cutoff = (): number => {
    const floor = ranked.length ? floorOf(ranked[0] as number) : -Infinity;
    return ranked.length >= limit ? Math.max(floor, ranked[limit - 1] as number) : floor;
  };
  // A word with marks only Vietnamese uses that breaks Vietnamese spelling (ủnh, cuôồng)
  // cannot be right as read: keeping it costs the change penalty and IMPOSSIBLE on top.
  // (Raúl, Gómez, océan carry marks other languages use too, and are left alone.)
  const impossible = !known && VIETNAMESE_ONLY.test(obsKey.normalize('NFD')) && !isValidSyllable(obsKey);
  put(impossible ? { id: identityId, form: obsKey, channel: penalty + IMPOSSIBLE } : fixedCandidate(identityId, obsKey));
  const add = (id: number): void => {
    const form = model.symbol(id);
    if (out.has(form)) return;
    const ch = channelLogProb(obsKey, form, params, table) + penalty;
    if (ch > -9) put({ id, form, channel: ch });
  };
  for (const id of forms.slice(0, 16)) add(id);
  // Look-alike rewrites that land exactly on a known base are cheap to try always (pAN → dan → DÂN).
  for (const r of rewrites(base)) for (const id of model.formsOfBase(r).slice(0, 8)) add(id);
  // Look further than the word's own base only for OCR-garbled documents, or for
  // a word that is neither known nor the base of a known word.
  // Also for an accented word the model does not know (an OCR accent: nhén, hoét)
  // and for a base whose commonest form is rare (vin, tae) while the text is not trusted.
  const marked = base !== obsKey;
  const rareBase = forms.length === 0 || model.count(forms[0] as number) < 30;
  // No Vietnamese syllable has more than 7 letters: a longer word is foreign or a name.
  const syllableSized = [...obsKey].length <= 7;
  if (syllableSized && (opts.fuzzy || (!known && (forms.length === 0 || marked)) || (rareBase && opts.trust < 0.5))) {
    const index = baseIndexOf(model);
    const probes = new Set<string>([base]);
    for (const r of rewrites(base)) probes.add(r);
    // Rank neighbour bases cheaply (edit distance, frequency) before the costly alignment.
    // First by edit distance and frequency (cheap), then the best by the base-level channel.
    const rough = new Map<number, number>();
    for (const probe of probes) {
      const maxDist = probe.length <= 2 ? 1 : probe.length <= 4 ? (probe === base ? 2 : 1) : 2;
      const probeCost = probe === base ? 0 : 0.6;
      index.near(probe, maxDist, (i, dist) => {
        const weight = index.weight[i] as number;
        if (index.bases[i] === base || weight !== weight) return; // NaN: no form
        const s = -1.2 * dist - probeCost + weight;
        if (s > (rough.get(i) ?? -Infinity)) rough.set(i, s);
      });
    }
    const shortlist = [...rough.entries()].sort((x, y) => y[1] - x[1]).slice(0, FUZZY_BASES * 2);
    const bTable = baseTable();
    const scored = shortlist.map(([i]): [string, number, number] => {
      const b = index.bases[i] as string;
      const ch = channelLogProb(base, b, params, bTable);
      return [b, ch + (index.weight[i] as number), ch];
    });
    const bestBases = scored.sort((x, y) => y[1] - x[1]).slice(0, FUZZY_BASES);
    for (const [b, , baseChannel] of bestBases) {
      for (const id of model.formsOfBase(b).slice(0, 6)) {
        // An unmarked word is no likelier to come from a marked form than from its
        // base (the base table holds each rule's best over the marked forms), so the
        // base's channel bounds its forms'. Forms go most frequent first: once one
        // cannot be kept, none after it can. This skips the alignment of most forms.
        if (!marked && priorOf(id, baseChannel + penalty) < cutoff()) break;
        add(id);
      }
    }
  }
  const list = [...out.values()];
  const identity = out.get(obsKey);
  list.sort((x, y) => (priors.get(y) as number) - (priors.get(x) as number));
  // Forms far less likely a priori than the best cannot win on context alone.
  const floor = floorOf(priors.get(list[0] as Candidate) as number);
  const kept = list.slice(0, limit).filter((c) => (priors.get(c) as number) >= floor);
  if (identity && !kept.includes(identity)) kept.push(identity);
  return kept;
}

/** Re-export so callers keying candidates use the same normalisation. */
export { normalizeKey };
