/**
 * Quality estimate of OCR output without a transcription: a score in [0, 1]
 * calibrated so that 1 − score ≈ the page's character error rate.
 */
import type { BBox, RestoredPage } from '../types.js';
import { extractFeatures, jumbledLines, lineEvidence, textGaps, wordPairs, type PageInput, type QualityFeatures, type TextGap } from './features.js';
import { linearOutput, loadQualityModel, predictCer, termVector, type QualityModelFile } from './model.js';

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
  /** Catalogue fields the structure stage found (document level: missing or implausible ones become reasons). */
  catalogue?: CatalogueFields;
  /** "Today" for the future-date check (default: now). */
  today?: Date;
}

/** The catalogue fields whose absence or implausibility is worth a reason. */
export interface CatalogueFields {
  number?: string | null;
  symbol?: string | null;
  /** ISO date (yyyy-mm-dd) as the structure stage read it. */
  date?: string | null;
  /** The date as written (present with a blank day in drafts). */
  dateText?: string | null;
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
  /** Expected CER, 0–1. */
  cer: number;
  /** Likely range of the CER (10th–90th percentile of dev-page errors around the estimate). */
  cerInterval: [number, number];
  needsReview: boolean;
  /** What looks wrong on the page, in words ("blurred: x-height 9 px", "word at confidence 0: …"). */
  reasons: string[];
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
  /** Character-weighted expected CER and its range. */
  cer: number;
  cerInterval: [number, number];
  needsReview: boolean;
  /** Why the whole document needs review, beyond its flagged pages (a document with no text). */
  reason?: string;
  /** Document-level reasons (catalogue fields missing or implausible), then "page N: …" for flagged pages. */
  reasons: string[];
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
    lines: page.ocr.blocks.flatMap((b) => b.lines.map((l) => ({ bbox: l.bbox, words: l.words.map((w) => w.bbox) }))),
    // The OCR stage may report non-print marks (issue 14); read structurally so either version works.
    ...marksOf(page.ocr),
    ...(page.ocr.imageStats && { image: page.ocr.imageStats }),
    pageIndex: page.ocr.pageNumber,
  };
}

function marksOf(ocr: object): { marks?: number } {
  const marks = (ocr as { marks?: unknown }).marks;
  return Array.isArray(marks) ? { marks: marks.length } : {};
}

