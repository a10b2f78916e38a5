/**
 * Page orientation (0/90/180/270) without Tesseract's OSD model.
 *  - 0 vs 90: text lines give a much sharper projection profile along the line
 *    direction than across it.
 *  - up vs down: in Latin script, and much more in Vietnamese, ink above the
 *    x-height band (ascenders, capitals, tone marks, circumflexes, breves)
 *    outweighs ink below the baseline (descenders, the dot-below tone mark).
 *    Turned 180°, that asymmetry flips.
 */
import { coarseSkew, type InkPoints, lineStructure, projectionProfile, refineSkew, type SkewResult, transposePoints } from './skew.js';

export interface OrientationResult {
  /** Clockwise rotation that makes the text upright. */
  rotation: 0 | 90 | 180 | 270;
  /** Profile sharpness with lines horizontal / vertical (ratio > 1 favours the winner). */
  lineRatio: number;
  /** Ink above the x-height band divided by ink below it, in the upright candidate. */
  ascenderRatio: number;
  /** Number of text lines the up/down vote used. */
  lines: number;
  /** Skew of the page after the rotation (degrees, positive = lines rise to the right). */
  skew: SkewResult;
  /**
   * Up/down rests on little evidence: few lines (a sparse last page holding only the
   * closing block) or an ascender balance near 1. The OCR stage then reads both ways up.
   */
  uncertain: boolean;
}

/** Fewer text lines than this leave the up/down vote open (full pages have 30–50). */
export const MIN_CERTAIN_LINES = 12;
/** An ascender balance within [1/x, x] leaves the vote open (upright pages measure 1.6–3). */
export const CERTAIN_BALANCE = 1.3;

/**
 * Ink above / below the x-height band, summed over the text lines of a profile
 * whose bins run top to bottom.
 */
export function ascenderBalance(prof: Float64Array): { above: number; below: number; lines: number } {
  let peak = 0;
  for (let i = 0; i < prof.length; i++) if (prof[i]! > peak) peak = prof[i]!;
  let above = 0;
  let below = 0;
  let lines = 0;
  if (peak === 0) return { above, below, lines };
  // Line = run of bins with some ink; a small floor separates lines touching via specks.
  const floor = peak * 0.02;
  let i = 0;
  while (i < prof.length) {
    if (prof[i]! <= floor) {
      i++;
      continue;
    }
    const s = i;
    let linePeak = 0;
    while (i < prof.length && prof[i]! > floor) {
      if (prof[i]! > linePeak) linePeak = prof[i]!;
      i++;
    }
    const e = i - 1;
    if (e - s < 3 || linePeak < peak * 0.1) continue;
    // x-height band: from the first to the last bin at ≥ 40 % of the line's peak.
    const cut = linePeak * 0.4;
    let b0 = s;
    while (prof[b0]! < cut) b0++;
    let b1 = e;
    while (prof[b1]! < cut) b1--;
    let a = 0;
    let d = 0;
    for (let k = s; k < b0; k++) a += prof[k]!;
    for (let k = b1 + 1; k <= e; k++) d += prof[k]!;
    above += a;
    below += d;
    lines++;
  }
  return { above, below, lines };
}

/** Profile sharpness at the best angle over the mean of the scan: text pages score 8–20, noise ~1–2. */
export const MIN_CONTRAST = 3;

function rotatePoints90(p: InkPoints): InkPoints {
  // Clockwise quarter turn about the centre: (x, y) → (−y, x).
  const xs = new Float32Array(p.count);
  for (let i = 0; i < p.count; i++) xs[i] = -p.ys[i]!;
  return { xs, ys: p.xs.slice(0, p.count), count: p.count, width: p.height, height: p.width };
}

/**
 * Detects the page orientation from its ink points.
 * `minLineRatio`: how much sharper the vertical-line hypothesis must be before we turn the page by 90°.
 */
export function detectOrientationPoints(p: InkPoints, minLineRatio = 1.5, maxAngle = 10): OrientationResult {
  if (p.count < 200) return { rotation: 0, lineRatio: 1, ascenderRatio: 1, lines: 0, skew: { angle: 0, score: 0, contrast: 1 }, uncertain: false };
  const hc = coarseSkew(p, maxAngle);
  const vp = transposePoints(p);
  const vc = coarseSkew(vp, maxAngle);
  const hs = lineStructure(projectionProfile(p, hc.angle, 0.5));
  const vs = lineStructure(projectionProfile(vp, vc.angle, 0.5));
  const lineRatio = hs > 0 ? vs / hs : vs > 0 ? Infinity : 1;
  // A sparse page (a last page holding only the closing block) gives line structure little
  // to measure; the skew search's peak-over-mean then tells which way its few lines run.
  const hContrast = hc.mean > 0 ? hc.score / hc.mean : 1;
  const vContrast = vc.mean > 0 ? vc.score / vc.mean : 1;
  const sparseVertical = hContrast < MIN_CONTRAST && vContrast >= MIN_CONTRAST && vContrast > 2 * hContrast;
  const vertical = lineRatio > minLineRatio || (sparseVertical && lineRatio > 1 / minLineRatio);
  const upright = vertical ? rotatePoints90(p) : p;
  // Transposing mirrors the page; after the clockwise turn the lines slope the other way.
  const c = vertical ? { ...vc, angle: -vc.angle } : hc;
  const r = refineSkew(upright, c.angle, c.step, maxAngle);
  const skew: SkewResult = { angle: r.angle, score: r.score, contrast: c.mean > 0 ? c.score / c.mean : 1 };
  // No line structure (blank page, noise, a photo): nothing to turn or level.
  if (skew.contrast < MIN_CONTRAST) return { rotation: 0, lineRatio: 1, ascenderRatio: 1, lines: 0, skew: { ...skew, angle: 0 }, uncertain: false };
  const bal = ascenderBalance(projectionProfile(upright, skew.angle));
  const ascenderRatio = bal.below > 0 ? bal.above / bal.below : bal.above > 0 ? Infinity : 1;
  // Too little evidence to turn a page upside down: leave it as it is.
  const flip = bal.lines >= 2 && ascenderRatio < 1;
  const rotation = vertical ? (flip ? 270 : 90) : flip ? 180 : 0;
  // Turning a page over on ink statistics alone needs more lines than leaving it: rules and
  // underlines below a dozen lines outweighed their ascenders on a 1-bit dev page.
  const uncertain =
    bal.lines < (flip ? 2 * MIN_CERTAIN_LINES : MIN_CERTAIN_LINES) || (ascenderRatio < CERTAIN_BALANCE && ascenderRatio > 1 / CERTAIN_BALANCE);
  return { rotation, lineRatio: vertical ? lineRatio : 1 / Math.max(lineRatio, 1e-9), ascenderRatio, lines: bal.lines, skew, uncertain };
}
