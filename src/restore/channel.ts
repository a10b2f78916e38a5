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
 * [observed, true, log10 P]. Observed chunks are lowercase.
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
  ['cc', 'các', -1.6], ['b', 'bộ', -1.6], ['dn', 'đến', -1.8], ['', 'ộ', -1.6],
];

const LEARNED_PATH = fileURLToPath(new URL('../../dictionaries/confusions.json', import.meta.url));

let cachedTable: ConfusionTable | undefined;

/** The confusion table: learned entries (dictionaries/confusions.json) merged with the hand list (best of the two). */
export function getConfusions(): ConfusionTable {
  if (cachedTable) return cachedTable;
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
  for (const [obs, truth, p] of HAND) {
    const key = `${obs}\t${truth}`;
    table.set(key, Math.max(p, table.get(key) ?? -Infinity));
  }
  cachedTable = table;
  return table;
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
  return learned !== undefined ? Math.max(cost, learned - 1.5 * trust) : cost;
}

const charMemo = new Map<string, number>();
function charCost(o: string, t: string, table: ConfusionTable, trust: number): number {
  if (o === t) return 0;
  const k = `${o}${t}${trust}`;
  let c = charMemo.get(k);
  if (c === undefined) {
    c = charCostRaw(o, t, table, trust);
    if (charMemo.size > 100_000) charMemo.clear();
    charMemo.set(k, c);
  }
  return c;
}

/** Chunk rules grouped by observed chunk, for the alignment's inner loop. */
const chunkIndex = new WeakMap<ConfusionTable, Map<string, Map<string, number>>>();
function chunksByObs(table: ConfusionTable): Map<string, Map<string, number>> {
  const hit = chunkIndex.get(table);
  if (hit) return hit;
  const byObs = new Map<string, Map<string, number>>();
  for (const [key, p] of table) {
    const [obs = '', truth = ''] = key.split('\t');
    if ([...obs].length + [...truth].length < 2 || ([...obs].length === 1 && [...truth].length === 1)) continue;
    let m = byObs.get(obs);
    if (!m) byObs.set(obs, (m = new Map()));
    m.set(truth, p);
  }
  chunkIndex.set(table, byObs);
  return byObs;
}

/**
 * log10 P(obs | truth) by a weighted alignment with the confusion table's chunks
 * (up to 3 chars each side). Both lowercase NFC.
 */
