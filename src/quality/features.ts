/**
 * Page features that predict OCR error without a transcription. Each is a plain
 * number, or undefined when its source is absent (no word confidences, no restorer
 * output, no dictionary), so the estimator works with whatever the page carries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isValidSyllable, normalizeKey } from '../restore/orthography.js';
import { getModel, type LanguageModel } from '../restore/lm.js';
import { BOS, EOS, lmSymbols, tokenize } from '../restore/tokenize.js';
import type { BBox, RestoredToken } from '../types.js';

export interface PageWord {
  text: string;
  /** Engine confidence, 0–100. */
  conf: number;
  bbox?: BBox;
}

/** What the estimator can use about one page; only `text` is required. */
export interface PageInput {
  text: string;
  words?: PageWord[];
  restored?: { tokens: RestoredToken[] };
  width?: number;
  height?: number;
  dpi?: number;
}

export interface QualityFeatures {
  /** Non-space characters on the page. */
  chars: number;
  /** Tokens holding at least one letter. */
  wordTokens: number;
  /** Mean word confidence, 0–1 (undefined without words). */
  confMean?: number;
  /** 10th / 25th percentile of word confidence, 0–1. */
  confP10?: number;
  confP25?: number;
  /** Share of words below 60 % confidence. */
  lowConfShare?: number;
  /** Share of words below 85 % confidence. */
  midConfShare?: number;
  /** Mean word confidence weighted by word length in characters, 0–1. */
  confCharMean?: number;
  /** Share of letter tokens that are well-formed Vietnamese syllables. */
  validSyllableShare: number;
  /** Share of letter tokens found in dictionaries/syllables.tsv (undefined when it is absent). */
  dictionaryShare?: number;
  /** Share of characters that are neither Vietnamese letters, digits, nor common punctuation. */
  garbageRate: number;
  /** Share of letter tokens with an odd case mix ("đơn Vị", "tHe") or letters glued to digits ("1ư"). */
  oddTokenShare: number;
  /** Share of tokens of one character (text broken into pieces). */
  shortTokenShare: number;
  /** Mean log10 probability per symbol under the n-gram LM (undefined when it is absent). */
  lmLogProb?: number;
  /** Share of word symbols the LM does not know. */
  lmUnknownShare?: number;
  /** Share of restored tokens the restorer changed (undefined without restorer output). */
  restoreChangedShare?: number;
  /** Mean restorer confidence, 0–1. */
  restoreConfMean?: number;
  /** Characters per square inch of page (undefined without page size). */
  density?: number;
}

/** Letters of Vietnamese (and plain Latin, used for codes and loan words). */
const VI_LETTER = /[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ]/u;
const ALLOWED_OTHER = /[0-9.,;:!?()[\]"'“”‘’/\-–—%&+=*…§°№]/u;
const EDGE_PUNCT = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

let dictionary: Set<string> | null | undefined;

/** Syllables of dictionaries/syllables.tsv (first column), or null when the file is absent. */
export function loadDictionary(): Set<string> | null {
  if (dictionary !== undefined) return dictionary;
  const file = fileURLToPath(new URL('../../dictionaries/syllables.tsv', import.meta.url));
  dictionary = null;
  if (existsSync(file)) {
    const set = new Set<string>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const first = line.split('\t', 1)[0]!;
      if (first) set.add(normalizeKey(first));
    }
    if (set.size > 0) dictionary = set;
  }
  return dictionary;
}

let lm: LanguageModel | null | undefined;

/** The restorer's n-gram model, or null when its file is missing or damaged (the feature is then left out). */
function languageModel(): LanguageModel | null {
  if (lm === undefined) {
    try {
      lm = getModel();
    } catch {
      lm = null;
    }
  }
  return lm;
}

