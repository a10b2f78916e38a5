/**
 * Phone photos of a page: the sheet is a bright quadrilateral on a darker desk,
 * seen in perspective and often curled. Tesseract then reads the desk's texture
 * (stretched into speckle by contrast normalisation) as letters, and text lines
 * whose slope changes down the page or that sag in the middle as broken lines.
 *
 *  - findPageQuad: the sheet's four corners, from the largest bright region.
 *  - warpQuad: a perspective remap of that quadrilateral to an upright rectangle.
 *  - straightenLines: a vertical shift per column that undoes a page curl,
 *    measured by matching the row profiles of neighbouring vertical strips.
 */
import type { Affine } from '../types.js';
import { downscaleMean, type GrayImage, histogram, otsuThreshold } from './gray.js';

export type Point = [number, number];
/** Corners in image pixels: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

/** Long side of the copy on which the sheet is searched. */
const FIND_SIZE = 400;

/**
 * The sheet's corners when the image shows a page on a darker background, else
 * undefined (a scan is paper to its edges). The sheet must cover 25–95 % of the
 * frame, be at least twice as bright as what surrounds it, and be close to a
 * quadrilateral (its region fills ≥ 92 % of the corner polygon).
 */
export function findPageQuad(img: GrayImage): Quad | undefined {
  const f = Math.max(1, Math.round(Math.max(img.width, img.height) / FIND_SIZE));
  const small = downscaleMean(img, f);
  const { width: w, height: h, data } = small;
  if (w < 16 || h < 16) return undefined;
  // Desk level from the frame's rim, paper level from its centre; the cut sits nearer the
  // desk, since shading darkens the sheet's far corners (Otsu split a shaded sheet in two).
  const rim: number[] = [];
  const centre: number[] = [];
  const band = Math.max(1, Math.round(0.02 * Math.min(w, h)));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      if (x < band || y < band || x >= w - band || y >= h - band) rim.push(v);
      else if (x > w / 4 && x < (3 * w) / 4 && y > h / 4 && y < (3 * h) / 4) centre.push(v);
    }
  }
  const desk = quantile(rim, 0.5);
  const paper = quantile(centre, 0.75);
  if (paper - desk < 50) return undefined;
  const t = desk + 0.35 * (paper - desk);
  // Largest 4-connected bright region (the sheet; its print is holes that do not matter).
  const label = new Int32Array(w * h).fill(-1);
  const stack = new Int32Array(w * h);
  let best = -1;
  let bestSize = 0;
  let n = 0;
  for (let s = 0; s < w * h; s++) {
    if (label[s] !== -1 || data[s]! <= t) continue;
    let top = 0;
    stack[top++] = s;
    label[s] = n;
    let size = 0;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const x = p % w;
      const y = (p - x) / w;
      const visit = (q: number): void => {
        if (label[q] === -1 && data[q]! > t) {
          label[q] = n;
          stack[top++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < w - 1) visit(p + 1);
      if (y > 0) visit(p - w);
      if (y < h - 1) visit(p + w);
    }
    if (size > bestSize) {
      bestSize = size;
      best = n;
    }
    n++;
  }
  if (best < 0) return undefined;
  // Fill holes row by row: the sheet spans from its first to its last bright pixel on each row.
  let area = 0;
  let inSum = 0;
  let outSum = 0;
  let outCount = 0;
  let corners: Point[] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  const score = [-Infinity, -Infinity, -Infinity, -Infinity];
  for (let y = 0; y < h; y++) {
    let x0 = -1;
    let x1 = -1;
    for (let x = 0; x < w; x++) {
      if (label[y * w + x] === best) {
        if (x0 < 0) x0 = x;
        x1 = x;
      }
    }
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      if (x0 >= 0 && x >= x0 && x <= x1) {
        area++;
        inSum += v;
      } else {
        outSum += v;
        outCount++;
      }
    }
    if (x0 < 0) continue;
    // Extreme points along the four diagonals are the corners of a convex quadrilateral.
    for (const x of [x0, x1]) {
      const cand = [-x - y, x - y, x + y, -x + y];
      for (let k = 0; k < 4; k++) {
        if (cand[k]! > score[k]!) {
          score[k] = cand[k]!;
          corners[k] = [x, y];
        }
      }
    }
  }
  const frame = w * h;
  if (area < 0.25 * frame || area > 0.95 * frame || outCount === 0) return undefined;
  if (outSum / outCount > 0.5 * (inSum / area)) return undefined;
  const polygon = Math.abs(shoelace(corners));
  if (polygon <= 0 || area < 0.92 * polygon || area > 1.08 * polygon) return undefined;
  // Pixel centres of the small copy → full-resolution pixels.
  corners = corners.map(([x, y]) => [Math.min(img.width, (x + 0.5) * f), Math.min(img.height, (y + 0.5) * f)] as Point);
  return corners as Quad;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

