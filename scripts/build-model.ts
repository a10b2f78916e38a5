/**
 * Builds dictionaries/vi-lm.bin.gz (syllable n-gram LM, interpolated modified Kneser–Ney,
 * count-pruned with renormalised backoffs) and dictionaries/syllables.tsv from the
 * training split of ../shared/corpus. Deterministic: same corpus → same bytes.
 *
 *   npm run build:model [-- --order 4 --cut 1,1,2,3 --out dictionaries/vi-lm.bin.gz
 *                          --syllables-out dictionaries/syllables.tsv --cache /tmp/vnlm-cache]
 *
 * --cut gives, per order 1..N, the minimum Kneser–Ney adjusted count (continuation count,
 * raw count for the highest order and <s>-initial n-grams) an n-gram needs to be kept;
 * the order-1 entry is unused (vocabulary: --min-syllable 2, --min-other 8).
 * The corpus root is ../shared/corpus or $VANBAN_CORPUS.
 */
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusAvailable, corpusFiles, defaultCorpusRoot, splitLines, type CorpusDomain } from './lib/corpus.js';
import { loadModel } from '../src/restore/lm.js';
import {
  BOS_SYMBOL,
  EOS_SYMBOL,
  MAGIC,
  PROB_RANGE,
  UNK_SYMBOL,
  VERSION,
  capacityFor,
  hashKey,
  packKey,
  startSlot,
  quantizeBackoff,
  quantizeProb,
  type ModelHeader,
  type Section,
  type TableHeader,
} from '../src/restore/lm-format.js';
import { detectToneStyle, isValidSyllable, normalizeKey, type ToneStyle } from '../src/restore/orthography.js';
import { CODE, NUM, lmSymbolsAligned, tokenize } from '../src/restore/tokenize.js';

// ---------- options ----------
const args = process.argv.slice(2);
function opt(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
}
const ORDER = Number(opt('order', '4'));
const CUTS = opt('cut', ORDER === 3 ? '1,1,2' : '1,1,2,3').split(',').map(Number);
const MIN_SYLLABLE = Number(opt('min-syllable', '2'));
const MIN_OTHER = Number(opt('min-other', '8'));
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(REPO, opt('out', 'dictionaries/vi-lm.bin.gz'));
const SYLLABLES_OUT = resolve(REPO, opt('syllables-out', 'dictionaries/syllables.tsv'));
if (!(ORDER >= 2 && ORDER <= 4) || CUTS.length !== ORDER) {
  console.error('--order must be 2..4 and --cut must list one cutoff per order');
  process.exit(2);
}
if (!corpusAvailable()) {
  console.error(`corpus not found at ${defaultCorpusRoot()} (set VANBAN_CORPUS)`);
  process.exit(2);
}
const t0 = Date.now();
const log = (msg: string): void => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

// ---------- 1. read training text into a stream of provisional ids ----------
const SPECIALS = [UNK_SYMBOL, BOS_SYMBOL, EOS_SYMBOL, NUM, CODE];
const tempIds = new Map<string, number>();
const tempSyms: string[] = [];
const tempCounts: number[] = [];
const styleCounts = new Map<string, [number, number]>();
const intern = (s: string): number => {
  let id = tempIds.get(s);
  if (id === undefined) {
    id = tempSyms.length;
    tempIds.set(s, id);
    tempSyms.push(s);
    tempCounts.push(0);
  }
  tempCounts[id]!++;
  return id;
};
for (const s of SPECIALS) tempCounts[intern(s)] = 0;

