/**
 * The calibrated mapping from page features to an expected CER, read from
 * dictionaries/quality-model.json (written by scripts/calibrate-quality.ts).
 *
 * The file holds several linear models, most informed first; a page uses the first
 * whose features it has, so text without word confidences still gets an estimate.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VanbanError } from '../errors.js';
import type { QualityFeatures } from './features.js';

/** A feature name, a name with "^2" for its square, or "a*b" for the product of two features. */
export type FeatureTerm = string;

export interface LinearModel {
  name: string;
  terms: FeatureTerm[];
  /** Standardisation applied to each term before the weights: (x − mean) / scale. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /**
   * 'sqrt': the model predicts √CER (errors spread more evenly), squared back; 'log': it predicts
   * ln(CER + 0.005), which orders the many pages under 1 % as finely as the bad ones.
   */
  target: 'cer' | 'sqrt' | 'log';
}

export interface QualityModelFile {
  version: 1;
  /** Default review threshold on the score. */
  threshold: number;
  models: LinearModel[];
  /**
   * Residual quantiles (10th, 90th) of √CER on cross-validated dev pages: the interval of an
   * estimate is (√cer + lower)² … (√cer + upper)².
   */
  interval?: {
    lower: number;
    upper: number;
    /**
     * Pages with fewer letter tokens than `words` (a closing page with a few lines) have their
     * own, wider quantiles: one misread line weighs more there.
     */
    short?: { words: number; lower: number; upper: number };
  };
  /**
   * Evidence that flags a page whatever its estimated CER, each kept only when it did not
   * raise false alarms on dev pages: a word at confidence 0, lines interleaved or merged, words
   * out of order (jumbled), a blank band inside the text (print not read).
   */
  rules?: { zeroConf?: boolean; interleaved?: boolean; mixed?: boolean; jumbled?: boolean; gaps?: boolean };
  /** Reasons name print smaller than this x-height (px) as low resolution. */
  smallPrintPx?: number;
  /** How the models were fitted and how they did on held-out pages (informative). */
  calibration?: Record<string, unknown>;
}

export const MODEL_PATH = fileURLToPath(new URL('../../dictionaries/quality-model.json', import.meta.url));

let cached: QualityModelFile | undefined;

function isModelFile(value: unknown): value is QualityModelFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<QualityModelFile>;
  return (
    v.version === 1 &&
    typeof v.threshold === 'number' &&
    Array.isArray(v.models) &&
    v.models.every(
      (m) =>
        Array.isArray(m.terms) &&
        m.terms.length === m.weights.length &&
        m.terms.length === m.mean.length &&
        m.terms.length === m.scale.length &&
        typeof m.bias === 'number',
    )
  );
}

/** Reads and checks a model file (default: the committed calibration). */
export function loadQualityModel(path: string = MODEL_PATH): QualityModelFile {
  if (path === MODEL_PATH && cached) return cached;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new VanbanError('MODEL', 'cannot read the quality model; reinstall vanban or rerun scripts/calibrate-quality.ts', {
      file: path,
      cause,
    });
  }
  if (!isModelFile(parsed)) {
    throw new VanbanError('MODEL', 'the quality model is malformed; rerun scripts/calibrate-quality.ts', { file: path });
  }
  if (path === MODEL_PATH) cached = parsed;
  return parsed;
}

function termValue(features: QualityFeatures, term: FeatureTerm): number | undefined {
  const star = term.indexOf('*');
  if (star > 0) {
    const a = termValue(features, term.slice(0, star));
    const b = termValue(features, term.slice(star + 1));
    return a === undefined || b === undefined ? undefined : a * b;
  }
  const squared = term.endsWith('^2');
  const name = (squared ? term.slice(0, -2) : term) as keyof QualityFeatures;
  const value = features[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return squared ? value * value : value;
}

/** The term values of a model, or undefined when the page lacks one of them. */
export function termVector(features: QualityFeatures, terms: readonly FeatureTerm[]): number[] | undefined {
  const out: number[] = [];
  for (const term of terms) {
    const v = termValue(features, term);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Raw linear output of a model on a term vector. */
export function linearOutput(model: LinearModel, x: readonly number[]): number {
  let y = model.bias;
  for (let i = 0; i < x.length; i++) y += model.weights[i]! * ((x[i]! - model.mean[i]!) / (model.scale[i]! || 1));
  return y;
}

/** Offset of the 'log' target: ln(CER + LOG_OFFSET). */
export const LOG_OFFSET = 0.005;

/** A model's target value for a CER. */
export function cerToTarget(target: LinearModel['target'], cer: number): number {
  return target === 'sqrt' ? Math.sqrt(cer) : target === 'log' ? Math.log(cer + LOG_OFFSET) : cer;
}

/** Expected CER in [0, 1] from a model's linear output. */
export function outputToCer(model: LinearModel, y: number): number {
  const cer = model.target === 'sqrt' ? Math.max(0, y) ** 2 : model.target === 'log' ? Math.exp(Math.min(0, y)) - LOG_OFFSET : y;
  return Math.min(1, Math.max(0, cer));
}

/** Expected CER of a page, and the model used; undefined when no model fits its features. */
export function predictCer(file: QualityModelFile, features: QualityFeatures): { cer: number; model: string } | undefined {
  for (const model of file.models) {
    const x = termVector(features, model.terms);
    if (x) return { cer: outputToCer(model, linearOutput(model, x)), model: model.name };
  }
  return undefined;
}
