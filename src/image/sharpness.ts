/**
 * Page features that choose the per-page treatment: whether the scan is bilevel
 * (1-bit office scanners), and how wide its ink edges are (blur). Measured on rows
 * sampled across the page, so they cost a few milliseconds.
 */
import sharp from 'sharp';
import type { GrayImage } from './gray.js';

/** True when nearly every pixel is pure black or pure white (a 1-bit scan stored as gray). */
export function isBilevel(img: GrayImage): boolean {
  let mid = 0;
  const step = Math.max(1, Math.floor(img.data.length / 200_000));
  let n = 0;
  for (let i = 0; i < img.data.length; i += step) {
    const v = img.data[i]!;
    if (v > 8 && v < 247) mid++;
    n++;
  }
  return mid < 0.005 * n;
}

/**
 * Median width in pixels of ink edges: the distance over which a row goes from
 * 75 % to 25 % of the paper-to-ink range at a paper→ink transition. A sharp
 * 300 dpi scan measures about 1–1.5 px; σ 1.2 px blur about 3 px.
 */
export function edgeWidth(img: GrayImage): number {
  const { width: w, height: h, data } = img;
  const widths: number[] = [];
  const rowStep = Math.max(1, Math.floor(h / 400));
  for (let y = 0; y < h; y += rowStep) {
    const row = y * w;
    for (let x = 1; x < w - 12; x++) {
      const a = data[row + x - 1]!;
      if (a < 200 || data[row + x]! >= a - 10) continue;
      // Follow the descent to its bottom within 12 px.
      let e = x;
      while (e < x + 12 && data[row + e + 1]! < data[row + e]!) e++;
      const lo = data[row + e]!;
      if (a - lo < 120) {
        x = e;
        continue;
      }
      const hiCut = lo + 0.75 * (a - lo);
      const loCut = lo + 0.25 * (a - lo);
      let x0 = x - 1;
      while (x0 < e && data[row + x0]! > hiCut) x0++;
      let x1 = x0;
      while (x1 < e && data[row + x1]! > loCut) x1++;
      widths.push(x1 - x0 + 1);
      x = e;
    }
  }
  if (widths.length < 50) return 0;
  widths.sort((p, q) => p - q);
  return widths[widths.length >> 1]!;
}

/** Gaussian blur (to give a 1-bit scan the soft edges the recognizer was trained on). */
export async function blurGray(img: GrayImage, sigma: number): Promise<GrayImage> {
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).blur(sigma).toColourspace('b-w').raw().toBuffer();
  return { data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), width: img.width, height: img.height };
}

/** Unsharp mask: img + amount · (img − blur(img, sigma)). */
export async function unsharpGray(img: GrayImage, sigma: number, amount: number): Promise<GrayImage> {
  const soft = await blurGray(img, sigma);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = img.data[i]! + amount * (img.data[i]! - soft.data[i]!);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { data: out, width: img.width, height: img.height };
}