class IntStream {
  chunks: Int32Array[] = [];
  cur = new Int32Array(1 << 20);
  n = 0;
  length = 0;
  push(v: number): void {
    if (this.n === this.cur.length) {
      this.chunks.push(this.cur);
      this.cur = new Int32Array(1 << 20);
      this.n = 0;
    }
    this.cur[this.n++] = v;
    this.length++;
  }
  toArray(): Int32Array {
    const out = new Int32Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    out.set(this.cur.subarray(0, this.n), at);
    return out;
  }
}
const domainTokens: Record<CorpusDomain, number> = { admin: 0, general: 0 };
let styleOld = 0;
let styleNew = 0;
/** Tokenizing the corpus is most of the build time; --cache DIR keeps the result between builds. */
const CACHE = opt('cache', '');
let raw: Int32Array;
if (CACHE && existsSync(join(CACHE, 'stream.bin'))) {
  const meta = JSON.parse(readFileSync(join(CACHE, 'stream.json'), 'utf8')) as {
    syms: string[]; counts: number[]; styles: Array<[string, [number, number]]>; domainTokens: Record<CorpusDomain, number>; old: number; new: number;
  };
  tempSyms.length = 0;
  tempIds.clear();
  meta.syms.forEach((s, i) => (tempSyms.push(s), tempIds.set(s, i)));
  tempCounts.length = 0;
  tempCounts.push(...meta.counts);
  for (const [k, v] of meta.styles) styleCounts.set(k, v);
  Object.assign(domainTokens, meta.domainTokens);
  styleOld = meta.old;
  styleNew = meta.new;
  const b = readFileSync(join(CACHE, 'stream.bin'));
  raw = new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  log(`read the tokenized corpus from ${CACHE}`);
} else {
  const stream = new IntStream();
  const styleOf = new Map<string, ToneStyle | null>();
  for (const file of corpusFiles('all')) {
    let lines = 0;
    for (const line of splitLines(file, 'train')) {
      lines++;
      const tokens = tokenize(line);
      for (const t of tokens) {
        if (t.kind !== 'word') continue;
        let st = styleOf.get(t.text);
        if (st === undefined) styleOf.set(t.text, (st = detectToneStyle(t.text)));
        if (st === null) continue;
        const key = normalizeKey(t.text);
        let c = styleCounts.get(key);
        if (c === undefined) styleCounts.set(key, (c = [0, 0]));
        if (st === 'old') (c[0]++, styleOld++);
        else (c[1]++, styleNew++);
      }
      const { symbols } = lmSymbolsAligned(tokens);
      for (const s of symbols) stream.push(intern(s));
      domainTokens[file.domain] += symbols.length;
    }
    log(`read ${file.domain}/${file.name}: ${lines} training lines`);
  }
  raw = stream.toArray();
  if (CACHE) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(join(CACHE, 'stream.bin'), raw);
    writeFileSync(join(CACHE, 'stream.json'), JSON.stringify({ syms: tempSyms, counts: tempCounts, styles: [...styleCounts], domainTokens, old: styleOld, new: styleNew }));
  }
}
log(`${raw.length} symbols, ${tempSyms.length} distinct`);

// ---------- 2. vocabulary ----------
const order = tempSyms
  .map((s, i) => i)
  .filter((i) => !SPECIALS.includes(tempSyms[i]!))
  .filter((i) => {
    const s = tempSyms[i]!;
    const c = tempCounts[i]!;
    return isValidSyllable(s) ? c >= MIN_SYLLABLE : c >= MIN_OTHER;
  })
  .sort((a, b) => tempCounts[b]! - tempCounts[a]! || (tempSyms[a]! < tempSyms[b]! ? -1 : 1))
  .slice(0, 65536 - SPECIALS.length);
const vocab = [...SPECIALS, ...order.map((i) => tempSyms[i]!)];
const V = vocab.length;
const remap = new Int32Array(tempSyms.length).fill(0); // 0 = <unk>
SPECIALS.forEach((s, i) => (remap[tempIds.get(s)!] = i));
order.forEach((t, i) => (remap[t] = SPECIALS.length + i));
const ids = new Uint16Array(raw.length);
const unigramCount = new Uint32Array(V);
for (let i = 0; i < raw.length; i++) {
  const id = remap[raw[i]!]!;
  ids[i] = id;
  unigramCount[id]!++;
}
const BOS = 1;
const EOS = 2;
log(`vocabulary ${V} (OOV tokens → <unk>: ${unigramCount[0]})`);

