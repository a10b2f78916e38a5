/** Convenience wrappers: skew and orientation straight from a grayscale image. */
import { downscaleMean, type GrayImage } from './gray.js';
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
