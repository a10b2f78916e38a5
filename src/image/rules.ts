/**
 * Ruling-line removal: the underlines Nghị định 30/2020 puts under the agency
 * name and the motto, table borders and form lines. On a 1-bit office scan an
 * underline touches the descenders, and Tesseract then reads the words above it
 * as one glued run ("Độclập-Tựdo-Hạnhphúc"). A ruling line is a long, thin run
 * of ink; glyph strokes are short in one direction or the other. Line pixels are
 * erased except where a stroke crosses the line (ink directly above and below),
 * so a letter the line runs through keeps its stem.
 */
import type { GrayImage } from './gray.js';

export interface RuleOptions {
  /** Resolution of the image (sets the length and thickness limits). */
  dpi: number;
  /** Shortest run that counts as a rule, in inches (default 0.3: longer than any glyph stroke or dash at body sizes). */
  minLengthInches?: number;
  /** Thickest rule, in inches (default 0.035 ≈ 2.5 pt; thicker bars are artwork, not rules). */
  maxThicknessInches?: number;
  /** Gray level below which a pixel is ink (default 128; run after contrast normalisation). */
  inkBelow?: number;
}

export interface RuleResult {
  image: GrayImage;
  /** Horizontal and vertical rules found (runs merged per line). */
  horizontal: number;
  vertical: number;
  /** Pixels turned to paper. */
  erased: number;
}

/**
 * Marks in `mask` the ink pixels of runs along the fast axis longer than `minLen`,
 * bridging gaps up to `maxGap` (1-bit scans break thin lines). A run may step one
 * line up or down on its way: what deskewing leaves (a few tenths of a degree)
 * turns a long rule into a staircase of short runs.
 */
function markRuns(ink: Uint8Array, outer: number, inner: number, index: (o: number, i: number) => number, minLen: number, maxGap: number, mask: Uint8Array): number {
  let found = 0;
  const near = (o: number, i: number): boolean =>
    ink[index(o, i)] === 1 || (o > 0 && ink[index(o - 1, i)] === 1) || (o + 1 < outer && ink[index(o + 1, i)] === 1);
  for (let o = 0; o < outer; o++) {
    let start = -1;
    let lastInk = -1;
    const close = (end: number): void => {
      if (start >= 0 && end - start + 1 >= minLen) {
        let own = 0;
        for (let i = start; i <= end; i++) own += ink[index(o, i)]!;
        // The line's own pixels must carry a good part of the run, or it is a staircase of neighbours' ink.
        if (own < 0.25 * (end - start + 1)) return;
        for (let i = start; i <= end; i++) if (ink[index(o, i)]) mask[index(o, i)] = 1;
        found++;
      }
    };
    for (let i = 0; i < inner; i++) {
      if (!near(o, i)) continue;
      if (start < 0 || i - lastInk - 1 > maxGap) {
        close(lastInk);
        start = i;
      }
      lastInk = i;
    }
    close(lastInk);
  }
  return found;
}

/**
 * Erases thin masked bands across the slow axis: a vertical extent of masked
 * pixels no thicker than `maxThick` is a rule, unless ink continues on both sides
 * of it (a glyph stroke crossing the rule).
 */
function eraseBands(
  data: Uint8Array,
  ink: Uint8Array,
  mask: Uint8Array,
  outer: number,
  inner: number,
  index: (o: number, i: number) => number,
  maxThick: number,
): number {
  let erased = 0;
  for (let o = 0; o < outer; o++) {
    let i = 0;
    while (i < inner) {
      if (!mask[index(o, i)]) {
        i++;
        continue;
      }
      const s = i;
      while (i < inner && mask[index(o, i)]) i++;
      const e = i - 1;
      if (e - s + 1 > maxThick) continue;
      const before = s > 0 && ink[index(o, s - 1)] === 1;
      const after = e + 1 < inner && ink[index(o, e + 1)] === 1;
      if (before && after) continue;
      for (let k = s; k <= e; k++) {
        data[index(o, k)] = 255;
        erased++;
      }
    }
  }
  return erased;
}

/** Removes horizontal and vertical ruling lines; returns the input itself when there are none. */
export function removeRules(img: GrayImage, options: RuleOptions): RuleResult {
  const { width: w, height: h } = img;
  const minLen = Math.max(20, Math.round((options.minLengthInches ?? 0.3) * options.dpi));
  const maxThick = Math.max(2, Math.round((options.maxThicknessInches ?? 0.035) * options.dpi));
  const inkBelow = options.inkBelow ?? 128;
  const maxGap = Math.max(1, Math.round(options.dpi / 150));
  const ink = new Uint8Array(w * h);
  for (let p = 0; p < ink.length; p++) ink[p] = img.data[p]! < inkBelow ? 1 : 0;

  const hMask = new Uint8Array(w * h);
  const rowIdx = (y: number, x: number): number => y * w + x;
  const colIdx = (x: number, y: number): number => y * w + x;
  const hRuns = markRuns(ink, h, w, rowIdx, minLen, maxGap, hMask);
  const vMask = new Uint8Array(w * h);
  const vRuns = markRuns(ink, w, h, colIdx, minLen, maxGap, vMask);
  if (hRuns === 0 && vRuns === 0) return { image: img, horizontal: 0, vertical: 0, erased: 0 };

  const data = new Uint8Array(img.data);
  // Horizontal rules are thin along y: walk each column; vertical ones along x: walk each row.
  let erased = hRuns ? eraseBands(data, ink, hMask, w, h, colIdx, maxThick) : 0;
  if (vRuns) erased += eraseBands(data, ink, vMask, h, w, rowIdx, maxThick);
  if (erased === 0) return { image: img, horizontal: 0, vertical: 0, erased: 0 };
  return { image: { data, width: w, height: h }, horizontal: countLines(hRuns, hMask, w, h, true), vertical: countLines(vRuns, vMask, w, h, false), erased };
}

/** Distinct rules: adjacent rows (or columns) of one thick line count once. */
function countLines(runs: number, mask: Uint8Array, w: number, h: number, horizontal: boolean): number {
  if (runs === 0) return 0;
  const outer = horizontal ? h : w;
  const inner = horizontal ? w : h;
  let lines = 0;
  let previous = false;
  for (let o = 0; o < outer; o++) {
    let any = false;
    for (let i = 0; i < inner && !any; i++) any = mask[horizontal ? o * w + i : i * w + o] === 1;
    if (any && !previous) lines++;
    previous = any;
  }
  return lines;
}