// ---------- 3. counts ----------
/** Open-addressing counter keyed by up to four 16-bit ids packed in (lo, hi). */
class KeyTable {
  mask: number;
  lo: Uint32Array;
  hi: Uint32Array;
  val: Uint32Array;
  size = 0;
  constructor(cap = 1 << 16) {
    this.mask = cap - 1;
    this.lo = new Uint32Array(cap);
    this.hi = new Uint32Array(cap);
    this.val = new Uint32Array(cap);
  }
  get capacity(): number {
    return this.mask + 1;
  }
  slot(lo: number, hi: number): number {
    let i = hashKey(lo, hi) & this.mask;
    while (this.val[i] !== 0 && (this.lo[i] !== lo || this.hi[i] !== hi)) i = (i + 1) & this.mask;
    return i;
  }
  find(lo: number, hi: number): number {
    const i = this.slot(lo, hi);
    return this.val[i] === 0 ? -1 : i;
  }
  add(lo: number, hi: number, inc: number): void {
    if ((this.size + 1) * 4 > this.capacity * 3) this.grow();
    const i = this.slot(lo, hi);
    if (this.val[i] === 0) {
      this.size++;
      this.lo[i] = lo;
      this.hi[i] = hi;
    }
    this.val[i]! += inc;
  }
  set(lo: number, hi: number, v: number): void {
    if ((this.size + 1) * 4 > this.capacity * 3) this.grow();
    const i = this.slot(lo, hi);
    if (this.val[i] === 0) {
      this.size++;
      this.lo[i] = lo;
      this.hi[i] = hi;
    }
    this.val[i] = v;
  }
  private grow(): void {
    const { lo, hi, val } = this;
    const cap = this.capacity * 2;
    this.mask = cap - 1;
    this.lo = new Uint32Array(cap);
    this.hi = new Uint32Array(cap);
    this.val = new Uint32Array(cap);
    for (let j = 0; j < val.length; j++) {
      if (val[j] === 0) continue;
      const i = this.slot(lo[j]!, hi[j]!);
      this.lo[i] = lo[j]!;
      this.hi[i] = hi[j]!;
      this.val[i] = val[j]!;
    }
  }
}

/** Key helpers for an n-gram (n ≥ 2) packed as in lm-format (packKey). */
/** Drop the first id of an order-n key → order n-1 key (n ≥ 3). */
function suffixKey(n: number, lo: number, hi: number): [number, number] {
  return n === 3 ? [lo, 0] : [lo, hi & 0xffff];
}
/** Drop the last id of an order-n key → order n-1 key (n ≥ 3). */
function prefixKey(n: number, lo: number, hi: number): [number, number] {
  return n === 3 ? [((hi << 16) | (lo >>> 16)) >>> 0, 0] : [(((hi & 0xffff) << 16) | (lo >>> 16)) >>> 0, hi >>> 16];
}

const tables: KeyTable[] = []; // tables[n], n ≥ 2
const startTables: KeyTable[] = []; // raw counts of <s>-initial n-grams, n < ORDER
for (let n = 2; n <= ORDER; n++) tables[n] = new KeyTable(1 << 20);
for (let n = 2; n < ORDER; n++) startTables[n] = new KeyTable(1 << 16);
{
  let s = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === BOS) {
      s = i;
      continue;
    }
    const len = i - s + 1;
    if (len >= ORDER) {
      const [lo, hi] = packKey(ids, i - ORDER + 1, ORDER);
      tables[ORDER]!.add(lo, hi, 1);
    } else if (len >= 2) {
      const [lo, hi] = packKey(ids, s, len);
      startTables[len]!.add(lo, hi, 1);
    }
  }
}
log(`${ORDER}-grams: ${tables[ORDER]!.size}`);
// Lower orders: continuation counts (distinct left extensions), raw counts for <s>-initial n-grams.
const uniAdj = new Float64Array(V);
for (let n = ORDER - 1; n >= 1; n--) {
  const upper = tables[n + 1]!;
  if (n + 1 < ORDER) {
    const st = startTables[n + 1]!;
    for (let j = 0; j < st.capacity; j++) if (st.val[j] !== 0) upper.set(st.lo[j]!, st.hi[j]!, st.val[j]!);
  }
  for (let j = 0; j < upper.capacity; j++) {
    if (upper.val[j] === 0) continue;
    if (n === 1) uniAdj[upper.lo[j]! & 0xffff]!++;
    else {
      const [lo, hi] = suffixKey(n + 1, upper.lo[j]!, upper.hi[j]!);
      tables[n]!.add(lo, hi, 1);
    }
  }
  if (n >= 2) log(`${n}-grams: ${tables[n]!.size + (n < ORDER ? startTables[n]!.size : 0)}`);
}
// <s>-initial bigrams were merged into tables[2] above when n = 1.