const pct = (v: number): string => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)} %`;

function lineRange([a, b]: [number, number]): string {
  return a === b ? `line ${a}` : `lines ${a}–${b}`;
}

/** Blank bands of at least this many line heights between lines of text are named as unread print. */
const UNREAD_GAP_LINES = 6;

/** Evidence of a fault that can flag a page whatever its estimate (see QualityModelFile.rules). */
interface PageEvidence {
  interleaved: Array<[number, number]>;
  mixed: number[];
  /** Runs of lines whose adjacent words the LM finds less likely than chance. */
  jumbled: Array<[number, number]>;
  /** Blank bands inside the text tall enough to hide lines of print. */
  gaps: TextGap[];
}

function pageEvidence(page: PageInput, f: QualityFeatures): PageEvidence {
  const lines = page.lines && page.lines.length > 1 ? page.lines : undefined;
  const ev = lines ? lineEvidence(lines) : undefined;
  // A band before the last line is a closing page's signature space, not lost print.
  const gaps = lines ? textGaps(lines).gaps.filter((g) => g.lines >= UNREAD_GAP_LINES && g.below < lines.length) : [];
  const jumbled = f.chars > 0 ? jumbledLines(wordPairs(page.text) ?? []) : [];
  return { interleaved: ev?.interleaved ?? [], mixed: ev?.mixed ?? [], jumbled, gaps };
}

/** What looks wrong on a page, in words; independent of the flag so a reviewer sees all of it. */
export function pageReasons(page: PageInput, f: QualityFeatures, file: QualityModelFile, evidence: PageEvidence = pageEvidence(page, f)): string[] {
  const reasons: string[] = [];
  if (f.chars === 0) return ['no text found (blank page, or print the OCR could not read)'];
  for (const run of evidence.jumbled) reasons.push(`words out of order on ${lineRange(run)} (curled or merged lines read across)`);
  for (const g of evidence.gaps.slice(0, 2)) {
    reasons.push(`print not read between lines ${g.above} and ${g.below}: a blank band of ${g.lines.toFixed(0)} line heights inside the text`);
  }
  if (page.lines && page.lines.length > 1) {
    const ev = lineEvidence(page.lines);
    for (const run of ev.interleaved) reasons.push(`two columns interleaved on ${lineRange(run)}`);
    if (ev.mixed.length > 0) {
      const shown = ev.mixed.slice(0, 5).join(', ') + (ev.mixed.length > 5 ? ', …' : '');
      reasons.push(`lines merged word by word (side-by-side text read as one line): line${ev.mixed.length > 1 ? 's' : ''} ${shown}`);
    }
  }
  const zero = (page.words ?? []).filter((w) => w.text.trim() !== '' && w.conf < 5);
  if (zero.length > 0) {
    reasons.push(`${zero.length > 1 ? `${zero.length} words` : 'word'} at confidence 0: ${zero.slice(0, 3).map((w) => `"${w.text}"`).join(', ')}`);
  }
  const small = file.smallPrintPx ?? 10;
  const conf = f.confMean;
  if (f.xHeightPx !== undefined && f.xHeightPx < small) {
    reasons.push(`low resolution or small print: x-height ${f.xHeightPx.toFixed(0)} px`);
  } else if (conf !== undefined && conf < 0.8) {
    const x = f.xHeightPx === undefined ? '' : `, x-height ${f.xHeightPx.toFixed(0)} px`;
    reasons.push(`blurred, faint or noisy print: mean word confidence ${pct(conf)}${x}`);
  }
  if (f.lowConfShare !== undefined && f.lowConfShare >= 0.15 && (conf === undefined || conf >= 0.8)) {
    reasons.push(`${pct(f.lowConfShare)} of words below 60 % confidence`);
  }
  if (f.validSyllableShare < 0.85) reasons.push(`garbled text: ${pct(1 - f.validSyllableShare)} of words are not Vietnamese syllables`);
  if (f.lmJoinGap !== undefined && f.lmJoinGap < -2.5 && f.chars > 200) reasons.push('lines out of order: line joins read poorly');
  if (f.restoreChangedShare !== undefined && f.restoreChangedShare >= 0.15) reasons.push(`restorer changed ${pct(f.restoreChangedShare)} of words`);
  if (f.signerGap >= 0.5) {
    const what = f.signerGap >= 1 ? 'neither a title nor a name' : 'a title or the name missing';
    reasons.push(`signature block not read in full (a seal or signature over it?): ${what} after "Nơi nhận"`);
  }
  if (f.marks !== undefined && f.marks > 0) reasons.push(`${f.marks} non-print mark${f.marks > 1 ? 's' : ''} (stamp, seal or handwriting)`);
  return reasons;
}

/** Reasons from the catalogue fields the structure stage found. */
export function catalogueReasons(c: CatalogueFields, today: Date = new Date()): string[] {
  const reasons: string[] = [];
  if (!c.number && !c.symbol) reasons.push('no number found');
  if (!c.date && !c.dateText) reasons.push('no date found');
  if (c.date) {
    const d = new Date(`${c.date}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) reasons.push(`implausible date: ${c.date}`);
    else if (d.getTime() > today.getTime() + 86_400_000) reasons.push(`date in the future: ${c.date}`);
    else if (d.getUTCFullYear() < 1945) reasons.push(`implausible date: ${c.date}`);
  }
  return reasons;
}

