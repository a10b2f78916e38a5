/**
 * Edit distance and alignment over sequences of units (graphemes or words).
 *
 * Units are interned to Int32 ids so the inner loops compare integers. Distance
 * uses two rows (O(min) memory); alignment uses Hirschberg's divide and conquer,
 * so a whole page (tens of thousands of graphemes) aligns in linear memory.
 */

export type EditKind = 'equal' | 'substitute' | 'insert' | 'delete';

/** One step of an alignment: `ref` is absent for insertions, `hyp` for deletions. */
export interface EditOp {
  kind: EditKind;
  ref?: string;
  hyp?: string;
}

/** Maps both sequences to ids from one shared table. */
export function intern(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const table = new Map<string, number>();
  const ids = (units: readonly string[]): Int32Array => {
    const out = new Int32Array(units.length);
    units.forEach((u, i) => {
      let id = table.get(u);
      if (id === undefined) {
        id = table.size;
        table.set(u, id);
      }
      out[i] = id;
    });
    return out;
  };
  return [ids(a), ids(b)];
}

const INF = 0x3fffffff;

/**
 * Ukkonen's band: the DP restricted to |i − j| ≤ k. Exact whenever the distance is ≤ k
 * (a path that leaves the band costs more than k), so it is tried with a doubling k.
 * OCR pages are mostly right, so the band stays narrow and a page costs O(n·d), not O(n²).
 * With `steps`, records each cell's move for the backtrace (n × (2k + 1) bytes).
 * Returns the distance, or -1 when it exceeds k.
 */
function banded(a: Int32Array, b: Int32Array, k: number, steps?: Uint8Array): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > k) return -1;
  const w = 2 * k + 1;
  let prev = new Int32Array(m + 2);
  let cur = new Int32Array(m + 2);
  for (let j = 0; j <= m + 1; j++) prev[j] = j <= k ? j : INF;
  if (steps) for (let j = 1; j <= Math.min(m, k); j++) steps[j + k] = 2;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(m, i + k);
    cur[lo - 1] = lo === 1 && i <= k ? i : INF;
    if (lo === 1 && i <= k && steps) steps[i * w + k - i] = 3;
    const ai = a[i - 1];
    const row = i * w + k - i;
    for (let j = lo; j <= hi; j++) {
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      let v = sub;
      let step = ai === b[j - 1] ? 0 : 1;
      if (del < v) {
        v = del;
        step = 3;
      }
      if (ins < v) {
        v = ins;
        step = 2;
      }
      cur[j] = v;
      if (steps) steps[row + j] = step;
    }
    cur[hi + 1] = INF;
    [prev, cur] = [cur, prev];
  }
  const d = prev[m]!;
  return d <= k ? d : -1;
}

/** First band to try: wide enough for a typical OCR page (a few % errors) in one pass. */
function firstBand(a: Int32Array, b: Int32Array): number {
  return Math.max(32, 2 * Math.abs(a.length - b.length), Math.ceil(Math.max(a.length, b.length) / 24));
}

/** Largest band table kept for a backtrace (bytes); beyond it Hirschberg takes over. */
const MAX_BAND_CELLS = 1 << 24;

/**
 * Most DP cells spent on one exact comparison (~0.1 s on one core). Past it, long texts are cut at
 * anchors (see `anchorSegments`) and the pieces compared exactly, so `score` stays
 * near-linear on book-length texts instead of quadratic.
 */
const EXACT_CELLS = 3e7;

/** Levenshtein distance (unit costs) between two id sequences. */
export function editDistance(a: Int32Array, b: Int32Array): number {
  for (let k = firstBand(a, b); k < Math.max(a.length, b.length); k *= 2) {
    if ((a.length + 1) * (2 * k + 1) > EXACT_CELLS) break;
    const d = banded(a, b, k);
    if (d >= 0) return d;
  }
  if ((a.length + 1) * (b.length + 1) <= EXACT_CELLS) return fullDistance(a, b);
  let total = 0;
  for (const seg of anchorSegments(a, b)) {
    const x = a.subarray(seg[0], seg[1]);
    const y = b.subarray(seg[2], seg[3]);
    if (seg[4]) continue; // an anchor: equal units
    total += (x.length + 1) * (y.length + 1) <= EXACT_CELLS || x.length === 0 || y.length === 0 ? editDistanceSmall(x, y) : roughDistance(x, y);
  }
  return total;
}