// ---------- 4. discounts ----------
function discounts(values: Iterable<number>): [number, number, number] {
  const nn = [0, 0, 0, 0, 0];
  for (const v of values) if (v >= 1 && v <= 4) nn[v]!++;
  const [, n1, n2, n3, n4] = nn as [number, number, number, number, number];
  const Y = n1 / (n1 + 2 * n2);
  const d = [1 - 2 * Y * (n2 / n1), 2 - 3 * Y * (n3 / n2), 3 - 4 * Y * (n4 / n3)];
  return d.map((x, i) => (Number.isFinite(x) && x > 0 ? Math.min(x, i + 1) : 0.5 * (i + 1))) as [number, number, number];
}
function* tableValues(t: KeyTable): Generator<number> {
  for (let j = 0; j < t.capacity; j++) if (t.val[j] !== 0) yield t.val[j]!;
}
const D: Array<[number, number, number]> = [];
D[1] = discounts((function* () { for (let w = 0; w < V; w++) if (w !== BOS) yield Math.round(uniAdj[w]!); })());
for (let n = 2; n <= ORDER; n++) D[n] = discounts(tableValues(tables[n]!));
const disc = (n: number, a: number): number => (a >= 3 ? D[n]![2] : a === 2 ? D[n]![1] : D[n]![0]);
log(`discounts ${D.slice(1).map((d) => d.map((x) => x.toFixed(3)).join('/')).join('  ')}`);

// ---------- 5. interpolated probabilities for every n-gram ----------
const uniP = new Float64Array(V);
{
  let T = 0;
  let gnum = 0;
  for (let w = 0; w < V; w++) {
    if (w === BOS) continue;
    const a = uniAdj[w]!;
    T += a;
    if (a > 0) gnum += disc(1, a);
  }
  const gamma = gnum / T;
  for (let w = 0; w < V; w++) {
    const a = uniAdj[w]!;
    uniP[w] = w === BOS ? 0 : (a > 0 ? (a - disc(1, a)) / T : 0) + gamma / (V - 1);
  }
}
/** Full (interpolated) prob per slot of tables[n]. */
const fullP: Float64Array[] = [];
/** Context stats live on the context's slot (order n-1) or id (order 1). */
function ctxIndex(n: number, lo: number, hi: number): number {
  if (n === 2) return lo >>> 16;
  const [plo, phi] = prefixKey(n, lo, hi);
  const k = tables[n - 1]!.find(plo, phi);
  if (k < 0) throw new Error('missing context');
  return k;
}
function lowerIndex(n: number, lo: number, hi: number): number {
  if (n === 2) return lo & 0xffff;
  const [slo, shi] = suffixKey(n, lo, hi);
  const k = tables[n - 1]!.find(slo, shi);
  if (k < 0) throw new Error('missing suffix');
  return k;
}
for (let n = 2; n <= ORDER; n++) {
  const t = tables[n]!;
  const ctxSize = n === 2 ? V : tables[n - 1]!.capacity;
  const T = new Float64Array(ctxSize);
  const G = new Float64Array(ctxSize);
  const ctxOf = new Int32Array(t.capacity).fill(-1);
  for (let j = 0; j < t.capacity; j++) {
    const a = t.val[j]!;
    if (a === 0) continue;
    const c = ctxIndex(n, t.lo[j]!, t.hi[j]!);
    ctxOf[j] = c;
    T[c]! += a;
    G[c]! += disc(n, a);
  }
  const lowerP = n === 2 ? uniP : fullP[n - 1]!;
  const p = new Float64Array(t.capacity);
  for (let j = 0; j < t.capacity; j++) {
    const a = t.val[j]!;
    if (a === 0) continue;
    const c = ctxOf[j]!;
    p[j] = (a - disc(n, a)) / T[c]! + (G[c]! / T[c]!) * lowerP[lowerIndex(n, t.lo[j]!, t.hi[j]!)]!;
  }
  fullP[n] = p;
  log(`order ${n}: probabilities`);
}