/** A feature's part in the estimate, in words. */
const TERM_WORDS: Record<string, (f: QualityFeatures) => string> = {
  confMean: (f) => `low word confidence: mean ${pct(f.confMean ?? 0)}`,
  confP10: (f) => `low word confidence: a tenth of words below ${pct(f.confP10 ?? 0)}`,
  zeroConfShare: (f) => `${pct(f.zeroConfShare ?? 0)} of words at confidence 0`,
  validSyllableShare: (f) => `${pct(1 - f.validSyllableShare)} of words are not Vietnamese syllables`,
  garbageRate: (f) => `${pct(f.garbageRate)} stray symbols`,
  oddTokenShare: (f) => `${pct(f.oddTokenShare)} of words with odd case or digits inside`,
  lmLogProb: () => 'text reads poorly under the language model (words out of order or misread)',
  lmUnknownShare: (f) => `${pct(f.lmUnknownShare ?? 0)} of words unknown to the language model`,
  xHeightLog: (f) => `small print or low resolution: x-height ${(f.xHeightPx ?? 0).toFixed(0)} px`,
  sideBySideShare: () => 'lines read across two columns',
  wordDisorderShare: (f) => `${pct(f.wordDisorderShare ?? 0)} of word steps jump between lines`,
  restoreChangedShare: (f) => `restorer changed ${pct(f.restoreChangedShare ?? 0)} of words`,
  lmPairPmi: () => 'words follow each other unlike admin text (misread, or read out of order)',
  lmBadPairShare: (f) => `${pct(f.lmBadPairShare ?? 0)} of word pairs unlikely in admin text (misread, or read out of order)`,
  blankGapShare: (f) => `blank bands inside the text (${pct(f.blankGapShare ?? 0)} of its height): print may not have been read`,
  confStd: () => 'word confidence uneven: parts of the page read poorly',
  fragmentLineShare: (f) => `${pct(f.fragmentLineShare)} of lines are fragments of one or two short words (print read in pieces)`,
  signerGap: () => 'signature block not read in full',
  wideGapShare: (f) => `${pct(f.wideGapShare ?? 0)} of lines span a wide gap (two columns read as one line)`,
  shortTokenShare: (f) => `${pct(f.shortTokenShare)} of tokens are single characters (text broken into pieces)`,
  strayPunctShare: (f) => `${pct(f.strayPunctShare)} of tokens are stray marks`,
  restoredInvalidShare: (f) => `${pct(f.restoredInvalidShare ?? 0)} of words still not Vietnamese syllables after correction`,
  restoreLowConfShare: (f) => `the corrector was unsure of ${pct(f.restoreLowConfShare ?? 0)} of words`,
  restoreConfMean: () => 'the corrector was unsure of many words',
  imgEdgeWidth: (f) => `blurred image: ink edges ${(f.imgEdgeWidth ?? 0).toFixed(1)} px wide at 300 dpi`,
  imgBilevelLoss: () => '1-bit scan below 300 dpi: thin strokes broken or merged',
  imgSpeckle: (f) => `speckled image: ${pct(f.imgSpeckle ?? 0)} of ink is isolated specks`,
  imgContrast: (f) => `faint print: contrast ${pct(f.imgContrast ?? 0)}`,
  lowConfCharRate: (f) => `${pct(f.lowConfCharRate ?? 0)} of the text in words read below 70 % confidence`,
  doubtLineCharRate: (f) => `${pct(f.doubtLineCharRate ?? 0)} of the text on lines read below 70 % confidence (a seal, signature or specks read as text?)`,
  unsureShare: (f) => `${pct(f.unsureShare ?? 0)} of words read below 90 % confidence`,
  midConfShare: (f) => `${pct(f.midConfShare ?? 0)} of words read below 85 % confidence`,
  confLossSq: () => 'many characters in words read with low confidence',
  suspectShare: (f) => `${pct(f.suspectShare ?? 0)} of words unsure and not Vietnamese syllables`,
  restoredLmLogProb: () => 'corrected text reads poorly under the language model (misreads left, or words out of order)',
  restoredUnknownShare: (f) => `${pct(f.restoredUnknownShare ?? 0)} of corrected words unknown to the language model`,
  pageNumberLoss: () => 'page number not read (a later page whose number the OCR dropped)',
  markCount: (f) => `${f.markCount ?? 0} stamp, seal or signature mark${(f.markCount ?? 0) > 1 ? 's' : ''} over or near the text`,
};

/** What the image measurements say is wrong with a page (named when the page is flagged). */
function imageReasons(f: QualityFeatures): string[] {
  const out: string[] = [];
  if ((f.imgBilevelLoss ?? 0) > 0.2 && f.imgDpiLog !== undefined) out.push(`1-bit scan at ${Math.round(300 * 2 ** f.imgDpiLog)} dpi: thin strokes broken or merged`);
  if (f.imgBilevel === 0 && (f.imgEdgeWidth ?? 0) >= BLURRED_EDGE_PX) out.push(`blurred image: ink edges ${(f.imgEdgeWidth ?? 0).toFixed(1)} px wide at 300 dpi`);
  if (f.imgBilevel === 0 && f.imgContrast !== undefined && f.imgContrast < FAINT_CONTRAST) out.push(`faint print: contrast ${pct(f.imgContrast)}`);
  return out;
}

/** Ink edges at least this wide (px at 300 dpi; sharp office scans measure 1–1.5) are named as blur. */
const BLURRED_EDGE_PX = 2;
/** Paper-to-ink contrast below this is named as faint print (office scans measure 0.6–0.8). */
const FAINT_CONTRAST = 0.4;

/** The feature a term is named by: "x^2" and "x*y" by x. */
const termFeature = (term: string): string => term.replace('^2', '').split('*')[0]!;

/** The model terms that raise this page's estimate most, in words (for a page flagged on its estimate alone). */
function drivers(file: QualityModelFile, f: QualityFeatures, modelName: string): string[] {
  const model = file.models.find((m) => m.name === modelName);
  const x = model ? termVector(f, model.terms) : undefined;
  if (!model || !x) return [];
  const base = linearOutput(model, model.mean);
  return model.terms
    .map((term, i) => ({ term, part: (model.weights[i]! * (x[i]! - model.mean[i]!)) / (model.scale[i]! || 1) }))
    .filter((c) => c.part > 0.05 * Math.max(1e-6, Math.abs(base)) && TERM_WORDS[termFeature(c.term)])
    .sort((a, b) => b.part - a.part)
    .slice(0, 2)
    .map((c) => TERM_WORDS[termFeature(c.term)]!(f));
}

