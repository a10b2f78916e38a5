/** Contrast normalization: map the ink core to black and the paper to white. */
import { type GrayImage, otsuThreshold } from './gray.js';

function medianOf(hist: Uint32Array, lo: number, hi: number): number {
  let n = 0;
  for (let i = lo; i <= hi; i++) n += hist[i]!;
  let acc = 0;
  for (let i = lo; i <= hi; i++) {
    acc += hist[i]!;
    if (acc * 2 >= n) return i;
  }
  return hi;
}

/**
 * Lookup table of the linear stretch from the median ink level (→ 0) to the
 * median paper level (→ 255), splitting ink and paper by Otsu; undefined when
 * the histogram has no clear ink/paper split.
 */
export function contrastLut(hist: Uint32Array): { lut: Uint8Array; black: number; white: number } | undefined {
  const t = otsuThreshold(hist);
  const black = medianOf(hist, 0, t);
  const white = medianOf(hist, t + 1, 255);
  if (white - black < 24) return undefined;
  const lut = new Uint8Array(256);
  const span = white - black;
  for (let i = 0; i < 256; i++) lut[i] = Math.max(0, Math.min(255, Math.round(((i - black) * 255) / span)));
  return { lut, black, white };
}

/**
 * Contrast normalization (see contrastLut). Faint, low-contrast scans gain the
 * most; already-crisp pages barely change. Returns the input unchanged when
 * the page has no clear ink/paper split.
 */
export function normalizeContrast(img: GrayImage): { image: GrayImage; black: number; white: number } {
  // Every 3rd pixel is plenty for a page histogram.
  const hist = new Uint32Array(256);
  for (let i = 0; i < img.data.length; i += 3) hist[img.data[i]!]!++;
  const c = contrastLut(hist);
  if (!c) return { image: img, black: 0, white: 255 };
  const { lut } = c;
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = lut[img.data[i]!]!;
  return { image: { data: out, width: img.width, height: img.height }, black: c.black, white: c.white };
}
