/**
 * Skew measurement by projection profiles (Postl's method): ink pixels are
 * projected onto lines of slope tan θ; the angle where text lines line up gives
 * the sharpest profile (largest sum of squared differences between adjacent bins).
 * Works on a downscaled copy; coarse-to-fine search with parabolic refinement.
 */
import { type GrayImage, histogram, otsuThreshold } from './gray.js';

/** Ink pixel coordinates, centred on the image centre. */
export interface InkPoints {
  xs: Float32Array;
  ys: Float32Array;
  count: number;
  /** Extent of the source image (for profile bin ranges). */
  width: number;
  height: number;
}

export interface SkewResult {
  /** Degrees, positive = text lines rise to the right (counter-clockwise in the image). */
  angle: number;
  /** Profile sharpness at that angle (comparable only between the same ink set). */
  score: number;
  /** Sharpness at the best angle relative to the mean over the search range (≥ 1; near 1 = no line structure). */
  contrast: number;
}

/** Binarizes with Otsu and returns ink pixel coordinates (at most maxPoints, evenly subsampled). */
export function inkPoints(img: GrayImage, maxPoints = 300_000): InkPoints {
  const t = otsuThreshold(histogram(img));
  const { data, width: w, height: h } = img;
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! <= t) n++;
  // A nearly blank page, or one that is mostly dark (inverted / photo): no usable ink set.
  if (n === 0 || n > data.length * 0.5) return { xs: new Float32Array(0), ys: new Float32Array(0), count: 0, width: w, height: h };
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const cnt = Math.ceil(n / stride);
  const xs = new Float32Array(cnt);
  const ys = new Float32Array(cnt);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  let k = 0;
  let j = 0;
  // Sub-pixel dither (deterministic): without it every point shares one bin phase
  // at exactly 0°, which biases the profile score for or against level pages.
  let seed = 0x9e3779b9;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (data[row + x]! <= t) {
        if (j++ % stride === 0 && k < cnt) {
          xs[k] = x - cx + rnd();
          ys[k] = y - cy + rnd();
          k++;
        }
      }
    }
  }
  return { xs, ys, count: k, width: w, height: h };
}

/** Swaps axes, so horizontal projection of the result is vertical projection of the input. */
export function transposePoints(p: InkPoints): InkPoints {
  return { xs: p.ys, ys: p.xs, count: p.count, width: p.height, height: p.width };
}

/**
 * Projection profile at angle θ (degrees): bin = (y + x·tan θ)·binScale, splatted
 * linearly into two neighbouring bins for sub-pixel resolution. Bins run top to
 * bottom. `stride` > 1 uses every stride-th point (for cheap coarse scans).
 */
export function projectionProfile(p: InkPoints, angleDeg: number, binScale = 1, stride = 1): Float64Array {
  const t = Math.tan((angleDeg * Math.PI) / 180);
  const half = Math.ceil((p.height / 2 + (Math.abs(t) * p.width) / 2) * binScale) + 2;
  const prof = new Float64Array(2 * half + 1);
  const { xs, ys, count } = p;
  for (let i = 0; i < count; i += stride) {
    const v = (ys[i]! + xs[i]! * t) * binScale + half;
    const b = Math.floor(v);
    const f = v - b;
    prof[b]! += 1 - f;
    prof[b + 1]! += f;
  }
  return prof;
}

export function profileScore(prof: Float64Array): number {
  let s = 0;
  for (let i = 1; i < prof.length; i++) {
    const d = prof[i]! - prof[i - 1]!;
    s += d * d;
  }
  return s;
}

/**
 * How strongly the profile alternates between ink and gaps, independent of ink
 * amount and extent: squared coefficient of variation of the profile (smoothed
 * over a few bins so glyph strokes do not count) across the inked span. Text
 * lines score ~1 or more; the same text projected across its lines scores far less.
 */
export function lineStructure(prof: Float64Array, smooth = 2): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < prof.length; i++) {
    if (prof[i]! > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0 || last - first < 4) return 0;
  let s1 = 0;
  let s2 = 0;
  let n = 0;
  let win = 0;
  for (let i = first - smooth; i <= last + smooth; i++) {
    // Running box sum over [i − smooth, i + smooth].
    const add = i + smooth;
    const drop = i - smooth - 1;
    if (add >= 0 && add < prof.length) win += prof[add]!;
    if (drop >= 0 && drop < prof.length) win -= prof[drop]!;
    if (i < first || i > last) continue;
    s1 += win;
    s2 += win * win;
    n++;
  }
  const mean = s1 / n;
  return mean > 0 ? s2 / n / (mean * mean) - 1 : 0;
}

export interface SkewSearchOptions {
  /** Largest |skew| searched, degrees. Default 10. */
  maxAngle?: number;
}

/** Best angle of a coarse scan over ±maxAngle at reduced bin resolution and a point subsample. */
export function coarseSkew(p: InkPoints, maxAngle = 10): { angle: number; score: number; mean: number; step: number } {
  // At half resolution a step with extent·tan(step) ≈ 3 bins keeps lines from smearing between grid angles.
  const binScale = 0.5;
  const extent = Math.max(p.width * binScale, 32);
  const step = Math.min(0.5, Math.max(0.1, (Math.atan(3 / extent) * 180) / Math.PI));
  const stride = Math.max(1, Math.floor(p.count / 20_000));
  let best = 0;
  let bestScore = -1;
  let sum = 0;
  let n = 0;
  for (let a = -maxAngle; a <= maxAngle + 1e-9; a += step) {
    const s = profileScore(projectionProfile(p, a, binScale, stride));
    sum += s;
    n++;
    if (s > bestScore) {
      bestScore = s;
      best = a;
    }
  }
  return { angle: best, score: bestScore, mean: sum / n, step };
}

/** Refines a coarse estimate at full bin resolution, finishing with parabolic interpolation. */
export function refineSkew(p: InkPoints, start: number, startStep: number, maxAngle = 10): { angle: number; score: number } {
  const stride = Math.max(1, Math.floor(p.count / 120_000));
  const scoreAt = (a: number): number => profileScore(projectionProfile(p, a, 1, stride));
  let best = start;
  let bestScore = scoreAt(start);
  let step = startStep;
  for (const next of [0.05, 0.01]) {
    if (next >= step) continue;
    for (let a = best - step; a <= best + step + 1e-9; a += next) {
      if (Math.abs(a) > maxAngle + step) continue;
      const s = scoreAt(a);
      if (s > bestScore) {
        bestScore = s;
        best = a;
      }
    }
    step = next;
  }
  const sm = scoreAt(best - step);
  const sp = scoreAt(best + step);
  const denom = sm - 2 * bestScore + sp;
  let angle = best;
  if (denom < 0) {
    const off = (0.5 * (sm - sp)) / denom;
    if (Math.abs(off) <= 1) angle = best + off * step;
  }
  return { angle, score: bestScore };
}

/** Finds the skew of an ink set whose text lines run roughly horizontally. */
export function measureSkewPoints(p: InkPoints, options: SkewSearchOptions = {}): SkewResult {
  const maxAngle = options.maxAngle ?? 10;
  if (p.count < 50) return { angle: 0, score: 0, contrast: 1 };
  const c = coarseSkew(p, maxAngle);
  const r = refineSkew(p, c.angle, c.step, maxAngle);
  return { angle: r.angle, score: r.score, contrast: c.mean > 0 ? c.score / c.mean : 1 };
}
