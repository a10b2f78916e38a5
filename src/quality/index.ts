/** Quality scoring: against a transcription (score) and without one (estimate). */
export { cer, score, type ScoreOptions, type ScoreReport } from './score.js';
export { align, editDistance, formatAlignment, intern, countEdits, type EditOp, type EditKind, type FormatOptions } from './align.js';
export { graphemes, normalizeForScoring, stripDiacritics, unifyTonePlacement, type NormalizeOptions } from './text.js';
export { extractFeatures, lineEvidence, xHeightOf, type PageInput, type PageLine, type PageWord, type QualityFeatures } from './features.js';
export {
  estimate,
  estimateDocument,
  pageInputOf,
  type DocumentEstimate,
  type DocumentQuality,
  type EstimateOptions,
  type QualityEstimate,
  type UncertainWord,
  type CatalogueFields,
  catalogueReasons,
  pageReasons,
} from './estimate.js';
export { reviewRows, sortReviewRows, type ReviewRow } from './review.js';
export { loadQualityModel, predictCer, type LinearModel, type QualityModelFile } from './model.js';
