/**
 * Alignment helpers of the confusion learner (build time, scripts/learn-confusions.ts):
 * word-level alignment of an OCR string to its truth, and the character chunks
 * that differ inside aligned words.
 */
import { distance } from 'fastest-levenshtein';

export interface WordPair {
  obs: string;
  truth: string;
}
export interface ChunkEdit {
  /** Observed chunk (lowercase, may be empty for a deletion). */
  obs: string;
  /** True chunk (lowercase, may be empty for an insertion). */
  truth: string;
}

/** Levenshtein alignment of two sequences; returns index pairs (-1 = gap). */
function alignSeq<T>(a: readonly T[], b: readonly T[], sub: (x: T, y: T) => number, gap = 1): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const d = new Float64Array((n + 1) * (m + 1));
  const w = m + 1;
  for (let i = 0; i <= n; i++) d[i * w] = i * gap;
  for (let j = 0; j <= m; j++) d[j] = j * gap;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const s = (d[(i - 1) * w + j - 1] ?? 0) + sub(a[i - 1] as T, b[j - 1] as T);
      const del = (d[(i - 1) * w + j] ?? 0) + gap;
      const ins = (d[i * w + j - 1] ?? 0) + gap;
      d[i * w + j] = Math.min(s, del, ins);
    }
  }
  const out: Array<[number, number]> = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const cur = d[i * w + j] ?? 0;
    if (i > 0 && j > 0 && cur === (d[(i - 1) * w + j - 1] ?? 0) + sub(a[i - 1] as T, b[j - 1] as T)) {
      out.push([i - 1, j - 1]);
      i--;
      j--;
    } else if (i > 0 && cur === (d[(i - 1) * w + j] ?? 0) + gap) {
      out.push([i - 1, -1]);
      i--;
    } else {
      out.push([-1, j - 1]);
      j--;
    }
  }
  return out.reverse();
}

/** Aligns two whitespace-separated strings word by word (1:1 pairs only). */
export function alignWords(obs: string, truth: string): WordPair[] {
  const a = obs.split(/\s+/).filter(Boolean);
  const b = truth.split(/\s+/).filter(Boolean);
  const sub = (x: string, y: string): number => {
    const dist = distance(x.toLowerCase(), y.toLowerCase());
    return Math.min(2, (2 * dist) / Math.max(x.length, y.length, 1));
  };
  const pairs: WordPair[] = [];
  for (const [i, j] of alignSeq(a, b, sub)) {
    if (i < 0 || j < 0) continue;
    const x = a[i] ?? '';
    const y = b[j] ?? '';
    if (distance(x.toLowerCase(), y.toLowerCase()) <= Math.max(2, Math.ceil(y.length / 2))) pairs.push({ obs: x, truth: y });
  }
  return pairs;
}

/** The differing character chunks between an observed word and its truth (lowercase). */
export function charEdits(obs: string, truth: string): ChunkEdit[] {
  const a = [...obs.toLowerCase()];
  const b = [...truth.toLowerCase()];
  const ops = alignSeq(a, b, (x, y) => (x === y ? 0 : 1));
  const edits: ChunkEdit[] = [];
  let o = '';
  let t = '';
  const flush = (): void => {
    if ((o || t) && o.length <= 3 && t.length <= 3) edits.push({ obs: o, truth: t });
    o = '';
    t = '';
  };
  for (const [i, j] of ops) {
    const x = i >= 0 ? (a[i] ?? '') : '';
    const y = j >= 0 ? (b[j] ?? '') : '';
    if (i >= 0 && j >= 0 && x === y) {
      flush();
      continue;
    }
    o += x;
    t += y;
  }
  flush();
  return edits;
}

/** Word pairs plus all their character edits. */
export function alignChunks(obs: string, truth: string): { words: WordPair[]; edits: ChunkEdit[] } {
  const words = alignWords(obs, truth);
  const edits: ChunkEdit[] = [];
  for (const w of words) edits.push(...charEdits(w.obs, w.truth));
  return { words, edits };
}
