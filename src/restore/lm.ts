/**
 * Syllable n-gram language model (interpolated modified Kneser–Ney, pruned,
 * stored in backoff form), loaded from one file into typed-array views.
 * Symbols are lmSymbols() keys: lowercase NFC syllables with 'old' tone placement,
 * <num>, <code>, <s>, </s>; anything outside the vocabulary is <unk>.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { VanbanError } from '../errors.js';
import { baseForm } from './orthography.js';
import {
  BOS_SYMBOL,
  EOS_SYMBOL,
  MAGIC,
  UNK_SYMBOL,
  VERSION,
  dequantizeBackoff,
  dequantizeProb,
  hashKey,
  type ModelHeader,
  type Section,
  type TableHeader,
} from './lm-format.js';

export interface LanguageModel {
  readonly order: number;
  readonly bos: number;
  readonly eos: number;
  readonly unk: number;
  /** Vocabulary id of an lmSymbols() symbol; unk when unknown. */
  id(symbol: string): number;
  symbol(id: number): string;
  /** log10 P(w | last order-1 ids of context). */
  logProb(context: readonly number[], w: number): number;
  /**
   * logProb(context, words[i]) into out[i] for every i: the context's backoff rows
   * are looked up once for all the words (the decoder scores many candidates per history).
   */
  logProbs(context: readonly number[], words: ArrayLike<number>, out: Float64Array): void;
  /**
   * logProbs for several contexts over the same words, as a decoder scores every
   * hypothesis of a position against every candidate: out[k * words.length + i] is
   * log10 P(words[i] | contexts[k]). Contexts ending in the same word share the
   * bigram-level look-ups.
   */
  logProbsMany(contexts: ReadonlyArray<readonly number[]>, words: ArrayLike<number>, out: Float64Array): void;
  /** The words most likely to follow id (its strongest bigrams, best first; symbols like <num> left out). */
  likelyNext(id: number): readonly number[];
  /** Unigram count in the training text. */
  count(id: number): number;
  /** Ids of all vocabulary words whose lowercase baseForm is base, most frequent first. */
  formsOfBase(base: string): readonly number[];
}

/** Extra facts about a loaded model (not needed for decoding). */
export interface ModelInfo {
  readonly vocabSize: number;
  readonly ngramCounts: readonly number[];
  readonly fileBytes: number;
  /** Tone placement most common in training text where a word shows it. */
  readonly preferredToneStyle: 'old' | 'new';
  readonly toneStyle: { old: number; new: number };
  readonly build: Record<string, unknown>;
}

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../dictionaries/vi-lm.bin.gz', import.meta.url));

interface Table {
  /** Slot count, a power of two; the start slot is the hash's top `bits` bits. */
  capacity: number;
  shift: number;
  /** u32 words per slot: lo, [hi,] prob | backoff << 16. */
  stride: number;
  /**
   * The file's table rehashed at load into interleaved slots at most half full. Why:
   * a lookup costs memory latency and probe length, not arithmetic. Interleaving puts
   * a slot's key and values in one cache line (the file keeps them in three or four
   * arrays), and at ≤ 50 % load a miss (most 4-gram probes) ends after ~2.5 slots
   * instead of ~13 at the file's 80 %. The file format is unchanged.
   */
  slots: Uint32Array;
  /**
   * Blocked Bloom filter over the keys (two bits in one 32-bit word, ~10 bits per key,
   * ~4 % false positives), indexed by the hash's low bits. Why: about four probes in
   * five are for n-grams that are not stored (a candidate form in a context never
   * seen), and the 1 MiB filter answers those from cache where the slot array (tens of
   * MiB) costs a trip to memory. Answers are exact: a filter hit still probes.
   */
  filter: Uint32Array;
  filterMask: number;
}

const EMPTY: readonly number[] = Object.freeze([]);
/** How many likely next words likelyNext() keeps per word. */
const LIKELY_NEXT = 8;
/** A bigram-level answer not yet looked up (find() gives -1 or a value ≥ 0). */
const UNKNOWN = -2;