// ---------- 6. pruning ----------
const kept: Uint8Array[] = [];
for (let n = ORDER; n >= 2; n--) {
  const t = tables[n]!;
  const k = kept[n] ?? new Uint8Array(t.capacity);
  kept[n] = k;
  for (let j = 0; j < t.capacity; j++) {
    if (t.val[j] !== 0 && t.val[j]! >= CUTS[n - 1]!) k[j] = 1;
  }
  if (n > 2) {
    // A kept n-gram's context must stay (it carries the backoff weight).
    const lower = (kept[n - 1] = new Uint8Array(tables[n - 1]!.capacity));
    for (let j = 0; j < t.capacity; j++) if (k[j]) lower[ctxIndex(n, t.lo[j]!, t.hi[j]!)] = 1;
  }
}
const keptCount = (n: number): number => kept[n]!.reduce((s, v) => s + v, 0);

// ---------- 7. backoff weights, renormalised over what was kept ----------
const uniBo = new Float64Array(V); // log10
const bo: Float64Array[] = []; // bo[n][slot] log10, for n < ORDER
/** Backoff-form probability of ids[from+n-1] given ids[from..from+n-1), using the pruned model. */
function qProb(a: ArrayLike<number>, from: number, n: number): number {
  if (n === 1) return uniP[a[from]!]!;
  const t = tables[n]!;
  const [lo, hi] = n === 2 ? [((a[from]! << 16) | a[from + 1]!) >>> 0, 0] : packKey(a, from, n);
  const j = t.find(lo, hi);
  if (j >= 0 && kept[n]![j]) return fullP[n]![j]!;
  // Back off: weight of the context ids[from..from+n-1).
  let w = 0;
  if (n === 2) w = uniBo[a[from]!]!;
  else {
    const [clo, chi] = n === 3 ? [((a[from]! << 16) | a[from + 1]!) >>> 0, 0] : packKey(a, from, n - 1);
    const c = tables[n - 1]!.find(clo, chi);
    if (c >= 0 && kept[n - 1]![c]) w = bo[n - 1]![c]!;
  }
  return Math.pow(10, w) * qProb(a, from + 1, n - 1);
}
const unpack = (n: number, lo: number, hi: number, out: number[]): void => {
  out.length = 0;
  if (n >= 4) out.push(hi >>> 16);
  if (n >= 3) out.push(hi & 0xffff);
  out.push(lo >>> 16, lo & 0xffff);
};
{
  const buf: number[] = [];
  for (let n = 2; n <= ORDER; n++) {
    const t = tables[n]!;
    const ctxSize = n === 2 ? V : tables[n - 1]!.capacity;
    const sumP = new Float64Array(ctxSize);
    const sumQ = new Float64Array(ctxSize);
    for (let j = 0; j < t.capacity; j++) {
      if (!kept[n]![j]) continue;
      const c = ctxIndex(n, t.lo[j]!, t.hi[j]!);
      sumP[c]! += fullP[n]![j]!;
      unpack(n, t.lo[j]!, t.hi[j]!, buf);
      sumQ[c]! += qProb(buf, 1, n - 1);
    }
    const target = n === 2 ? uniBo : (bo[n - 1] = new Float64Array(ctxSize));
    for (let c = 0; c < ctxSize; c++) {
      if (sumP[c] === 0) continue;
      const num = Math.max(1e-12, 1 - sumP[c]!);
      const den = Math.max(1e-12, 1 - sumQ[c]!);
      target[c] = Math.log10(num / den);
    }
    log(`order ${n}: kept ${keptCount(n)} of ${t.size}; backoffs done`);
  }
}