export function channelLogProb(obs: string, truth: string, params: ChannelParams, table: ConfusionTable = getConfusions()): number {
  if (obs === truth) return 0;
  const trust = params.trust;
  const a = [...obs];
  const b = [...truth];
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
      sum += charCost(o, t, table, trust);
    }
    if (sameLetters) return sum;
  }
  const byObs = chunksByObs(table);
  const w = m + 1;
  const dp = new Float64Array((n + 1) * w).fill(-Infinity);
  dp[0] = 0;
  // Observed chunks starting at each i (up to 3 chars) that have rules.
  const obsRules: Array<Array<[number, Map<string, number>]>> = [];
  for (let i = 0; i <= n; i++) {
    const list: Array<[number, Map<string, number>]> = [];
    for (let p = 0; p <= 3 && i + p <= n; p++) {
      const r = byObs.get(p ? a.slice(i, i + p).join('') : '');
      if (r) list.push([p, r]);
    }
    obsRules.push(list);
  }
  const truthSub: string[][] = [];
  for (let j = 0; j <= m; j++) {
    const row: string[] = [];
    for (let q = 0; q <= 3 && j + q <= m; q++) row.push(b.slice(j, j + q).join(''));
    truthSub.push(row);
  }
  const chunkShift = -1.5 * trust;
  for (let i = 0; i <= n; i++) {
    const rules = obsRules[i] as Array<[number, Map<string, number>]>;
    for (let j = 0; j <= m; j++) {
      const cur = dp[i * w + j] as number;
      if (cur === -Infinity) continue;
      if (i < n && j < m) {
        const v = cur + charCost(a[i] as string, b[j] as string, table, trust);
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
      const subs = truthSub[j] as string[];
      for (const [p, r] of rules) {
        for (let q = 0; q < subs.length; q++) {
          if (p + q < 2 || (p === 1 && q === 1)) continue;
          const c = r.get(subs[q] as string);
          if (c === undefined) continue;
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

/** Penalty for choosing anything but the observed word, by trust in the input. */
export function changePenalty(trust: number): number {
  return -(0.15 + 2.2 * trust);
}

/** Index of the model's syllable bases for fuzzy look-up (symmetric deletes, distance ≤ 2). */
class BaseIndex {
  readonly bases: string[] = [];
  private readonly deletes = new Map<string, number[]>();
  constructor(bases: Iterable<string>) {
    for (const base of bases) {
      const idx = this.bases.length;
      this.bases.push(base);
      for (const d of deletions(base, 2)) {
        const list = this.deletes.get(d);
        if (list) list.push(idx);
        else this.deletes.set(d, [idx]);
      }
    }
  }
  /** Bases within Levenshtein distance maxDist of s. */
  near(s: string, maxDist: number): string[] {
    const seen = new Set<number>();
    const out: string[] = [];
    for (const d of deletions(s, maxDist)) {
      for (const idx of this.deletes.get(d) ?? []) {
        if (seen.has(idx)) continue;
        seen.add(idx);
        const base = this.bases[idx] ?? '';
        if (distance(s, base) <= maxDist) out.push(base);
      }
    }
    return out;
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
  idx = new BaseIndex(bases);
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
  const out = new Map<string, Candidate>();
  const identityId = model.id(obsKey);
  out.set(obsKey, { id: identityId, form: obsKey, channel: 0 });
  const add = (id: number, extra: number): void => {
    const form = model.symbol(id);
    if (out.has(form)) return;
    const ch = channelLogProb(obsKey, form, params, table) + penalty + extra;
    if (ch > -9) out.set(form, { id, form, channel: ch });
  };
  const base = baseForm(obsKey);
  for (const id of model.formsOfBase(base).slice(0, 16)) add(id, 0);
  const known = identityId !== model.unk && model.count(identityId) >= 3;
  // Look-alike rewrites that land exactly on a known base are cheap to try always (pAN → dan → DÂN).
  for (const r of rewrites(base)) for (const id of model.formsOfBase(r).slice(0, 8)) add(id, 0);
  // Look further than the word's own base only for OCR-garbled documents, or for
  // a word that is neither known nor the base of a known word.
  // Also for an accented word the model does not know (an OCR accent: nhén, hoét)
  // and for a base whose commonest form is rare (vin, tae) while the text is not trusted.
  const forms = model.formsOfBase(base);
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
    const rough = new Map<string, number>();
    for (const probe of probes) {
      const maxDist = probe.length <= 2 ? 1 : probe.length <= 4 ? (probe === base ? 2 : 1) : 2;
      const probeCost = probe === base ? 0 : 0.6;
      for (const b of index.near(probe, maxDist)) {
        if (b === base) continue;
        const top = model.formsOfBase(b)[0];
        if (top === undefined) continue;
        const s = -1.2 * distance(probe, b) - probeCost + 0.3 * Math.log10(model.count(top) + 1);
        if (s > (rough.get(b) ?? -Infinity)) rough.set(b, s);
      }
    }
    const shortlist = [...rough.entries()].sort((x, y) => y[1] - x[1]).slice(0, FUZZY_BASES * 2);
    const bTable = baseTable();
    const scored = shortlist.map(([b]): [string, number] => {
      const top = model.formsOfBase(b)[0] as number;
      return [b, channelLogProb(base, b, params, bTable) + 0.3 * Math.log10(model.count(top) + 1)];
    });
    const bestBases = scored.sort((x, y) => y[1] - x[1]).slice(0, FUZZY_BASES);
    for (const [b] of bestBases) for (const id of model.formsOfBase(b).slice(0, 6)) add(id, 0);
  }
  const list = [...out.values()];
  // A garbled word (neither known nor a known word's base) gets a wider net.
  const garbled = !known && model.formsOfBase(base).length === 0;
  const limit = opts.maxCandidates + (opts.fuzzy ? 6 : 0) + (garbled ? 4 : 0);
  const identity = out.get(obsKey);
  // Keep the best by channel plus a little unigram prior, and always the identity.
  // The unk id's count is the mass of all unknown words: an unknown identity has no prior.
  const prior = (c: Candidate): number => c.channel + 0.35 * Math.log10((c.id === model.unk ? 0 : model.count(c.id)) + 1);
  list.sort((x, y) => prior(y) - prior(x));
  // Forms far less likely a priori than the best cannot win on context alone.
  const bestPrior = list.length ? prior(list[0] as Candidate) : 0;
  // (Not for a garbled word: its true form may need several edits.)
  // In trusted text every alternative carries the change penalty; widen the window
  // by as much, or a one-mark OCR slip (Tố ← Tổ) would never reach the LM.
  const floor = garbled ? -Infinity : bestPrior - PRIOR_DELTA - 3 * opts.trust + changePenalty(opts.trust);
  const kept = list.slice(0, limit).filter((c) => prior(c) >= floor);
  if (identity && !kept.includes(identity)) kept.push(identity);
  return kept;
}

/** Re-export so callers keying candidates use the same normalisation. */
export { normalizeKey };
