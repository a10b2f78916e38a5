/** Quality scoring: against a transcription (score) and without one (estimate). */
export { score, type ScoreOptions, type ScoreReport } from './score.js';
export { align, editDistance, formatAlignment, intern, countEdits, type EditOp, type EditKind, type FormatOptions } from './align.js';
export { graphemes, normalizeForScoring, stripDiacritics, unifyTonePlacement, type NormalizeOptions } from './text.js';
export {
  extractFeatures,
  jumbledLines,
  lineEvidence,
  textGaps,
  wordPairs,
  xHeightOf,
  type PageInput,
  type PageLine,
  type PageWord,
  type QualityFeatures,
  type TextGap,
  type WordPair,
} from './features.js';
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
export { qualityCsv, qualityCsvHeader, qualityCsvRow, type QualityCsvRow } from './report.js';
