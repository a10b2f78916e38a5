/**
 * Speckle measurement: the share of ink pixels a 3×3 median would erase
 * (dark pixels with fewer than 5 dark pixels in their 3×3 neighbourhood).
 * Clean text strokes at 200–300 dpi are ≥ 2–3 px wide and lose little; salt-and-pepper
 * noise, dust and toner spray lose a lot. Sampled on every 2nd row for speed.
 */
import { type GrayImage, otsuThreshold } from './gray.js';
import { forEachInkComponent } from './components.js';

export function speckleRatio(img: GrayImage): number {
  const { data, width: w, height: h } = img;
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i += 7) hist[data[i]!]!++;
  const t = otsuThreshold(hist);
  let ink = 0;
  let lone = 0;
  for (let y = 1; y < h - 1; y += 2) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++) {
      if (data[r + x]! > t) continue;
      ink++;
      let n = 0;
      for (let k = r - w; k <= r + w; k += w) {
        if (data[k + x - 1]! <= t) n++;
        if (data[k + x]! <= t) n++;
        if (data[k + x + 1]! <= t) n++;
      }
      if (n < 5) lone++;
    }
  }
  return ink ? lone / ink : 0;
}

/**
 * Removes specks: every ink pixel (≤ Otsu threshold) with fewer than 5 ink
 * pixels in its 3×3 neighbourhood takes the median of that neighbourhood.
 * That is exactly what a 3×3 median does to isolated dark specks, without
 * touching paper pixels or stroke interiors, so it costs one cheap pass.
 */
export function despeckle(img: GrayImage): GrayImage {
  const { data, width: w, height: h } = img;
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i += 7) hist[data[i]!]!++;
  const t = otsuThreshold(hist);
  const out = new Uint8Array(data);
  const win = new Uint8Array(9);
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++) {
      if (data[r + x]! > t) continue;
      let n = 0;
      let k = 0;
      for (let q = r - w; q <= r + w; q += w) {
        for (let dx = -1; dx <= 1; dx++) {
          const v = data[q + x + dx]!;
          win[k++] = v;
          if (v <= t) n++;
        }
      }
      if (n >= 5) continue;
      win.sort();
      out[r + x] = win[4]!;
    }
  }
  return { data: out, width: w, height: h };
}

export interface LoneSpecksResult {
  image: GrayImage;
  /** Specks erased. */
  erased: number;
}

/**
 * Erases lone specks from a 1-bit page at its own resolution: 8-connected ink
 * components of at most about (dpi/75)² pixels (a 2×2 blot at 150 dpi, 4×4 at 300)
 * with no other ink within dpi/30 pixels (5 px at 150 dpi) of their box. Why before
 * resampling: a scanner's or fax's speck is one or two pixels there, but the
 * upscaled copy turns it into a soft grey dot the recognizer reads as a diacritic
 * or a stray letter, and the 3×3 median (despeckle) no longer sees it as isolated.
 * Diacritics, i-dots and periods sit within a few pixels of their letter, so the
 * distance keeps them; a speck touching or near print stays too.
 */
export function removeLoneSpecks(img: GrayImage, dpi: number): LoneSpecksResult {
  const { data, width: w, height: h } = img;
  const maxArea = Math.max(1, Math.round((dpi / 75) ** 2));
  const r = Math.max(2, Math.round(dpi / 30));
  // Integral image of ink counts, (w+1)×(h+1).
  const W = w + 1;
  const integral = new Uint32Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let run = 0;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (data[row + x]! < 128) run++;
      integral[(y + 1) * W + x + 1] = integral[y * W + x + 1]! + run;
    }
  }
  const inkIn = (x0: number, y0: number, x1: number, y1: number): number => {
    const a = Math.max(0, x0);
    const b = Math.max(0, y0);
    const c = Math.min(w, x1);
    const d = Math.min(h, y1);
    return integral[d * W + c]! - integral[b * W + c]! - integral[d * W + a]! + integral[b * W + a]!;
  };
  let out: Uint8Array | null = null;
  let erased = 0;
  forEachInkComponent(
    img,
    127,
    ({ x0, y0, x1, y1, area }, pixels) => {
      if (area > maxArea) return;
      // Lone: the only ink in the box grown by r is the speck itself.
      if (inkIn(x0 - r, y0 - r, x1 + 1 + r, y1 + 1 + r) > area) return;
      out ??= new Uint8Array(data);
      for (const p of pixels) out[p] = 255;
      erased++;
    },
    maxArea,
  );
  return { image: out ? { data: out, width: w, height: h } : img, erased };
}