// ---------- 8. write ----------
const parts: Buffer[] = [];
let offset = 0;
function section(data: ArrayBufferView, type: Section['type']): Section {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const pad = (8 - (bytes.length % 8)) % 8;
  const s: Section = { offset, length: type === 'u8' ? bytes.length : data.byteLength / (type === 'u16' ? 2 : 4), type };
  parts.push(bytes, Buffer.alloc(pad));
  offset += bytes.length + pad;
  return s;
}
const vocabSec = section(Buffer.from(vocab.join('\n'), 'utf8'), 'u8');
const countsSec = section(unigramCount, 'u32');
const uq = new Uint16Array(V);
const ub = new Uint16Array(V);
for (let w = 0; w < V; w++) {
  uq[w] = w === BOS ? quantizeProb(-PROB_RANGE) : quantizeProb(Math.log10(uniP[w]!));
  ub[w] = quantizeBackoff(uniBo[w]!);
}
const uniProbSec = section(uq, 'u16');
const uniBoSec = section(ub, 'u16');
const tableHeaders: TableHeader[] = [];
for (let n = 2; n <= ORDER; n++) {
  const t = tables[n]!;
  const count = keptCount(n);
  const cap = capacityFor(count);
  const lo = new Uint32Array(cap);
  const hi = n === 3 ? new Uint16Array(cap) : n === 4 ? new Uint32Array(cap) : null;
  const prob = new Uint16Array(cap);
  const back = n < ORDER ? new Uint16Array(cap) : null;
  for (let j = 0; j < t.capacity; j++) {
    if (!kept[n]![j]) continue;
    const klo = t.lo[j]!;
    const khi = t.hi[j]!;
    let i = startSlot(hashKey(klo, khi), cap);
    while (prob[i] !== 0) if (++i === cap) i = 0;
    lo[i] = klo;
    if (hi) hi[i] = khi;
    prob[i] = quantizeProb(Math.log10(fullP[n]![j]!));
    if (back) back[i] = quantizeBackoff(bo[n]![j]!);
  }
  const th: TableHeader = { order: n, count, capacity: cap, lo: section(lo, 'u32'), prob: section(prob, 'u16') };
  if (hi) th.hi = section(hi, n === 3 ? 'u16' : 'u32');
  if (back) th.backoff = section(back, 'u16');
  tableHeaders.push(th);
}
const buildInfo: Record<string, unknown> = {
  corpus: 'shared/corpus train split (admin + general), blocks of 100 lines, 2% held out',
  trainingSymbols: raw.length,
  domainSymbols: domainTokens,
  order: ORDER,
  cutoffs: CUTS,
  minSyllableCount: MIN_SYLLABLE,
  minOtherCount: MIN_OTHER,
  discounts: D.slice(1),
  unprunedCounts: [V, ...tables.slice(2).map((t) => t.size)],
};
const header: ModelHeader = {
  order: ORDER,
  vocabSize: V,
  vocab: vocabSec,
  counts: countsSec,
  uniProb: uniProbSec,
  uniBackoff: uniBoSec,
  tables: tableHeaders,
  toneStyle: { old: styleOld, new: styleNew },
  build: buildInfo,
};
function assemble(): Buffer {
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = 12;
  const headerPad = (8 - ((pre + json.length) % 8)) % 8;
  json = Buffer.concat([json, Buffer.alloc(headerPad, 0x20)]);
  const dataStart = pre + json.length;
  // Section offsets are relative to the data start until now; make them absolute.
  const fix = (s: Section | undefined): void => {
    if (s) s.offset += dataStart;
  };
  [header.vocab, header.counts, header.uniProb, header.uniBackoff].forEach(fix);
  for (const t of header.tables) [t.lo, t.hi, t.prob, t.backoff].forEach(fix);
  // Re-serialise with absolute offsets, without the reserved room, and pad to the same length.
  delete header.build['pad'];
  const again = Buffer.from(JSON.stringify(header), 'utf8');
  if (pre + again.length > dataStart) throw new Error('header grew');
  const padded = Buffer.concat([again, Buffer.alloc(dataStart - pre - again.length, 0x20)]);
  const head = Buffer.alloc(pre);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(VERSION, 4);
  head.writeUInt32LE(padded.length, 8);
  return Buffer.concat([head, padded, ...parts]);
}
// Reserve room in the header for absolute offsets (digits grow by at most ~9 per section).
header.build['pad'] = ' '.repeat(400);
const file = assemble();
mkdirSync(dirname(OUT), { recursive: true });
// gzip -9 keeps the committed file under 20 MiB; the loader gunzips in ~0.1 s. Node writes no
// timestamp into the gzip header, so rebuilds stay byte-identical.
writeFileSync(`${OUT}.tmp`, OUT.endsWith('.gz') ? gzipSync(file, { level: 9 }) : file);
renameSync(`${OUT}.tmp`, OUT);
log(`wrote ${OUT}: ${(statSync(OUT).size / 1e6).toFixed(1)} MB`);