function shoelace(p: Point[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const [x0, y0] = p[i]!;
    const [x1, y1] = p[(i + 1) % p.length]!;
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

/** The homography taking the four `from` points to the four `to` points. */
export function homography(from: Quad, to: Quad): Mat3 {
  // 8 unknowns (h22 = 1): two equations per point pair, solved by Gaussian elimination.
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let piv = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    const d = a[c]![c]!;
    if (Math.abs(d) < 1e-12) throw new RangeError('degenerate quadrilateral');
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const k = a[r]![c]! / d;
      for (let j = c; j < 9; j++) a[r]![j]! -= k * a[c]![j]!;
    }
  }
  const h = a.map((row, i) => row[8]! / row[i]!);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

function project(m: Mat3, x: number, y: number): Point {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

function bilinear(img: GrayImage, sx: number, sy: number): number {
  const { width: w, height: h, data } = img;
  if (sx < 0 || sy < 0 || sx > w - 1 || sy > h - 1) return 255;
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = sx - x0;
  const fy = sy - y0;
  const top = data[y0 * w + x0]! * (1 - fx) + data[y0 * w + x1]! * fx;
  const bottom = data[y1 * w + x0]! * (1 - fx) + data[y1 * w + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

export interface Warped {
  image: GrayImage;
  /**
   * Source pixel → output pixel, the least-squares affine fit of the perspective map
   * (boxes mapped back to the photo are approximate by the perspective's curvature).
   */
  forward: Affine;
}

/** Least-squares affine through point pairs (src → dst). */
function fitAffine(src: Point[], dst: Point[]): Affine {
  // Normal equations for [a c e] and [b d f] over rows [x y 1].
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const rx = [0, 0, 0];
  const ry = [0, 0, 0];
  for (let i = 0; i < src.length; i++) {
    const r = [src[i]![0], src[i]![1], 1];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) m[3 * j + k]! += r[j]! * r[k]!;
      rx[j]! += r[j]! * dst[i]![0];
      ry[j]! += r[j]! * dst[i]![1];
    }
  }
  const solve = (b: number[]): number[] => {
    const a = [0, 1, 2].map((j) => [m[3 * j]!, m[3 * j + 1]!, m[3 * j + 2]!, b[j]!]);
    for (let c = 0; c < 3; c++) {
      let piv = c;
      for (let r = c + 1; r < 3; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
      [a[c], a[piv]] = [a[piv]!, a[c]!];
      for (let r = 0; r < 3; r++) {
        if (r === c) continue;
        const k = a[r]![c]! / a[c]![c]!;
        for (let j = c; j < 4; j++) a[r]![j]! -= k * a[c]![j]!;
      }
    }
    return a.map((row, i) => row[3]! / row[i]!);
  };
  const [a, c, e] = solve(rx);
  const [b, d, f] = solve(ry);
  return [a!, b!, c!, d!, e!, f!];
}

/** Blank band (fraction of the short side) painted over the output's edges: the sheet's blurred rim. */
const RIM = 0.006;

/** Remaps the quadrilateral `quad` of `img` onto an upright rectangle of the sheet's mean side lengths. */
export function warpQuad(img: GrayImage, quad: Quad): Warped {
  const dist = (p: Point, q: Point): number => Math.hypot(p[0] - q[0], p[1] - q[1]);
  const [tl, tr, br, bl] = quad;
  const W = Math.max(1, Math.round((dist(tl, tr) + dist(bl, br)) / 2));
  const H = Math.max(1, Math.round((dist(tl, bl) + dist(tr, br)) / 2));
  const rect: Quad = [
    [0, 0],
    [W, 0],
    [W, H],
    [0, H],
  ];
  const back = homography(rect, quad);
  const out = new Uint8Array(W * H);
  const rim = Math.max(2, Math.round(RIM * Math.min(W, H)));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (x < rim || y < rim || x >= W - rim || y >= H - rim) {
        out[y * W + x] = 255;
        continue;
      }
      const [sx, sy] = project(back, x + 0.5, y + 0.5);
      out[y * W + x] = Math.round(bilinear(img, sx - 0.5, sy - 0.5));
    }
  }
  const grid: Point[] = [];
  for (let i = 0; i <= 4; i++) for (let j = 0; j <= 4; j++) grid.push([(i * W) / 4, (j * H) / 4]);
  return { image: { data: out, width: W, height: H }, forward: fitAffine(grid.map(([x, y]) => project(back, x, y)), grid) };
}

export interface CurlOptions {
  /** Resolution of `img`: sets the strip width and the line pitch searched. Default 300. */
  dpi?: number;
  /** Shifts whose range stays below this many pixels are left alone. Default 1.5 px at 300 dpi. */
  minRange?: number;
}

export interface Straightened {
  image: GrayImage;
  /** Vertical shift (px) sampled per output column: output(x, y) = input(x, y + shift[x]). */
  shift: Float32Array;
  /** Largest minus smallest shift: how much the lines sagged or rose across the page. */
  range: number;
}

/** Row profile of the ink (dark pixels) of the columns [x0, x1). */
function rowProfile(img: GrayImage, x0: number, x1: number, threshold: number): Float64Array {
  const prof = new Float64Array(img.height);
  for (let y = 0; y < img.height; y++) {
    let s = 0;
    const row = y * img.width;
    for (let x = x0; x < x1; x++) if (img.data[row + x]! < threshold) s++;
    prof[y] = s;
  }
  return prof;
}

/** Shift d in [−max, max] maximizing Σ a[y]·b[y+d] (normalized by overlap). */
function bestShift(a: Float64Array, b: Float64Array, max: number): { shift: number; score: number } {
  let best = 0;
  let bestScore = -Infinity;
  const scores = new Float64Array(2 * max + 1);
  for (let d = -max; d <= max; d++) {
    let s = 0;
    for (let y = Math.max(0, -d); y < a.length && y + d < b.length; y++) s += a[y]! * b[y + d]!;
    scores[d + max] = s;
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  // Sub-pixel peak by a parabola through the best score and its neighbours.
  let sub = best;
  if (best > -max && best < max) {
    const l = scores[best + max - 1]!;
    const c = scores[best + max]!;
    const r = scores[best + max + 1]!;
    const den = l - 2 * c + r;
    if (den < 0) sub = best + (0.5 * (l - r)) / den;
  }
  return { shift: sub, score: bestScore };
}

/**
 * Measures how far the text lines of each vertical strip sit below those of its
 * left neighbour (a shift well under half a line pitch, so the match cannot jump
 * a line), chains the steps from the centre outwards, fits a parabola through
 * them (a curled sheet sags or bulges smoothly) and shifts each column back.
 */
export function straightenLines(img: GrayImage, options: CurlOptions = {}): Straightened {
  const dpi = options.dpi ?? 300;
  const minRange = options.minRange ?? (1.5 * dpi) / 300;
  const none = (): Straightened => ({ image: img, shift: new Float32Array(img.width), range: 0 });
  const { width: W } = img;
  const strip = Math.max(8, Math.round(dpi * 0.5));
  const count = Math.floor(W / strip);
  if (count < 4) return none();
  const threshold = Math.min(160, otsuThreshold(histogram(img)));
  const profiles: Float64Array[] = [];
  const inks: number[] = [];
  for (let i = 0; i < count; i++) {
    const p = rowProfile(img, i * strip, (i + 1) * strip, threshold);
    profiles.push(p);
    inks.push(p.reduce((s, v) => s + v, 0));
  }
  const inkMax = Math.max(...inks);
  // About a third of a body line (≈ 12 pt at 14 pt type): shifts between neighbours are smaller.
  const maxStep = Math.max(2, Math.round((dpi * 0.055) / 1));
  // Each strip's offset relative to the first strip with ink, chained across strips with enough ink.
  const xs: number[] = [];
  const ds: number[] = [];
  const ws: number[] = [];
  let prev = -1;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (inks[i]! < 0.15 * inkMax) continue;
    if (prev >= 0) {
      const { shift } = bestShift(profiles[prev]!, profiles[i]!, maxStep * (i - prev));
      offset += shift;
    }
    xs.push((i + 0.5) * strip);
    ds.push(offset);
    ws.push(Math.min(inks[i]!, inks[prev >= 0 ? prev : i]!));
    prev = i;
  }
  if (xs.length < 4) return none();
  const coef = fitParabola(xs, ds, ws);
  const shift = new Float32Array(W);
  let lo = Infinity;
  let hi = -Infinity;
  const first = xs[0]!;
  const last = xs[xs.length - 1]!;
  for (let x = 0; x < W; x++) {
    // Beyond the measured strips the parabola is held flat rather than extrapolated.
    const cx = Math.min(last, Math.max(first, x));
    shift[x] = coef[0] + coef[1] * cx + coef[2] * cx * cx;
    lo = Math.min(lo, shift[x]!);
    hi = Math.max(hi, shift[x]!);
  }
  const range = hi - lo;
  if (!(range >= minRange) || range > 4 * maxStep * count) return none();
  const mid = (lo + hi) / 2;
  for (let x = 0; x < W; x++) shift[x] = shift[x]! - mid;
  const { height: H, data } = img;
  const out = new Uint8Array(W * H);
  for (let x = 0; x < W; x++) {
    const d = shift[x]!;
    const d0 = Math.floor(d);
    const fd = d - d0;
    for (let y = 0; y < H; y++) {
      const y0 = y + d0;
      const a = y0 >= 0 && y0 < H ? data[y0 * W + x]! : 255;
      const b = y0 + 1 >= 0 && y0 + 1 < H ? data[(y0 + 1) * W + x]! : 255;
      out[y * W + x] = Math.round(a * (1 - fd) + b * fd);
    }
  }
  return { image: { data: out, width: W, height: H }, shift, range };
}

/** Weighted least-squares y = c0 + c1·x + c2·x². */
function fitParabola(xs: number[], ys: number[], ws: number[]): [number, number, number] {
  // Centre and scale x for a well-conditioned system.
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sx = Math.max(1, Math.max(...xs.map((x) => Math.abs(x - mx))));
  const m = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (let i = 0; i < xs.length; i++) {
    const t = (xs[i]! - mx) / sx;
    const r = [1, t, t * t];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) m[j]![k]! += ws[i]! * r[j]! * r[k]!;
      m[j]![3]! += ws[i]! * r[j]! * ys[i]!;
    }
  }
  for (let c = 0; c < 3; c++) {
    let piv = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    if (Math.abs(m[c]![c]!) < 1e-12) return [ys.reduce((s, y) => s + y, 0) / ys.length, 0, 0];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const k = m[r]![c]! / m[c]![c]!;
      for (let j = c; j < 4; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  const [a, b, c] = m.map((row, i) => row[3]! / row[i]!) as [number, number, number];
  // Back to unscaled x: a + b·t + c·t², t = (x − mx)/sx.
  return [a - (b * mx) / sx + (c * mx * mx) / (sx * sx), b / sx - (2 * c * mx) / (sx * sx), c / (sx * sx)];
}