function editDistanceSmall(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return a.length + b.length;
  for (let k = firstBand(a, b); k < Math.max(a.length, b.length); k *= 2) {
    if ((a.length + 1) * (2 * k + 1) > EXACT_CELLS) break;
    const d = banded(a, b, k);
    if (d >= 0) return d;
  }
  return fullDistance(a, b);
}

/** Upper bound for two long pieces with nothing in common to anchor on: substitute, then add or drop the rest. */
function roughDistance(a: Int32Array, b: Int32Array): number {
  let same = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return Math.max(a.length, b.length) - same;
}

/** Units per anchor: a run this long found exactly once in each text is taken as matching. */
const ANCHOR = 12;
/** Only k-grams whose hash is 0 mod this are candidates (content-defined sampling: same in both texts). */
const SAMPLE = 8;

function gramHashes(x: Int32Array): Map<number, number> {
  // hash → position, or -1 when the hash occurs more than once.
  const out = new Map<number, number>();
  for (let i = 0; i + ANCHOR <= x.length; i++) {
    let h = 2166136261;
    for (let t = 0; t < ANCHOR; t++) h = Math.imul(h ^ x[i + t]!, 16777619);
    h >>>= 0;
    if (h % SAMPLE !== 0) continue;
    out.set(h, out.has(h) ? -1 : i);
  }
  return out;
}

function sameRun(a: Int32Array, i: number, b: Int32Array, j: number): boolean {
  for (let t = 0; t < ANCHOR; t++) if (a[i + t] !== b[j + t]) return false;
  return true;
}

/**
 * Cuts two long texts into aligned pieces: runs of ANCHOR units that occur once in each
 * (patience-diff style), chained in order (longest increasing subsequence), with the
 * gaps between them. Each entry: [aLo, aHi, bLo, bHi, isAnchor].
 */
export function anchorSegments(a: Int32Array, b: Int32Array): Array<[number, number, number, number, boolean]> {
  const ha = gramHashes(a);
  const hb = gramHashes(b);
  const pairs: Array<[number, number]> = [];
  for (const [h, i] of ha) {
    if (i < 0) continue;
    const j = hb.get(h);
    if (j !== undefined && j >= 0 && sameRun(a, i, b, j)) pairs.push([i, j]);
  }
  pairs.sort((p, q) => p[0] - q[0]);
  // Longest chain increasing in both texts (patience sorting, O(P log P)).
  const tails: number[] = [];
  const prev = new Int32Array(pairs.length).fill(-1);
  for (let p = 0; p < pairs.length; p++) {
    const j = pairs[p]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[p] = tails[lo - 1]!;
    tails[lo] = p;
  }
  const chain: Array<[number, number]> = [];
  for (let p = tails.length > 0 ? tails[tails.length - 1]! : -1; p >= 0; p = prev[p]!) chain.push(pairs[p]!);
  chain.reverse();
  const out: Array<[number, number, number, number, boolean]> = [];
  let ai = 0;
  let bj = 0;
  for (const [i, j] of chain) {
    if (i < ai || j < bj) continue; // overlaps the previous anchor
    if (i > ai || j > bj) out.push([ai, i, bj, j, false]);
    out.push([i, i + ANCHOR, j, j + ANCHOR, true]);
    ai = i + ANCHOR;
    bj = j + ANCHOR;
  }
  if (ai < a.length || bj < b.length) out.push([ai, a.length, bj, b.length, false]);
  return out;
}

function fullDistance(a: Int32Array, b: Int32Array): number {
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  // Common prefix and suffix never change the distance; skipping them makes near-equal pages cheap.
  while (start < endA && start < endB && a[start] === b[start]) start++;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  let x = a.subarray(start, endA);
  let y = b.subarray(start, endB);
  if (x.length < y.length) [x, y] = [y, x];
  const m = y.length;
  if (m === 0) return x.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1]! + (xi === y[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m]!;
}

