/** Preprocessing: page image → grayscale, flattened, upright, deskewed image for OCR. */
export { prepare, plausibleDpi, SPECKLE_THRESHOLD, type PrepareOptions } from './prepare.js';
export { despeckle, speckleRatio } from './speckle.js';
export { type GrayImage, decodeGray, encodePng, createGray, downscaleMean, histogram, otsuThreshold, rotateRight, resizeGray } from './gray.js';
export { applyAffine, compose, invert, IDENTITY } from '../affine.js';
export { flattenBackground, flattenAndNormalize, estimateBackground, type FlattenOptions } from './flatten.js';
export { normalizeContrast, contrastLut } from './contrast.js';
export { binarizeOtsu, binarizeSauvola, type SauvolaOptions } from './binarize.js';
export { rotateGray, type Rotated } from './rotate.js';
export { inkPoints, measureSkewPoints, projectionProfile, type InkPoints, type SkewResult, type SkewSearchOptions } from './skew.js';
export { detectOrientationPoints, ascenderBalance, MIN_CONTRAST, MIN_CERTAIN_LINES, CERTAIN_BALANCE, type OrientationResult } from './orientation.js';
export { measureSkew, detectOrientation } from './measure.js';
export { removeRules, type RuleOptions, type RuleResult } from './rules.js';
export { findColourMarks, eraseMarks, type ColourMarks } from './marks.js';
export { isBilevel, edgeWidth, blurGray, unsharpGray } from './sharpness.js';
