/**
 * Illumination / background flattening: estimate the paper's brightness with a
 * grey-level closing at low resolution (max-pool, max filter, min filter, blur),
 * then divide. Removes shading, yellowed paper, show-through gradients and
 * scanner-lid shadows, which otherwise fool global thresholds.
 */
import { contrastLut } from './contrast.js';
import type { GrayImage } from './gray.js';

export interface FlattenOptions {
  /** Image resolution; sets the window sizes. Default 300. */
  dpi?: number;
}

function maxPool(img: GrayImage, f: number): GrayImage {
  const w = Math.ceil(img.width / f);
  const h = Math.ceil(img.height / f);
  const out = new Uint8Array(w * h);
  const { data, width: W, height: H } = img;
  for (let y = 0; y < H; y++) {
    const o = Math.floor(y / f) * w;
    const row = y * W;
    for (let c = 0, x = 0; c < w; c++) {
      const end = Math.min(x + f, W);
      let m = out[o + c]!;
      for (; x < end; x++) {
        const v = data[row + x]!;
        if (v > m) m = v;
      }
      out[o + c] = m;
    }
  }
  return { data: out, width: w, height: h };
}

/** Separable max (dilate=true) or min filter with a (2r+1)² window, clamped at the borders. */
function rankFilter(img: GrayImage, r: number, max: boolean): GrayImage {
  const { width: w, height: h } = img;
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  const pick = max ? Math.max : Math.min;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = img.data[y * w + x]!;
      for (let d = -r; d <= r; d++) {
        const xx = x + d;
        if (xx >= 0 && xx < w) v = pick(v, img.data[y * w + xx]!);
      }
      tmp[y * w + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = tmp[y * w + x]!;
      for (let d = -r; d <= r; d++) {
        const yy = y + d;
        if (yy >= 0 && yy < h) v = pick(v, tmp[yy * w + x]!);
      }
      out[y * w + x] = v;
    }
  }
  return { data: out, width: w, height: h };
}

function boxBlur(img: GrayImage, r: number): Float32Array {
  const { width: w, height: h } = img;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let d = -r; d <= r; d++) {
        const xx = x + d;
        if (xx >= 0 && xx < w) {
          s += img.data[y * w + xx]!;
          n++;
        }
      }
      tmp[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let d = -r; d <= r; d++) {
        const yy = y + d;
        if (yy >= 0 && yy < h) {
          s += tmp[yy * w + x]!;
          n++;
        }
      }
      out[y * w + x] = s / n;
    }
  }
  return out;
}

/** Estimated background (paper brightness) at low resolution, plus its pooling factor. */
export function estimateBackground(img: GrayImage, options: FlattenOptions = {}): { bg: Float32Array; width: number; height: number; factor: number } {
  const dpi = options.dpi ?? 300;
  // ~1/20 inch cells; closing radius 2 cells spans ~0.25 in, wider than any text stroke or heading glyph.
  const f = Math.max(2, Math.round(dpi / 20));
  const pooled = maxPool(img, f);
  const closed = rankFilter(rankFilter(pooled, 2, true), 2, false);
  return { bg: boxBlur(closed, 2), width: closed.width, height: closed.height, factor: f };
}

/** Divides the image by its estimated background, so paper becomes ~255 everywhere. */
export function flattenBackground(img: GrayImage, options: FlattenOptions = {}): GrayImage {
  return flatten(img, options, false).image;
}

/** Paper this even needs no flattening: the background estimate is within 2 % of white everywhere. */
const EVEN_PAPER = 250;

/**
 * flattenBackground followed by normalizeContrast in one pass over the pixels:
 * the contrast table comes from a sparse sample of flattened rows.
 */
export function flattenAndNormalize(img: GrayImage, options: FlattenOptions = {}): { image: GrayImage; flattened: boolean; normalized: boolean } {
  return flatten(img, options, true);
}

function flatten(img: GrayImage, options: FlattenOptions, normalize: boolean): { image: GrayImage; flattened: boolean; normalized: boolean } {
  const est = estimateBackground(img, options);
  const { width: bw, height: bh, factor: f } = est;
  // Already-even paper (vector renderings, clean scans): dividing would change nothing that matters.
  let minBg = 255;
  for (let i = 0; i < est.bg.length; i++) if (est.bg[i]! < minBg) minBg = est.bg[i]!;
  const flattened = minBg < EVEN_PAPER;
  if (!flattened) est.bg.fill(255);
  // Interpolate 255/background (smooth, so this equals dividing by the interpolated background to well under a grey level) and multiply.
  const bg = est.bg.map((v) => 255 / Math.max(v, 1));
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h);
  // Bilinear upsampling of the background, precomputed per column.
  const xi = new Int32Array(w);
  const xf = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const u = Math.min(Math.max((x + 0.5) / f - 0.5, 0), bw - 1);
    const i = Math.min(Math.floor(u), bw - 2 < 0 ? 0 : bw - 2);
    xi[x] = i;
    xf[x] = bw > 1 ? u - i : 0;
  }
  const brow = new Float32Array(bw);
  const rowGain = (y: number): void => {
    const v = Math.min(Math.max((y + 0.5) / f - 0.5, 0), bh - 1);
    const j = Math.min(Math.floor(v), bh - 2 < 0 ? 0 : bh - 2);
    const fy = bh > 1 ? v - j : 0;
    const r0 = j * bw;
    const r1 = bh > 1 ? r0 + bw : r0;
    for (let i = 0; i < bw; i++) brow[i] = bg[r0 + i]! + (bg[r1 + i]! - bg[r0 + i]!) * fy;
  };
  // Identity table unless normalizing; then one from every 4th flattened row.
  let lut: Uint8Array = new Uint8Array(256).map((_, i) => i);
  let normalized = false;
  if (normalize) {
    const hist = new Uint32Array(256);
    for (let y = 0; y < h; y += 4) {
      rowGain(y);
      const o = y * w;
      for (let x = 0; x < w; x += 2) {
        const i = xi[x]!;
        const t = brow[i]!;
        const val = data[o + x]! * (t + ((bw > 1 ? brow[i + 1]! : t) - t) * xf[x]!);
        hist[val >= 255 ? 255 : (val + 0.5) | 0]!++;
      }
    }
    const c = contrastLut(hist);
    // A table that moves nothing by more than a few levels is not worth a pass.
    if (c && (c.black > 4 || c.white < 251)) {
      lut = c.lut;
      normalized = true;
    }
  }
  if (!flattened && !normalized) return { image: img, flattened, normalized };
  for (let y = 0; y < h; y++) {
    // Background of this row at low resolution; then per pixel only a horizontal lerp.
    rowGain(y);
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const i = xi[x]!;
      const t = brow[i]!;
      const gain = t + ((bw > 1 ? brow[i + 1]! : t) - t) * xf[x]!;
      const val = data[o + x]! * gain;
      out[o + x] = lut[val >= 255 ? 255 : (val + 0.5) | 0]!;
    }
  }
  return { image: { data: out, width: w, height: h }, flattened, normalized };
}
