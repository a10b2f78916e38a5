/**
 * Accent-stripped, lowercased comparison forms and fuzzy phrase search.
 *
 * `fold` is length-preserving (one UTF-16 unit in, one out) so a match found in
 * the folded line maps back to the same offsets in the original line: that is
 * what lets us split "BAN NHAN DAN CONG HOA XA HOI…" at the fixed phrase.
 */

const foldCache = new Map<string, string>();

function foldChar(c: string): string {
  let f = foldCache.get(c);
  if (f === undefined) {
    if (c === 'đ' || c === 'Đ' || c === 'Ð' || c === 'ð') f = 'd';
    else if (c === '–' || c === '—' || c === '‒' || c === '−') f = '-';
    else {
      const base = c.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
      f = base.length === 1 ? base : c.toLowerCase().length === 1 ? c.toLowerCase() : c;
    }
    foldCache.set(c, f);
  }
  return f;
}

/** Lowercase, no diacritics, đ→d; same length as the input (NFC input expected). */
export function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldChar(text[i]!);
  return out;
}

/** True when the text carries any Vietnamese diacritic (or đ). */
export function hasDiacritics(text: string): boolean {
  return fold(text) !== text.toLowerCase();
}

export interface FuzzyHit {
  /** Start offset in the searched text (inclusive). */
  start: number;
  /** End offset (exclusive). */
  end: number;
  /** Edit distance between the needle and text[start, end). */
  distance: number;
}

/**
 * Best approximate occurrence of `needle` inside `hay` (Sellers' semi-global
 * alignment: free start and end in hay). Both are compared as given, so pass
 * folded strings. Returns null when the best hit costs more than maxDistance.
 */
export function fuzzyFind(hay: string, needle: string, maxDistance: number): FuzzyHit | null {
  const m = needle.length;
  const n = hay.length;
  if (m === 0 || n === 0) return null;
  // col[i] = cost of aligning needle[0,i) ending at current hay position; start[i] = where that alignment began.
  let prev = new Int32Array(m + 1);
  let prevStart = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  let curStart = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    prev[i] = i;
    prevStart[i] = 0;
  }
  let best: FuzzyHit | null = prev[m]! <= maxDistance ? { start: 0, end: 0, distance: prev[m]! } : null;
  for (let j = 1; j <= n; j++) {
    cur[0] = 0;
    curStart[0] = j;
    const hc = hay.charCodeAt(j - 1);
    for (let i = 1; i <= m; i++) {
      const sub = prev[i - 1]! + (needle.charCodeAt(i - 1) === hc ? 0 : 1);
      const del = prev[i]! + 1; // hay char unmatched
      const ins = cur[i - 1]! + 1; // needle char unmatched
      if (sub <= del && sub <= ins) {
        cur[i] = sub;
        curStart[i] = prevStart[i - 1]!;
      } else if (del <= ins) {
        cur[i] = del;
        curStart[i] = prevStart[i]!;
      } else {
        cur[i] = ins;
        curStart[i] = curStart[i - 1]!;
      }
    }
    const d = cur[m]!;
    if (d <= maxDistance && (best === null || d < best.distance)) {
      best = { start: curStart[m]!, end: j, distance: d };
    }
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  if (best) {
    // Trim spaces the alignment may have swallowed at its edges.
    while (best.start < best.end && hay[best.start] === ' ') best.start++;
    while (best.end > best.start && hay[best.end - 1] === ' ') best.end--;
  }
  return best;
}

/** Allowed edit distance for a phrase of this length: about one error in five characters, at least 1. */
export function tolerance(length: number, share = 0.22): number {
  return Math.max(1, Math.floor(length * share));
}

/** Collapse runs of spaces and trim. */
export function squash(text: string): string {
  return text.replace(/[ \t\u00a0]+/g, ' ').trim();
}

/** Confidence 0–1 from an edit distance against a phrase of a given length. */
export function matchConfidence(dist: number, length: number): number {
  if (length === 0) return 0;
  return Math.max(0, Math.min(1, 1 - dist / length));
}

/** Share of letters that are uppercase (letters only; 0 when there are none). */
export function upperShare(text: string): number {
  let letters = 0;
  let upper = 0;
  for (const c of text) {
    const lower = c.toLowerCase();
    const up = c.toUpperCase();
    if (lower === up) continue;
    letters++;
    if (c === up) upper++;
  }
  return letters === 0 ? 0 : upper / letters;
}
