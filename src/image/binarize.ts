/** Binarization: global Otsu and Sauvola's local threshold (integral images). */
import { type GrayImage, histogram, otsuThreshold } from './gray.js';

export function binarizeOtsu(img: GrayImage): GrayImage {
  const t = otsuThreshold(histogram(img));
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i]! <= t ? 0 : 255;
  return { data: out, width: img.width, height: img.height };
}

export interface SauvolaOptions {
  /** Window side in pixels (odd). Default: 1/10 inch at 300 dpi ≈ 31. */
  window?: number;
  /** Sensitivity k. Default 0.2 (lower keeps more faint ink). */
  k?: number;
}

/** Sauvola: t = m·(1 + k·(s/128 − 1)) over a local window. */
export function binarizeSauvola(img: GrayImage, options: SauvolaOptions = {}): GrayImage {
  const { width: w, height: h, data } = img;
  const r = Math.max(1, Math.floor((options.window ?? 31) / 2));
  const k = options.k ?? 0.2;
  const W = w + 1;
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * W + x + 1] = sum[y * W + x + 1]! + rs;
      sq[(y + 1) * W + x + 1] = sq[y * W + x + 1]! + rq;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * W + x1]! - sum[y0 * W + x1]! - sum[y1 * W + x0]! + sum[y0 * W + x0]!;
      const q = sq[y1 * W + x1]! - sq[y0 * W + x1]! - sq[y1 * W + x0]! + sq[y0 * W + x0]!;
      const m = s / n;
      const sd = Math.sqrt(Math.max(0, q / n - m * m));
      const t = m * (1 + k * (sd / 128 - 1));
      out[y * w + x] = data[y * w + x]! <= t ? 0 : 255;
    }
  }
  return { data: out, width: w, height: h };
}
