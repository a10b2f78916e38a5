/**
 * What the scanned image itself says about how well it can be read, measured once on the
 * page as decoded (before rescaling or cleaning), for the quality estimate (issue 15): blur,
 * resolution, 1-bit storage, faintness, speckle and stroke thickness. Rows are sampled, so
 * it costs a few milliseconds per page.
 */
import { type GrayImage, otsuThreshold } from './gray.js';
import { speckleRatio } from './speckle.js';
import type { ImageStats } from '../types.js';

function quantileOfHist(hist: Uint32Array, total: number, q: number): number {
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= q * total) return v;
  }
  return 255;
}

/** Mean of the middle 80 % of sorted values (robust to a few stray measurements). */
function trimmedMean(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const lo = Math.floor(0.1 * values.length);
  const hi = Math.max(lo + 1, Math.ceil(0.9 * values.length));
  let s = 0;
  for (let i = lo; i < hi; i++) s += values[i]!;
  return s / (hi - lo);
}

/**
 * Measures the page image. `dpi` is the image's resolution (as the PDF or the size of the sheet
 * says); widths are given in pixels at 300 dpi so pages of any resolution compare.
 */
export function imageStats(img: GrayImage, dpi: number, bilevel: boolean): ImageStats {
  const { width: w, height: h, data } = img;
  const hist = new Uint32Array(256);
  let total = 0;
  const step = Math.max(1, Math.floor(data.length / 400_000));
  for (let i = 0; i < data.length; i += step) {
    hist[data[i]!]!++;
    total++;
  }
  // Ink and paper levels: the medians of the pixels on either side of Otsu's threshold (a page
  // with a few lines of print, such as a closing page, has well under 1 % ink).
  const t = otsuThreshold(hist);
  const dark = hist.slice(0, t + 1).reduce((a, v) => a + v, 0);
  const ink = dark === 0 ? t : quantileOfHist(hist, total, 0.5 * (dark / total));
  const paper = quantileOfHist(hist, total, (dark + 0.5 * (total - dark)) / total);
  const contrast = Math.max(0, paper - ink) / 255;
  const scale = 300 / Math.max(1, dpi);
  // Edge width: pixels over which a row falls from 75 % to 25 % of the paper-to-ink range at a
  // paper→ink step (sub-pixel by linear interpolation); stroke width: length of dark runs.
  const edges: number[] = [];
  const strokes: number[] = [];
  const range = paper - ink;
  const rowStep = Math.max(1, Math.floor(h / 300));
  if (range > 20) {
    const hiCut = ink + 0.75 * range;
    const loCut = ink + 0.25 * range;
    for (let y = 0; y < h; y += rowStep) {
      const row = y * w;
      let run = 0;
      for (let x = 1; x < w; x++) {
        const v = data[row + x]!;
        if (v <= t) run++;
        else if (run > 0) {
          if (run < 0.1 * dpi) strokes.push(run);
          run = 0;
        }
        // A crossing of the upper cut going down: follow to the lower cut within 12 px.
        const a = data[row + x - 1]!;
        if (a > hiCut && v <= hiCut) {
          let e = x;
          while (e < x + 12 && e < w - 1 && data[row + e]! > loCut && data[row + e + 1]! <= data[row + e]!) e++;
          if (data[row + e]! > loCut) continue;
          // Sub-pixel positions of the two crossings.
          const p0 = x - 1 + (a - hiCut) / Math.max(1, a - v);
          const b0 = data[row + e - 1]!;
          const b1 = data[row + e]!;
          const p1 = e - 1 + (b0 - loCut) / Math.max(1, b0 - b1);
          edges.push(Math.max(0, p1 - p0));
        }
      }
    }
  }
  return {
    dpi,
    bilevel,
    edgeWidth: Number((trimmedMean(edges) * scale).toFixed(3)),
    strokeWidth: Number((trimmedMean(strokes) * scale).toFixed(3)),
    contrast: Number(contrast.toFixed(3)),
    speckle: Number(speckleRatio(img).toFixed(4)),
  };
}
