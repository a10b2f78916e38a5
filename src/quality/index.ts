/** Quality scoring: against a transcription (score) and without one (estimate). */
export { cer, score, type ScoreReport } from './score.js';
export { align, editDistance, formatAlignment, intern } from './align.js';
export { graphemes, normalizeForScoring } from './text.js';
export { lineEvidence, xHeightOf, type PageInput, type PageLine } from './features.js';
export { estimate, estimateDocument, catalogueReasons, type DocumentEstimate, type DocumentQuality, type QualityEstimate } from './estimate.js';
export { reviewRows, sortReviewRows } from './review.js';
export { loadQualityModel } from './model.js';