// Dictionary of syllables with counts and tone-placement counts.
{
  const rows = ['# syllable\tcount\told_placement\tnew_placement'];
  for (let w = SPECIALS.length; w < V; w++) {
    const s = vocab[w]!;
    if (!isValidSyllable(s)) continue;
    const sc = styleCounts.get(s) ?? [0, 0];
    rows.push(`${s}\t${unigramCount[w]}\t${sc[0]}\t${sc[1]}`);
  }
  writeFileSync(`${SYLLABLES_OUT}.tmp`, rows.join('\n') + '\n');
  renameSync(`${SYLLABLES_OUT}.tmp`, SYLLABLES_OUT);
  log(`wrote ${SYLLABLES_OUT}: ${rows.length - 1} syllables`);
}

// ---------- 9. held-out perplexity ----------
const model = loadModel(OUT);
for (const domain of ['admin', 'general'] as const) {
  let sum = 0;
  let n = 0;
  let oov = 0;
  let sumKnown = 0;
  let nKnown = 0;
  for (const f of corpusFiles(domain)) {
    for (const line of splitLines(f, 'heldout')) {
      const syms = lmSymbolsAligned(tokenize(line)).symbols.map((s) => model.id(s));
      let start = 0;
      for (let i = 1; i < syms.length; i++) {
        if (syms[i] === model.bos) {
          start = i;
          continue;
        }
        const ctx = syms.slice(Math.max(start, i - ORDER + 1), i);
        const lp = model.logProb(ctx, syms[i]!);
        sum += lp;
        n++;
        if (syms[i] === model.unk) oov++;
        else {
          sumKnown += lp;
          nKnown++;
        }
      }
    }
  }
  log(
    `held-out ${domain}: ${n} symbols, perplexity ${Math.pow(10, -sum / n).toFixed(1)} ` +
      `(excluding <unk>: ${Math.pow(10, -sumKnown / nKnown).toFixed(1)}), OOV ${((100 * oov) / n).toFixed(2)}%`,
  );
}
const info = model.info;
log(`vocab ${info.vocabSize}; n-grams ${info.ngramCounts.join(' / ')}; file ${(info.fileBytes / 1e6).toFixed(1)} MB; build ${((Date.now() - t0) / 1000).toFixed(0)} s`);
