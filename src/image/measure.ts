/** Page measurements straight from a grayscale image: skew, orientation, x-height. */
import { forEachInkComponent } from './components.js';
import { downscaleMean, type GrayImage, histogram, otsuThreshold } from './gray.js';
import { detectOrientationPoints, type OrientationResult } from './orientation.js';
import { inkPoints, measureSkewPoints, type SkewResult } from './skew.js';

function measureCopy(img: GrayImage, dpi: number): GrayImage {
  return downscaleMean(img, Math.max(1, Math.round(dpi / 150)));
}

/** Skew in degrees (positive = lines rise to the right) of an upright page. */
export function measureSkew(img: GrayImage, options: { dpi?: number; maxAngle?: number } = {}): SkewResult {
  return measureSkewPoints(inkPoints(measureCopy(img, options.dpi ?? 300)), { maxAngle: options.maxAngle ?? 10 });
}

/** Clockwise quarter-turn that makes the page upright, with the evidence. */
export function detectOrientation(img: GrayImage, options: { dpi?: number } = {}): OrientationResult {
  return detectOrientationPoints(inkPoints(measureCopy(img, options.dpi ?? 300)));
}

/**
 * x-height of the page's print in pixels: the most common height of ink components
 * (8-connected, Otsu threshold) of letter size. Lower-case letters without ascenders
 * (a c e m n o r s u v w x z and the bodies of ă â ê ô ơ ư under their marks, which are
 * components of their own) outnumber capitals and ascenders in running text, and two
 * letters touching in a coarse scan keep the height of one. 0 when the page has too
 * few components to say (under 60). Costs one pass over the pixels.
 */
export function xHeight(img: GrayImage): number {
  const t = otsuThreshold(histogram(img));
  const heights = new Uint32Array(256);
  let n = 0;
  forEachInkComponent(img, t, ({ x0, y0, x1, y1, area }) => {
    const ch = y1 - y0 + 1;
    const cw = x1 - x0 + 1;
    // Letter-shaped: not a speck, a rule, a dash or a seal; a few letters wide at most.
    if (ch < 4 || ch > 255 || cw < 2 || cw > 4 * ch || area < 0.2 * cw * ch) return;
    heights[ch]!++;
    n++;
  });
  if (n < 60) return 0;
  // The mode, on counts smoothed over ±1 px (a height splits between two neighbours).
  let best = 0;
  let bestAt = 0;
  for (let v = 4; v < 255; v++) {
    const s = heights[v - 1]! + 2 * heights[v]! + heights[v + 1]!;
    if (s > best) {
      best = s;
      bestAt = v;
    }
  }
  return bestAt;
}
