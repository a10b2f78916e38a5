/** Preprocessing: page image → grayscale, flattened, upright, deskewed image for OCR. */
export { prepare, prepareStepStats, INK_COUNT_CAP, plausibleDpi, SPECKLE_THRESHOLD, type PrepareOptions } from './prepare.js';
export { removeLoneSpecks, speckleRatio } from './speckle.js';
export { type GrayImage, decodeGray, createGray, downscaleMean, rotateRight } from './gray.js';
export { flattenBackground, flattenAndNormalize } from './flatten.js';
export { rotateGray } from './rotate.js';
export { measureSkew, detectOrientation, xHeight } from './measure.js';
export { removeRules } from './rules.js';
