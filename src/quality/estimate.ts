/**
 * Quality estimate of OCR output without a transcription: a score in [0, 1]
 * calibrated so that 1 − score ≈ the page's character error rate.
 */
import type { BBox, RestoredPage } from '../types.js';
import { extractFeatures, type PageInput, type QualityFeatures } from './features.js';
import { loadQualityModel, predictCer, type QualityModelFile } from './model.js';

export interface EstimateOptions {
  /** Pages scoring below this need review (default: the model's, 0.9). */
  threshold?: number;
  /** How many least-certain words to list (default 10). */
  leastCertain?: number;
  /**
   * Flag pages where the OCR found no text (default true). Their score is then 0; they
   * carry no weight in the document score, which is weighted by length.
   */
  flagEmptyPages?: boolean;
  /** A model file to use instead of the committed calibration. */
  model?: QualityModelFile;
}

export interface UncertainWord {
  text: string;
  /** Confidence 0–100 (the OCR engine's, or the restorer's × 100 when lower). */
  conf: number;
  bbox?: BBox;
}

export interface QualityEstimate {
  /** 1 − expected CER, in [0, 1]. */
  score: number;
  needsReview: boolean;
  /** Which calibrated model produced the score ('empty' for a page without text). */
  model: string;
  features: QualityFeatures;
  /** Words most worth checking, lowest confidence first. */
  leastCertain: UncertainWord[];
}

/** Alias used by the pipeline. */
export type DocumentQuality = DocumentEstimate;

export interface DocumentEstimate {
  /** Character-weighted mean of the page scores (0 for a document with no text on any page, unless flagEmptyPages is false). */
  score: number;
  needsReview: boolean;
  /** Why the whole document needs review, beyond its flagged pages (a document with no text). */
  reason?: string;
  /** 1-based numbers of the pages needing review. */
  flaggedPages: number[];
  pages: QualityEstimate[];
}

function leastCertainWords(page: PageInput, limit: number): UncertainWord[] {
  if (limit <= 0) return [];
  const out: UncertainWord[] = [];
  for (const w of page.words ?? []) {
    if (w.text.trim() === '') continue;
    out.push(w.bbox ? { text: w.text, conf: w.conf, bbox: w.bbox } : { text: w.text, conf: w.conf });
  }
  if (out.length === 0) {
    for (const t of page.restored?.tokens ?? []) out.push({ text: t.text, conf: t.confidence * 100 });
  }
  return out.sort((a, b) => a.conf - b.conf).slice(0, limit);
}

function isRestoredPage(page: PageInput | RestoredPage): page is RestoredPage {
  return 'ocr' in page && typeof page.ocr === 'object';
}

/**
 * The estimator's view of a pipeline page. Text features are taken from the OCR text,
 * as calibrated; the restorer's choices come in as restored tokens.
 */
export function pageInputOf(page: RestoredPage): PageInput {
  const words = page.ocr.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
  return {
    text: page.ocr.text,
    words: words.map((w) => ({ text: w.text, conf: w.conf, bbox: w.bbox })),
    restored: {
      tokens: page.words.map((w, i) => ({
        original: w.original,
        text: w.text,
        source: [i],
        alternatives: [],
        confidence: w.restoreConfidence,
        changed: w.changed,
      })),
    },
    width: page.ocr.width,
    height: page.ocr.height,
    dpi: page.ocr.dpi,
  };
}

/**
 * Estimates one page's OCR quality from its text and, when given, word confidences and
 * restorer output. Accepts the estimator's own input or a pipeline RestoredPage.
 */
export function estimate(input: PageInput | RestoredPage, options: EstimateOptions = {}): QualityEstimate {
  const page = isRestoredPage(input) ? pageInputOf(input) : input;
  const file = options.model ?? loadQualityModel();
  const threshold = options.threshold ?? file.threshold;
  const features = extractFeatures(page);
  const leastCertain = leastCertainWords(page, options.leastCertain ?? 10);
  if (features.chars === 0) {
    // No text at all: either a blank sheet or a page the OCR could not read (too faint, a photo,
    // handwriting). Nothing tells them apart here, and a missed page costs more than a glance.
    const flag = options.flagEmptyPages ?? true;
    return { score: flag ? 0 : 1, needsReview: flag, model: 'empty', features, leastCertain };
  }
  const prediction = predictCer(file, features);
  const score = prediction ? 1 - prediction.cer : 0;
  return {
    score,
    needsReview: score < threshold,
    model: prediction?.model ?? 'none',
    features,
    leastCertain,
  };
}

function isEstimate(page: PageInput | RestoredPage | QualityEstimate): page is QualityEstimate {
  return 'score' in page && 'features' in page;
}

/**
 * The document's quality from its pages (weighted by their length). Pages may be given
 * as inputs to estimate, or as estimates already made (as the pipeline does).
 */
export function estimateDocument(
  pages: ReadonlyArray<PageInput | RestoredPage | QualityEstimate>,
  options: EstimateOptions = {},
): DocumentEstimate {
  const file = options.model ?? loadQualityModel();
  const threshold = options.threshold ?? file.threshold;
  const estimates = pages.map((p) => (isEstimate(p) ? p : estimate(p, { ...options, model: file, threshold })));
  let weight = 0;
  let sum = 0;
  for (const e of estimates) {
    weight += e.features.chars;
    sum += e.features.chars * e.score;
  }
  const flaggedPages = estimates.flatMap((e, i) => (e.needsReview ? [i + 1] : []));
  if (weight === 0 && options.flagEmptyPages !== false) {
    // Blank pages, or pages the OCR could not read at all: nothing here is known to be right.
    const reason = estimates.length === 0 ? 'no pages' : 'no text found on any page';
    return { score: 0, needsReview: true, reason, flaggedPages, pages: estimates };
  }
  const score = weight === 0 ? 1 : sum / weight;
  return { score, needsReview: flaggedPages.length > 0 || score < threshold, flaggedPages, pages: estimates };
}
