/**
 * Binary layout of the n-gram model, shared by the builder and the loader.
 *
 * File: "VNLM" | u32 version | u32 header length | header JSON (UTF-8) | zero pad to 8 |
 * sections at the byte offsets the header names (each 8-aligned, little-endian).
 * Vocabulary ids are < 2^16. Order-1 data are arrays indexed by id; order n ≥ 2
 * is an open-addressing hash (linear probing, ~80 % full, start slot by
 * multiply-shift so any capacity works) whose key is
 * the n ids packed as lo = (w[n-2] << 16 | w[n-1]) and hi = (w[n-4] << 16 | w[n-3]);
 * an empty slot has prob 0.
 */

export const MAGIC = 'VNLM';
export const VERSION = 2;

/** log10 probabilities are stored as 1 + round(-lp / PROB_RANGE · 65534) in a Uint16 (0 = empty slot). */
export const PROB_RANGE = 12;
/** log10 backoff weights are stored as round((b - BO_MIN) / (BO_MAX - BO_MIN) · 65535). */
export const BO_MIN = -10;
export const BO_MAX = 5;

export const BOS_SYMBOL = '<s>';
export const EOS_SYMBOL = '</s>';
export const UNK_SYMBOL = '<unk>';

export interface Section {
  offset: number;
  /** Element count. */
  length: number;
  type: 'u8' | 'u16' | 'u32' | 'f32';
}

export interface TableHeader {
  order: number;
  /** Stored n-grams. */
  count: number;
  capacity: number;
  lo: Section;
  hi?: Section;
  prob: Section;
  backoff?: Section;
}

export interface ModelHeader {
  order: number;
  vocabSize: number;
  /** '\n'-joined vocabulary, id order. */
  vocab: Section;
  /** Unigram counts (raw, training data). */
  counts: Section;
  /** Order-1 log10 prob and backoff, by id. */
  uniProb: Section;
  uniBackoff: Section;
  tables: TableHeader[];
  /** How often the training text put tone marks the old (hòa) and new (hoà) way. */
  toneStyle: { old: number; new: number };
  /** Free-form build facts (corpus, counts, cutoffs, discounts, perplexities). */
  build: Record<string, unknown>;
}

export function quantizeProb(lp: number): number {
  const v = Math.round((-lp / PROB_RANGE) * 65534);
  return 1 + Math.min(65534, Math.max(0, v));
}
export function dequantizeProb(q: number): number {
  return (-(q - 1) * PROB_RANGE) / 65534;
}
export function quantizeBackoff(b: number): number {
  const v = Math.round(((b - BO_MIN) / (BO_MAX - BO_MIN)) * 65535);
  return Math.min(65535, Math.max(0, v));
}
export function dequantizeBackoff(q: number): number {
  return BO_MIN + (q / 65535) * (BO_MAX - BO_MIN);
}

/** Hash of a packed key; callers mask it to the table capacity. */
export function hashKey(lo: number, hi: number): number {
  let h = Math.imul(lo ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** Packs ids[from..from+n) (n ≤ 4) into [lo, hi]. */
export function packKey(ids: ArrayLike<number>, from: number, n: number): [number, number] {
  let lo = 0;
  let hi = 0;
  const last = from + n - 1;
  lo = ids[last]! | 0;
  if (n >= 2) lo = ((ids[last - 1]! << 16) | lo) >>> 0;
  if (n >= 3) hi = ids[last - 2]! | 0;
  if (n >= 4) hi = ((ids[last - 3]! << 16) | hi) >>> 0;
  return [lo, hi];
}

/** Table size for `count` keys: ~80 % full keeps probe runs short and the file small. */
export function capacityFor(count: number): number {
  return Math.max(16, Math.ceil(count / 0.8) + 1);
}

/** First probe slot of a hash in a table of `capacity` slots (exact in doubles: < 2^52). */
export function startSlot(hash: number, capacity: number): number {
  return Math.floor(((hash >>> 8) * capacity) / 16777216);
}