/** Last row of the DP table of a[aLo..aHi) vs b[bLo..bHi), forwards or (reverse) backwards. */
function lastRow(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, reverse: boolean): Int32Array {
  const m = bHi - bLo;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  const n = aHi - aLo;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ai = reverse ? a[aHi - i] : a[aLo + i - 1];
    for (let j = 1; j <= m; j++) {
      const bj = reverse ? b[bHi - j] : b[bLo + j - 1];
      const sub = prev[j - 1]! + (ai === bj ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev;
}

/** Cells up to which a block is aligned with a full table and backtrace (≈ 8 MB). */
const FULL_TABLE_CELLS = 1 << 21;

type Step = 0 | 1 | 2 | 3; // equal, substitute, insert, delete

function fullAlign(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, out: Array<[Step, number, number]>): void {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const w = m + 1;
  const d = new Int32Array((n + 1) * w);
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++) {
    d[i * w] = i;
    const ai = a[aLo + i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = d[(i - 1) * w + j - 1]! + (ai === b[bLo + j - 1] ? 0 : 1);
      const del = d[(i - 1) * w + j]! + 1;
      const ins = d[i * w + j - 1]! + 1;
      d[i * w + j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
  }
  const steps: Array<[Step, number, number]> = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = d[i * w + j]!;
    if (i > 0 && j > 0) {
      const same = a[aLo + i - 1] === b[bLo + j - 1];
      if (here === d[(i - 1) * w + j - 1]! + (same ? 0 : 1)) {
        steps.push([same ? 0 : 1, aLo + i - 1, bLo + j - 1]);
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === d[(i - 1) * w + j]! + 1) {
      steps.push([3, aLo + i - 1, -1]);
      i--;
    } else {
      steps.push([2, -1, bLo + j - 1]);
      j--;
    }
  }
  for (let k = steps.length - 1; k >= 0; k--) out.push(steps[k]!);
}

function hirschberg(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, out: Array<[Step, number, number]>): void {
  const n = aHi - aLo;
  const m = bHi - bLo;
  if (n === 0) {
    for (let j = bLo; j < bHi; j++) out.push([2, -1, j]);
    return;
  }
  if (m === 0) {
    for (let i = aLo; i < aHi; i++) out.push([3, i, -1]);
    return;
  }
  if ((n + 1) * (m + 1) <= FULL_TABLE_CELLS || n === 1) {
    fullAlign(a, aLo, aHi, b, bLo, bHi, out);
    return;
  }
  const mid = (aLo + aHi) >> 1;
  const left = lastRow(a, aLo, mid, b, bLo, bHi, false);
  const right = lastRow(a, mid, aHi, b, bLo, bHi, true);
  let best = Infinity;
  let split = 0;
  for (let k = 0; k <= m; k++) {
    const cost = left[k]! + right[m - k]!;
    if (cost < best) {
      best = cost;
      split = k;
    }
  }
  hirschberg(a, aLo, mid, b, bLo, bLo + split, out);
  hirschberg(a, mid, aHi, b, bLo + split, bHi, out);
}

/** Backtrace of a banded run that succeeded. */
function bandTrace(a: Int32Array, b: Int32Array, k: number, steps: Uint8Array, out: Array<[Step, number, number]>): void {
  const w = 2 * k + 1;
  const rev: Array<[Step, number, number]> = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const step = (i === 0 ? 2 : j === 0 ? 3 : steps[i * w + k - i + j]) as Step;
    if (step === 0 || step === 1) rev.push([step, --i, --j]);
    else if (step === 2) rev.push([2, -1, --j]);
    else rev.push([3, --i, -1]);
  }
  for (let x = rev.length - 1; x >= 0; x--) out.push(rev[x]!);
}

/** Alignment of long texts piece by piece between anchors (see `anchorSegments`). */
function alignPieces(a: Int32Array, b: Int32Array, out: Array<[Step, number, number]>): void {
  for (const [aLo, aHi, bLo, bHi, anchor] of anchorSegments(a, b)) {
    if (anchor) {
      for (let t = 0; t < aHi - aLo; t++) out.push([0, aLo + t, bLo + t]);
    } else if ((aHi - aLo + 1) * (bHi - bLo + 1) <= EXACT_CELLS || aLo === aHi || bLo === bHi) {
      hirschberg(a, aLo, aHi, b, bLo, bHi, out);
    } else {
      // Nothing to anchor on in two long pieces: pair them unit by unit (an upper bound).
      const n = Math.min(aHi - aLo, bHi - bLo);
      for (let t = 0; t < n; t++) out.push([a[aLo + t] === b[bLo + t] ? 0 : 1, aLo + t, bLo + t]);
      for (let i = aLo + n; i < aHi; i++) out.push([3, i, -1]);
      for (let j = bLo + n; j < bHi; j++) out.push([2, -1, j]);
    }
  }
}

/**
 * Minimal-cost alignment of reference against hypothesis units. Exact up to EXACT_CELLS
 * of work; longer, dissimilar texts are aligned between anchors (exact within each piece).
 */
export function align(reference: readonly string[], hypothesis: readonly string[]): EditOp[] {
  const [a, b] = intern(reference, hypothesis);
  const raw: Array<[Step, number, number]> = [];
  let done = false;
  for (let k = firstBand(a, b); k < Math.max(a.length, b.length); k *= 2) {
    if ((a.length + 1) * (2 * k + 1) > MAX_BAND_CELLS) break;
    const steps = new Uint8Array((a.length + 1) * (2 * k + 1));
    if (banded(a, b, k, steps) >= 0) {
      bandTrace(a, b, k, steps, raw);
      done = true;
      break;
    }
  }
  if (!done) {
    if ((a.length + 1) * (b.length + 1) <= EXACT_CELLS) hirschberg(a, 0, a.length, b, 0, b.length, raw);
    else alignPieces(a, b, raw);
  }
  return raw.map(([step, i, j]): EditOp => {
    switch (step) {
      case 0:
        return { kind: 'equal', ref: reference[i]!, hyp: hypothesis[j]! };
      case 1:
        return { kind: 'substitute', ref: reference[i]!, hyp: hypothesis[j]! };
      case 2:
        return { kind: 'insert', hyp: hypothesis[j]! };
      default:
        return { kind: 'delete', ref: reference[i]! };
    }
  });
}

/** Counts of each kind of edit; their sum (less equals) is the edit distance. */
export function countEdits(ops: readonly EditOp[]): { substitutions: number; insertions: number; deletions: number } {
  let substitutions = 0;
  let insertions = 0;
  let deletions = 0;
  for (const op of ops) {
    if (op.kind === 'substitute') substitutions++;
    else if (op.kind === 'insert') insertions++;
    else if (op.kind === 'delete') deletions++;
  }
  return { substitutions, insertions, deletions };
}

export interface FormatOptions {
  /** Columns per printed block (default 80). */
  width?: number;
  /** Print only blocks that contain an error (default true). */
  errorsOnly?: boolean;
}

const GAP = '·';
const MARK: Record<EditKind, string> = { equal: ' ', substitute: '^', insert: '+', delete: '-' };

/**
 * Prints an alignment as blocks of three rows, reference above hypothesis with a marker
 * row below: `^` substituted, `-` missing from the OCR, `+` extra in the OCR, `·` a gap.
 * One column per unit, so it reads best for grapheme alignments.
 */
export function formatAlignment(ops: readonly EditOp[], options: FormatOptions = {}): string {
  const width = Math.max(10, options.width ?? 80);
  const errorsOnly = options.errorsOnly ?? true;
  const blocks: string[] = [];
  let refIndex = 0;
  for (let start = 0; start < ops.length; start += width) {
    const slice = ops.slice(start, start + width);
    const blockStart = refIndex;
    let ref = '';
    let hyp = '';
    let marks = '';
    let errors = false;
    for (const op of slice) {
      // Units wider than one character (a word) are padded so the columns stay aligned.
      const r = op.ref ?? GAP;
      const h = op.hyp ?? GAP;
      const cell = Math.max(r.length, h.length, 1);
      ref += r.padEnd(cell);
      hyp += h.padEnd(cell);
      marks += MARK[op.kind].padEnd(cell, op.kind === 'equal' ? ' ' : MARK[op.kind]);
      if (op.kind !== 'equal') errors = true;
      if (op.ref !== undefined) refIndex++;
    }
    if (errorsOnly && !errors) continue;
    blocks.push(`@${blockStart}\nref: ${ref.replace(/\s+$/u, '')}\nocr: ${hyp.replace(/\s+$/u, '')}\n     ${marks.replace(/\s+$/u, '')}`);
  }
  return blocks.join('\n\n');
}