function interval(file: QualityModelFile, cer: number, words = Infinity): [number, number] {
  const r = Math.sqrt(cer);
  const short = file.interval?.short;
  const band = short && words < short.words ? short : file.interval;
  const lo = band ? Math.max(0, r + band.lower) ** 2 : cer;
  const hi = band ? Math.min(1, Math.max(0, r + band.upper) ** 2) : cer;
  return [Math.min(lo, cer), Math.max(hi, cer)];
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
    return {
      score: flag ? 0 : 1,
      cer: flag ? 1 : 0,
      cerInterval: flag ? [0, 1] : [0, 0],
      needsReview: flag,
      reasons: flag ? pageReasons(page, features, file) : [],
      model: 'empty',
      features,
      leastCertain,
    };
  }
  const prediction = predictCer(file, features);
  const cer = prediction ? prediction.cer : 1;
  const score = 1 - cer;
  const evidence = pageEvidence(page, features);
  const reasons = pageReasons(page, features, file, evidence);
  const rules = file.rules ?? {};
  const ruled =
    (rules.zeroConf === true && (features.zeroConfShare ?? 0) > 0) ||
    (rules.interleaved === true && evidence.interleaved.length > 0) ||
    (rules.mixed === true && evidence.mixed.length > 0) ||
    (rules.jumbled === true && evidence.jumbled.length > 0) ||
    (rules.gaps === true && evidence.gaps.length > 0);
  const needsReview = score < threshold || ruled;
  const cerInterval = interval(file, cer, features.wordTokens);
  if (needsReview && !ruled) {
    for (const d of [...imageReasons(features), ...(prediction ? drivers(file, features, prediction.model) : [])]) {
      if (d.includes('ink edges') && reasons.some((r) => r.includes('ink edges'))) continue;
      if (d.startsWith('1-bit scan') && reasons.some((r) => r.startsWith('1-bit scan'))) continue;
      if (d.startsWith('faint print') && reasons.some((r) => r.startsWith('faint print'))) continue;
      if (d.startsWith('signature block') && reasons.some((r) => r.startsWith('signature block'))) continue;
      // Already said in other words (the x-height), or too small to name.
      if (d.includes('x-height') && reasons.some((r) => r.includes('x-height'))) continue;
      if (d.startsWith('restorer changed') && (features.restoreChangedShare ?? 0) < 0.05) continue;
      if (d.includes('syllables') && reasons.some((r) => r.includes('syllables'))) continue;
      if (!reasons.includes(d)) reasons.push(d);
    }
    reasons.push(`estimated CER ${pct(cer)} (${pct(cerInterval[0])}–${pct(cerInterval[1])})`);
  }
  return {
    score,
    cer,
    cerInterval,
    needsReview,
    reasons,
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
  // A page's place in the document tells whether it should carry a page number (QualityFeatures.pageNumberMissing).
  const placed = (p: PageInput | RestoredPage, i: number): PageInput | RestoredPage => (isRestoredPage(p) || p.pageIndex !== undefined ? p : { ...p, pageIndex: i + 1 });
  const estimates = pages.map((p, i) => (isEstimate(p) ? p : estimate(placed(p, i), { ...options, model: file, threshold })));
  let weight = 0;
  let sum = 0;
  let lo = 0;
  let hi = 0;
  for (const e of estimates) {
    const w = e.features.chars;
    weight += w;
    sum += w * e.score;
    lo += w * (e.cerInterval?.[0] ?? 1 - e.score);
    hi += w * (e.cerInterval?.[1] ?? 1 - e.score);
  }
  const flaggedPages = estimates.flatMap((e, i) => (e.needsReview ? [i + 1] : []));
  const catalogue = options.catalogue ? catalogueReasons(options.catalogue, options.today) : [];
  const pageReasons = estimates.flatMap((e, i) => (e.needsReview ? (e.reasons ?? []).map((r) => `page ${i + 1}: ${r}`) : []));
  if (weight === 0 && options.flagEmptyPages !== false) {
    // Blank pages, or pages the OCR could not read at all: nothing here is known to be right.
    const reason = estimates.length === 0 ? 'no pages' : 'no text found on any page';
    return { score: 0, cer: 1, cerInterval: [1, 1], needsReview: true, reason, reasons: [reason, ...catalogue], flaggedPages, pages: estimates };
  }
  const score = weight === 0 ? 1 : sum / weight;
  return {
    score,
    cer: 1 - score,
    cerInterval: weight === 0 ? [0, 0] : [lo / weight, hi / weight],
    needsReview: flaggedPages.length > 0 || score < threshold || catalogue.length > 0,
    reasons: [...catalogue, ...pageReasons],
    flaggedPages,
    pages: estimates,
  };
}