/** Mean log10 P per predicted symbol and the share of unknown words, or undefined without an LM. */
function lmFeatures(text: string): { logProb: number; unknown: number } | undefined {
  const model = languageModel();
  if (!model) return undefined;
  const symbols = lmSymbols(tokenize(text));
  const ids = symbols.map((s) => model.id(s));
  let sum = 0;
  let n = 0;
  let words = 0;
  let unknown = 0;
  for (let i = 1; i < ids.length; i++) {
    if (symbols[i] === BOS) continue;
    const context = ids.slice(Math.max(0, i - model.order + 1), i);
    const start = context.lastIndexOf(model.bos);
    sum += model.logProb(start > 0 ? context.slice(start) : context, ids[i]!);
    n++;
    if (symbols[i] !== EOS && !symbols[i]!.startsWith('<')) {
      words++;
      if (ids[i] === model.unk) unknown++;
    }
  }
  if (n === 0) return undefined;
  return { logProb: sum / n, unknown: words === 0 ? 0 : unknown / words };
}

function isOddToken(token: string): boolean {
  // Letters and digits glued together, except codes with a separator (QĐ-UBND, 125/QĐ).
  if (/\p{N}/u.test(token) && /\p{L}/u.test(token) && !/[-/.]/.test(token)) return true;
  const letters = [...token].filter((c) => c.toLowerCase() !== c.toUpperCase());
  if (letters.length < 2) return false;
  const upper = letters.map((c) => c === c.toUpperCase());
  const allUpper = upper.every(Boolean);
  const capitalised = upper[0] === true && upper.slice(1).every((u) => !u);
  const allLower = upper.every((u) => !u);
  return !(allUpper || capitalised || allLower);
}

/** Computes every feature the page's data allows. */
export function extractFeatures(page: PageInput): QualityFeatures {
  const text = page.text.normalize('NFC');
  const tokens = text.split(/\s+/u).filter((t) => t !== '');
  let chars = 0;
  let garbage = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    chars++;
    if (!VI_LETTER.test(ch) && !ALLOWED_OTHER.test(ch)) garbage++;
  }
  const dict = loadDictionary();
  let wordTokens = 0;
  let valid = 0;
  let known = 0;
  let odd = 0;
  let short = 0;
  for (const raw of tokens) {
    if ([...raw].length === 1) short++;
    const token = raw.replace(EDGE_PUNCT, '');
    if (!/\p{L}/u.test(token)) continue;
    wordTokens++;
    if (isOddToken(token)) odd++;
    // Hyphenated or slashed codes are judged by their parts' letters only.
    if (isValidSyllable(token)) valid++;
    if (dict && dict.has(normalizeKey(token))) known++;
  }
  const features: QualityFeatures = {
    chars,
    wordTokens,
    validSyllableShare: wordTokens === 0 ? 0 : valid / wordTokens,
    garbageRate: chars === 0 ? 0 : garbage / chars,
    oddTokenShare: wordTokens === 0 ? 0 : odd / wordTokens,
    shortTokenShare: tokens.length === 0 ? 0 : short / tokens.length,
  };
  if (dict) features.dictionaryShare = wordTokens === 0 ? 0 : known / wordTokens;
  const lmf = chars > 0 ? lmFeatures(text) : undefined;
  if (lmf) {
    features.lmLogProb = lmf.logProb;
    features.lmUnknownShare = lmf.unknown;
  }

  const scored = (page.words ?? []).filter((w) => w.text.trim() !== '');
  const confs = scored.map((w) => Math.min(1, Math.max(0, w.conf / 100)));
  if (confs.length > 0) {
    const sorted = [...confs].sort((a, b) => a - b);
    features.confMean = confs.reduce((s, c) => s + c, 0) / confs.length;
    features.confP10 = quantile(sorted, 0.1);
    features.confP25 = quantile(sorted, 0.25);
    features.lowConfShare = confs.filter((c) => c < 0.6).length / confs.length;
    features.midConfShare = confs.filter((c) => c < 0.85).length / confs.length;
    let weighted = 0;
    let length = 0;
    scored.forEach((w, i) => {
      const n = [...w.text.trim()].length;
      weighted += n * confs[i]!;
      length += n;
    });
    features.confCharMean = weighted / length;
  }

  const restored = page.restored?.tokens ?? [];
  if (restored.length > 0) {
    features.restoreChangedShare = restored.filter((t) => t.changed).length / restored.length;
    features.restoreConfMean = restored.reduce((s, t) => s + t.confidence, 0) / restored.length;
  }

  if (page.width && page.height && page.dpi) {
    const squareInches = (page.width / page.dpi) * (page.height / page.dpi);
    if (squareInches > 0) features.density = chars / squareInches;
  }
  return features;
}