/** The two filter bits of a key's hash (its low ten bits; the word index takes the next ones). */
function filterBits(hash: number): number {
  // Signed, as `&` on a filter word gives: the comparison in find() must not see 2^31 as two values.
  return (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
}

class NgramModel implements LanguageModel {
  readonly order: number;
  readonly bos: number;
  readonly eos: number;
  readonly unk: number;
  readonly info: ModelInfo;
  private readonly vocab: string[];
  private readonly ids: Map<string, number>;
  private readonly counts: Uint32Array;
  private readonly uniProb: Float64Array;
  private readonly uniBackoff: Float64Array;
  /** The n-gram tables of orders 2, 3 and 4 (null where the model is shorter). */
  private readonly t2: Table;
  private readonly t3: Table | null;
  private readonly t4: Table | null;
  private byBase: Map<string, number[]> | null = null;
  /** Dequantization lookup tables. */
  private readonly probOf: Float64Array;
  private readonly boOf: Float64Array;

  constructor(buf: Buffer, file: string) {
    const fail = (why: string): VanbanError =>
      new VanbanError('MODEL', `language model is damaged (${why}); rebuild it with "npm run build:model" or reinstall vanban`, { file });
    if (buf.length < 12 || buf.toString('latin1', 0, 4) !== MAGIC) throw fail('bad magic');
    const version = buf.readUInt32LE(4);
    if (version !== VERSION && version !== 1) throw fail(`format version ${version}, expected ${VERSION}`);
    const headerLen = buf.readUInt32LE(8);
    let header: ModelHeader;
    try {
      header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as ModelHeader;
    } catch (cause) {
      throw new VanbanError('MODEL', 'language model header is not readable; rebuild it with "npm run build:model"', { file, cause });
    }
    // Copy to an aligned ArrayBuffer when the Buffer is a slice of Node's pool.
    const ab = buf.byteOffset % 8 === 0 ? buf.buffer : new Uint8Array(buf).buffer;
    const base = buf.byteOffset % 8 === 0 ? buf.byteOffset : 0;
    const view = <T>(s: Section | undefined, ctor: new (b: ArrayBufferLike, o: number, l: number) => T, size: number): T => {
      if (s === undefined) throw fail('missing section');
      if (s.offset + s.length * size > buf.length) throw fail('truncated file');
      return new ctor(ab, base + s.offset, s.length);
    };
    this.order = header.order;
    const vocabBytes = view(header.vocab, Uint8Array, 1);
    this.vocab = Buffer.from(vocabBytes.buffer, vocabBytes.byteOffset, vocabBytes.length).toString('utf8').split('\n');
    if (this.vocab.length !== header.vocabSize) throw fail('vocabulary size mismatch');
    this.ids = new Map(this.vocab.map((s, i) => [s, i]));
    // A copy, so that no view keeps the file buffer alive once the tables are rehashed.
    this.counts = view(header.counts, Uint32Array, 4).slice();
    const uq = view(header.uniProb, Uint16Array, 2);
    const ub = view(header.uniBackoff, Uint16Array, 2);
    this.uniProb = Float64Array.from(uq, dequantizeProb);
    this.uniBackoff = Float64Array.from(ub, dequantizeBackoff);
    this.probOf = new Float64Array(65536);
    this.boOf = new Float64Array(65536);
    for (let q = 0; q < 65536; q++) {
      this.probOf[q] = dequantizeProb(q);
      this.boOf[q] = dequantizeBackoff(q);
    }
    const table = (order: number): Table | null => {
      const t = header.tables.find((h) => h.order === order);
      return t === undefined ? null : this.openTable(t, view);
    };
    const t2 = table(2);
    if (t2 === null) throw fail('no bigram table');
    this.t2 = t2;
    this.t3 = table(3);
    this.t4 = table(4);
    const need = (s: string): number => {
      const id = this.ids.get(s);
      if (id === undefined) throw fail(`no ${s} symbol`);
      return id;
    };
    this.bos = need(BOS_SYMBOL);
    this.eos = need(EOS_SYMBOL);
    this.unk = need(UNK_SYMBOL);
    this.info = {
      vocabSize: header.vocabSize,
      ngramCounts: [header.vocabSize, ...header.tables.map((t) => t.count)],
      fileBytes: buf.length,
      preferredToneStyle: header.toneStyle.new > header.toneStyle.old ? 'new' : 'old',
      toneStyle: header.toneStyle,
      build: header.build,
    };
  }

  private openTable(
    t: TableHeader,
    view: <T>(s: Section | undefined, ctor: new (b: ArrayBufferLike, o: number, l: number) => T, size: number) => T,
  ): Table {
    const lo = view(t.lo, Uint32Array, 4);
    const hi = t.hi === undefined ? null : t.hi.type === 'u16' ? view(t.hi, Uint16Array, 2) : view(t.hi, Uint32Array, 4);
    const prob = view(t.prob, Uint16Array, 2);
    const backoff = t.backoff === undefined ? null : view(t.backoff, Uint16Array, 2);
    const stride = hi === null ? 2 : 3;
    let bits = 4;
    while (1 << bits < t.count * 2) bits++;
    const capacity = 2 ** bits;
    const shift = 32 - bits;
    const slots = new Uint32Array(capacity * stride);
    const last = stride - 1;
    let words = 1024;
    while (words * 32 < t.count * 10) words *= 2;
    const filter = new Uint32Array(words);
    const filterMask = words - 1;
    for (let j = 0; j < t.capacity; j++) {
      const p = prob[j]!;
      if (p === 0) continue;
      const l = lo[j]!;
      const h = hi === null ? 0 : hi[j]!;
      const hash = hashKey(l, h);
      filter[(hash >>> 10) & filterMask]! |= filterBits(hash);
      let b = (hash >>> shift) * stride;
      while (slots[b + last] !== 0) {
        b += stride;
        if (b === slots.length) b = 0;
      }
      slots[b] = l;
      if (hi !== null) slots[b + 1] = h;
      slots[b + last] = (p | ((backoff === null ? 0 : backoff[j]!) << 16)) >>> 0;
    }
    return { capacity, shift, stride, slots, filter, filterMask };
  }

  id(symbol: string): number {
    return this.ids.get(symbol) ?? this.unk;
  }
  symbol(id: number): string {
    return this.vocab[id] ?? UNK_SYMBOL;
  }
  count(id: number): number {
    return this.counts[id] ?? 0;
  }

  /** Last word (prob | backoff << 16) of the slot holding key (lo, hi) in table t, or -1. */
  private find(t: Table, lo: number, hi: number): number {
    const hash = hashKey(lo, hi);
    const bits = filterBits(hash);
    if ((t.filter[(hash >>> 10) & t.filterMask]! & bits) !== bits) return -1;
    const { slots, stride } = t;
    const end = slots.length;
    let b = (hash >>> t.shift) * stride;
    const last = stride - 1;
    for (;;) {
      const pb = slots[b + last]!;
      if ((pb & 0xffff) === 0) return -1;
      if (slots[b] === lo && (last === 1 || slots[b + 1] === hi)) return pb;
      b += stride;
      if (b === end) b = 0;
    }
  }

  // Context state of the last prepare(): which longer orders can match and their backoffs.
  private cLen = 0;
  private h1 = 0;
  private h2 = 0;
  private h3 = 0;
  private has4 = false;
  private has3 = false;
  private bo4 = 0;
  private bo3 = 0;
  private bo2 = 0;

  /**
   * Looks up the context's backoff rows once. The builder keeps every prefix of a kept
   * n-gram, so an unstored context (weight 1) means no n-gram extends it: the probe of
   * that order is skipped for every word.
   */
  private prepare(context: readonly number[]): void {
    const len = context.length;
    const maxN = Math.min(this.order, len + 1);
    this.cLen = len;
    this.h1 = len >= 1 ? context[len - 1]! : 0;
    this.h2 = len >= 2 ? context[len - 2]! : 0;
    this.h3 = len >= 3 ? context[len - 3]! : 0;
    this.has4 = false;
    this.has3 = false;
    const clo = ((this.h2 << 16) | this.h1) >>> 0;
    if (maxN >= 4) {
      const pb = this.find(this.t3!, clo, this.h3);
      if (pb >= 0) {
        this.has4 = true;
        this.bo4 = this.boOf[pb >>> 16]!;
      }
    }
    if (maxN >= 3) {
      const pb = this.find(this.t2, clo, 0);
      if (pb >= 0) {
        this.has3 = true;
        this.bo3 = this.boOf[pb >>> 16]!;
      }
    }
    this.bo2 = maxN >= 2 ? (this.uniBackoff[this.h1] ?? 0) : 0;
  }

  /**
   * log10 P(w | prepared context): longest match first, each miss adds the context's backoff.
   * With memoAt ≥ 0 the bigram level is taken from (or saved to) bigramRows[memoAt].
   */
  private scoreWord(w: number, memoAt = -1): number {
    const lo = ((this.h1 << 16) | w) >>> 0;
    let acc = 0;
    if (this.has4) {
      const pb = this.find(this.t4!, lo, ((this.h3 << 16) | this.h2) >>> 0);
      if (pb >= 0) return this.probOf[pb & 0xffff]!;
      acc += this.bo4;
    }
    if (this.has3) {
      const pb = this.find(this.t3!, lo, this.h2);
      if (pb >= 0) return acc + this.probOf[pb & 0xffff]!;
      acc += this.bo3;
    }
    if (this.cLen >= 1 && this.order >= 2) {
      let pb = memoAt < 0 ? this.find(this.t2, lo, 0) : this.bigramRows[memoAt]!;
      if (pb === UNKNOWN) this.bigramRows[memoAt] = pb = this.find(this.t2, lo, 0);
      if (pb >= 0) return acc + this.probOf[pb & 0xffff]!;
      acc += this.bo2;
    }
    return acc + (this.uniProb[w] ?? this.uniProb[this.unk]!);
  }

  logProb(context: readonly number[], w: number): number {
    this.prepare(context);
    return this.scoreWord(w);
  }

  logProbs(context: readonly number[], words: ArrayLike<number>, out: Float64Array): void {
    this.prepare(context);
    const n = words.length;
    for (let i = 0; i < n; i++) out[i] = this.scoreWord(words[i]!);
  }

  /** Bigram-level answers (find() results; UNKNOWN until asked) per distinct h1 of a logProbsMany call. */
  private bigramRows = new Float64Array(256);
  private readonly rowH1: number[] = [];

  logProbsMany(contexts: ReadonlyArray<readonly number[]>, words: ArrayLike<number>, out: Float64Array): void {
    const n = words.length;
    const rowH1 = this.rowH1;
    rowH1.length = 0;
    for (let k = 0; k < contexts.length; k++) {
      this.prepare(contexts[k]!);
      if (this.cLen === 0 || this.order < 2) {
        for (let i = 0; i < n; i++) out[k * n + i] = this.scoreWord(words[i]!);
        continue;
      }
      let r = rowH1.indexOf(this.h1);
      if (r < 0) {
        r = rowH1.push(this.h1) - 1;
        if (this.bigramRows.length < (r + 1) * n) {
          const grown = new Float64Array(Math.max((r + 1) * n, this.bigramRows.length * 2));
          grown.set(this.bigramRows);
          this.bigramRows = grown;
        }
        this.bigramRows.fill(UNKNOWN, r * n, (r + 1) * n);
      }
      for (let i = 0; i < n; i++) out[k * n + i] = this.scoreWord(words[i]!, r * n + i);
    }
  }

  private nextTop: number[][] | null = null;

  likelyNext(id: number): readonly number[] {
    if (this.nextTop === null) {
      // From the bigram slots: per first word, the LIKELY_NEXT second words of best (lowest) quantized prob.
      const top: number[][] = Array.from({ length: this.vocab.length }, () => []);
      const q: number[][] = Array.from({ length: this.vocab.length }, () => []);
      const { slots, stride } = this.t2;
      for (let b = 0; b < slots.length; b += stride) {
        const pq = slots[b + stride - 1]! & 0xffff;
        if (pq === 0) continue;
        const h = slots[b]! >>> 16;
        const w = slots[b]! & 0xffff;
        if (this.vocab[w]?.startsWith('<') !== false) continue;
        const tw = top[h];
        const tq = q[h];
        if (tw === undefined || tq === undefined) continue;
        if (tw.length === LIKELY_NEXT && pq >= tq[LIKELY_NEXT - 1]!) continue;
        let i = tw.length;
        while (i > 0 && tq[i - 1]! > pq) i--;
        tw.splice(i, 0, w);
        tq.splice(i, 0, pq);
        if (tw.length > LIKELY_NEXT) {
          tw.pop();
          tq.pop();
        }
      }
      this.nextTop = top;
    }
    return this.nextTop[id] ?? EMPTY;
  }

  formsOfBase(base: string): readonly number[] {
    if (this.byBase === null) {
      const m = new Map<string, number[]>();
      this.vocab.forEach((s, i) => {
        if (s.startsWith('<')) return;
        const b = baseForm(s).toLowerCase();
        let list = m.get(b);
        if (list === undefined) m.set(b, (list = []));
        list.push(i);
      });
      for (const list of m.values()) list.sort((a, b) => this.counts[b]! - this.counts[a]! || a - b);
      this.byBase = m;
    }
    return this.byBase.get(base) ?? EMPTY;
  }
}

/** Load a model file (default: dictionaries/vi-lm.bin.gz; plain or gzip). */
export function loadModel(path: string = DEFAULT_MODEL_PATH): LanguageModel & { readonly info: ModelInfo } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (cause) {
    throw new VanbanError('MODEL', 'language model file is missing or unreadable; reinstall vanban or run "npm run build:model"', {
      file: path,
      cause,
    });
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (cause) {
      throw new VanbanError('MODEL', 'language model file is a damaged gzip; rebuild it with "npm run build:model"', { file: path, cause });
    }
  }
  return new NgramModel(buf, path);
}

let shared: (LanguageModel & { readonly info: ModelInfo }) | null = null;

/** The default model, loaded once per process. */
export function getModel(): LanguageModel & { readonly info: ModelInfo } {
  shared ??= loadModel();
  return shared;
}
