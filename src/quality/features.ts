/**
 * Page features that predict OCR error without a transcription. Each is a plain
 * number, or undefined when its source is absent (no word confidences, no restorer
 * output, no dictionary), so the estimator works with whatever the page carries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isValidSyllable, normalizeKey } from '../restore/orthography.js';
import { upperShare } from '../structure/fold.js';
import { matchRecipientsLabel } from '../structure/phrases.js';
import { getModel, type LanguageModel } from '../restore/lm.js';
import { BOS, EOS, lmSymbols, lmSymbolsAligned, tokenize } from '../restore/tokenize.js';
import type { BBox, ImageStats, RestoredToken } from '../types.js';

export interface PageWord {
  text: string;
  /** Engine confidence, 0–100. */
  conf: number;
  bbox?: BBox;
}

/** One OCR line in reading order, with its words' boxes (page pixels). */
export interface PageLine {
  bbox: BBox;
  words: BBox[];
}

/** What the estimator can use about one page; only `text` is required. */
export interface PageInput {
  text: string;
  words?: PageWord[];
  restored?: { tokens: RestoredToken[] };
  width?: number;
  height?: number;
  dpi?: number;
  /** OCR lines in reading order (for line-order and column evidence). */
  lines?: PageLine[];
  /** Non-print marks (stamps, handwriting, seals) found on the page, when the OCR stage reports them. */
  marks?: number;
  /** Edge sharpness of the page image, when the image stage measures it (informative: not calibrated). */
  sharpness?: number;
  /** Measurements of the scanned image (OcrPage.imageStats), when the image stage made them. */
  image?: ImageStats;
  /** 1-based place of the page in its document, when known (pages after the first carry a page number). */
  pageIndex?: number;
}

/** Where the page's lines look out of order (1-based OCR line numbers). */
export interface LineEvidence {
  /** Runs of consecutive lines read side by side (two columns interleaved line by line). */
  interleaved: Array<[number, number]>;
  /** Lines whose words jump between heights or run backwards (two lines merged word by word). */
  mixed: number[];
}

export interface QualityFeatures {
  /** Non-space characters on the page. */
  chars: number;
  /** Tokens holding at least one letter. */
  wordTokens: number;
  /** log10 of (chars + 1): on a short page each misread line weighs more. */
  charsLog: number;
  /** Mean word confidence, 0–1 (undefined without words). */
  confMean?: number;
  /** 10th / 25th percentile of word confidence, 0–1. */
  confP10?: number;
  confP25?: number;
  /** Share of words below 60 % confidence. */
  lowConfShare?: number;
  /** Share of words below 85 % confidence. */
  midConfShare?: number;
  /**
   * Share of words below 90 % confidence: tesseract reads clean print at 90–96, so this counts every
   * word it hesitated on (on dev it ranks pages by CER better than the mean or a lower cut).
   */
  unsureShare?: number;
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
  /** Lowest word confidence, 0–1. */
  confMin?: number;
  /** Share of words at confidence below 5 % (the engine could not read them at all). */
  zeroConfShare?: number;
  /** Estimated x-height of the print in image pixels (undefined without word boxes). */
  xHeightPx?: number;
  /** log2 of xHeightPx / 20 (20 px ≈ 12–13 pt at 300 dpi); negative = small or low resolution. */
  xHeightLog?: number;
  /** Share of line transitions where the next line sits beside, not below, the previous one. */
  sideBySideShare?: number;
  /** Share of within-line word steps that jump up or down a line or run backwards. */
  wordDisorderShare?: number;
  /** Share of lines with a gap between two words wider than 4 line heights (two columns read as one line). */
  wideGapShare?: number;
  /** Mean LM log10 P of a line's first word given the previous line's end, minus the page's mean. */
  lmJoinGap?: number;
  /**
   * Mean pointwise mutual information (log10) of adjacent words the LM knows: how much likelier
   * the LM finds each word after its neighbour than alone. Admin text in order scores about 1;
   * words read out of order (curled lines, columns merged word by word) score near or below 0.
   */
  lmPairPmi?: number;
  /** Share of those word pairs the LM finds less likely than chance (PMI < 0). */
  lmBadPairShare?: number;
  /**
   * Blank bands inside the page's text (beyond 3 line heights, summed) as a share of the text's
   * height: print the OCR did not read (shaded or curled parts of a photo, faint patches).
   */
  blankGapShare?: number;
  /** Non-print marks on the page (as reported by the OCR stage). */
  marks?: number;
  /** Image edge sharpness as reported by the image stage. */
  sharpness?: number;
  /** Ink edge width in pixels at 300 dpi (blur), from the image stage. */
  imgEdgeWidth?: number;
  /** log2(scan dpi / 300): −1 at 150 dpi. */
  imgDpiLog?: number;
  /** 1 for a 1-bit scan, else 0. */
  imgBilevel?: number;
  /** How far below 300 dpi a 1-bit scan is, log2(300 / dpi) (0 for grey scans and 1-bit ≥ 300 dpi): 1-bit at low dpi loses strokes. */
  imgBilevelLoss?: number;
  /** Paper-to-ink contrast, 0–1 (faint or worn print is low). */
  imgContrast?: number;
  /** Share of ink pixels that are isolated specks. */
  imgSpeckle?: number;
  /** Mean stroke thickness in pixels at 300 dpi. */
  imgStrokeWidth?: number;
  /** Share of restored letter tokens that are still not Vietnamese syllables (errors the restorer could not mend). */
  restoredInvalidShare?: number;
  /** Share of restored tokens the restorer was unsure of (confidence below 0.6). */
  restoreLowConfShare?: number;
  /** Standard deviation of word confidence, 0–1. */
  confStd?: number;
  /** Mean characters per token (broken words make it small, merged words large). */
  charsPerToken: number;
  /** Share of tokens made only of punctuation other than . , ; : - (stray marks read as text). */
  strayPunctShare: number;
  /**
   * Share of text lines that are fragments: one or two tokens, fewer than 8 letters, no digit
   * (a signature block read in pieces under a seal: "ĐỐC", "ông Dũng", a lone ":").
   */
  fragmentLineShare: number;
  /**
   * On a closing page (one with the "Nơi nhận:" list), how much of the signature block is missing:
   * 0.5 for no title line ("PHÓ GIÁM ĐỐC"), 0.5 for no signer's name ("Trương Thanh Thảo"). Seals
   * and signatures over the block make the OCR drop or garble it; 0 on other pages.
   */
  signerGap: number;
  /** Non-print marks on the page, 0 when the OCR stage reported none (undefined without OCR words). */
  markCount?: number;
  /**
   * 1 when a page after the first shows no page number where administrative documents print it
   * (a line holding only a number, at the top or bottom of the text), else 0 (also when the page's
   * place is unknown). The lone small number is the print the OCR drops most often on such pages.
   */
  pageNumberMissing: number;
  /** pageNumberMissing per character of text (chars + 100, so a near-empty page does not dominate): the CER the lost number costs. */
  pageNumberLoss: number;
  /**
   * Characters of words read below 70 % confidence, per character of the page: how much of the
   * text is in doubt (a mean confidence hides a short page's few bad words; this counts them).
   */
  lowConfCharRate?: number;
  /** Expected character loss from confidences: Σ length × (1 − confidence)² / Σ length (squared: sure words weigh nothing). */
  confLossSq?: number;
  /**
   * Share of OCR words both unsure (below 85 %) and not a Vietnamese syllable or code: words most
   * likely still wrong after correction.
   */
  suspectShare?: number;
  /**
   * Characters on lines read below 70 % mean confidence, per character of the page: a seal,
   * signature or speck band read as a line of junk, or a line of print read badly throughout.
   */
  doubtLineCharRate?: number;
  /** Mean log10 P per symbol of the restored text under the LM (misreads the restorer left, words out of order). */
  restoredLmLogProb?: number;
  /** Share of restored tokens the LM does not know. */
  restoredUnknownShare?: number;
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

function median(values: readonly number[]): number {
  return values.length === 0 ? 0 : quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Letters that sit between baseline and x-height, without marks. */
const X_LETTERS = /^[acemnorsuvwxz]+$/u;

/**
 * x-height from word boxes: the median height of words made only of x-height letters, or
 * (fewer than 3 such words) 0.45 × the median word height, which in Vietnamese print is
 * close to the body from diacritics to descenders.
 */
export function xHeightOf(words: readonly PageWord[]): number | undefined {
  const boxed = words.filter((w): w is PageWord & { bbox: BBox } => w.bbox !== undefined && w.text.trim() !== '');
  if (boxed.length === 0) return undefined;
  const plain = boxed.filter((w) => X_LETTERS.test(w.text.trim())).map((w) => w.bbox[3] - w.bbox[1]);
  if (plain.length >= 3) return median(plain);
  const lettered = boxed.filter((w) => /\p{L}/u.test(w.text));
  if (lettered.length === 0) return undefined;
  return 0.45 * median(lettered.map((w) => w.bbox[3] - w.bbox[1]));
}

/** Boxes turned into the reading frame: a page read at 90°/270° has lines taller than wide. */
function uprightLines(lines: readonly PageLine[]): PageLine[] {
  const ratios = lines.filter((l) => l.words.length >= 3).map((l) => (l.bbox[2] - l.bbox[0]) / Math.max(1, l.bbox[3] - l.bbox[1]));
  if (ratios.length === 0 || median(ratios) >= 1) return [...lines];
  const swap = (b: BBox): BBox => [b[1], b[0], b[3], b[2]];
  return lines.map((l) => ({ bbox: swap(l.bbox), words: l.words.map(swap) }));
}

/** Line-order evidence from line and word boxes (in any quarter turn and skew). */
export function lineEvidence(
  input: readonly PageLine[],
): LineEvidence & { transitions: number; sideBySide: number; steps: number; disordered: number; wideGaps: number[] } {
  const lines = uprightLines(input);
  const heights = lines.flatMap((l) => l.words.map((w) => w[3] - w[1])).filter((h) => h > 0);
  const h = median(heights) || 1;
  const runs: Array<[number, number, number]> = [];
  let sideBySide = 0;
  let run: [number, number, number] | undefined;
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i]!.bbox;
    const b = lines[i + 1]!.bbox;
    // Lines of one line height only: a tall merged box says nothing about its neighbours.
    if (a[3] - a[1] > 2 * h || b[3] - b[1] > 2 * h) continue;
    const overlap = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    const beside = overlap > 0.5 * Math.min(a[3] - a[1], b[3] - b[1]) && (b[0] >= a[2] || a[0] >= b[2]);
    if (beside) {
      sideBySide++;
      // Two columns read across alternate: beside, below, beside, … so a step may be skipped.
      if (run && run[1] >= i) {
        run[1] = i + 2;
        run[2]++;
      } else {
        run = [i + 1, i + 2, 1];
        runs.push(run);
      }
    }
  }
  // Runs of 4+ side-by-side steps: a header's grid read row by row (which the evaluation accepts) has up to 3.
  const interleaved = runs.filter((r) => r[2] >= 4).map(([a, b]) => [a, b] as [number, number]);
  const mixed: number[] = [];
  const wideGaps: number[] = [];
  let steps = 0;
  let disordered = 0;
  lines.forEach((line, index) => {
    const ws = line.words;
    if (ws.length < 2) return;
    // The line's own direction (first to last word) absorbs skew and a half turn.
    const cx = (w: BBox): number => (w[0] + w[2]) / 2;
    const cy = (w: BBox): number => (w[1] + w[3]) / 2;
    let dx = cx(ws[ws.length - 1]!) - cx(ws[0]!);
    let dy = cy(ws[ws.length - 1]!) - cy(ws[0]!);
    const len = Math.hypot(dx, dy);
    if (len < h) {
      dx = 1;
      dy = 0;
    } else {
      dx /= len;
      dy /= len;
    }
    let bad = 0;
    let wide = false;
    for (let j = 0; j + 1 < ws.length; j++) {
      const p = ws[j]!;
      const q = ws[j + 1]!;
      steps++;
      // Gap along the line between the two boxes (for an upright line: q's left minus p's right).
      const gap = dx >= 0 ? q[0] - p[2] : p[0] - q[2];
      if (Math.abs(dx) > 0.9 && gap > 4 * h) wide = true;
      const sx = cx(q) - cx(p);
      const sy = cy(q) - cy(p);
      const along = sx * dx + sy * dy;
      const across = -sx * dy + sy * dx;
      if (Math.abs(across) > 0.8 * h || along < -0.5 * h) bad++;
    }
    disordered += bad;
    if (bad >= 2) mixed.push(index + 1);
    if (wide) wideGaps.push(index + 1);
  });
  return {
    interleaved,
    mixed,
    transitions: Math.max(0, lines.length - 1),
    sideBySide,
    steps,
    disordered,
    wideGaps,
  };
}

/** A blank band inside the text: pixels (reading frame), height in line heights, OCR lines (1-based) above and below it. */
export interface TextGap {
  from: number;
  to: number;
  lines: number;
  above: number;
  below: number;
}

/** Blank bands between lines taller than this many line heights count as unread print. */
const GAP_LINES = 3;

/**
 * Blank bands inside the text, in reading frame: [top, bottom] in pixels and their height in line
 * heights, largest first. A closing page's signature space is one such band; a page read only in
 * patches has several.
 */
export function textGaps(input: readonly PageLine[]): { gaps: TextGap[]; span: number; lineHeight: number } {
  const lines = uprightLines(input)
    .map((l, i) => ({ ...l, n: i + 1 }))
    .filter((l) => l.words.length > 0);
  const h = median(lines.map((l) => l.bbox[3] - l.bbox[1]).filter((v) => v > 0)) || 1;
  const sorted = [...lines].sort((a, b) => a.bbox[1] - b.bbox[1]);
  const gaps: TextGap[] = [];
  let bottom = sorted[0]?.bbox[3] ?? 0;
  let above = sorted[0]?.n ?? 0;
  for (const l of sorted.slice(1)) {
    if (l.bbox[1] - bottom > GAP_LINES * h) gaps.push({ from: bottom, to: l.bbox[1], lines: (l.bbox[1] - bottom) / h, above, below: l.n });
    if (l.bbox[3] > bottom) {
      bottom = l.bbox[3];
      above = l.n;
    }
  }
  const span = sorted.length === 0 ? 0 : bottom - sorted[0]!.bbox[1];
  return { gaps: gaps.sort((a, b) => b.lines - a.lines), span, lineHeight: h };
}

/** Mean log10 P of each line's first word given the previous line's last words, minus the mean over all symbols. */
function lmJoinGap(lineTexts: readonly string[], pageMean: number): number | undefined {
  const model = languageModel();
  if (!model || lineTexts.length < 2) return undefined;
  const ids = lineTexts.map((t) => lmSymbols(tokenize(t)).slice(1, -1).map((s) => model.id(s)));
  let sum = 0;
  let n = 0;
  for (let i = 1; i < ids.length; i++) {
    const prev = ids[i - 1]!;
    const first = ids[i]![0];
    if (first === undefined || prev.length === 0 || prev.includes(model.bos)) continue;
    sum += model.logProb(prev.slice(-(model.order - 1)), first);
    n++;
  }
  return n === 0 ? undefined : sum / n - pageMean;
}

/** PMI below which a pair of adjacent words is less likely than chance. */
const BAD_PAIR_PMI = 0;
/** Mean PMI of a line's pairs below which its words read as out of order. */
const JUMBLED_LINE_PMI = 0.25;

export interface WordPair {
  /** log10 P(word | previous word) − log10 P(word). */
  pmi: number;
  /** 1-based line (of the text's non-blank lines) of the pair's second word. */
  line: number;
}

/**
 * Adjacent word pairs the LM knows both words of, in reading order (across line breaks, not
 * across sentence ends), with their PMI; undefined without an LM.
 */
export function wordPairs(text: string): WordPair[] | undefined {
  const model = languageModel();
  if (!model) return undefined;
  const tokens = tokenize(text.normalize('NFC'));
  const lineOf = new Array<number>(tokens.length).fill(0);
  let line = 1;
  let content = false;
  tokens.forEach((t, i) => {
    if (t.kind === 'newline') {
      if (content) line++;
      content = false;
    } else if (t.kind !== 'space') {
      content = true;
      lineOf[i] = line;
    }
  });
  const { symbols, tokenIndex } = lmSymbolsAligned(tokens);
  const ids = symbols.map((s) => model.id(s));
  const word = (i: number): boolean => !symbols[i]!.startsWith('<') && ids[i] !== model.unk;
  const pairs: WordPair[] = [];
  for (let i = 1; i < ids.length; i++) {
    if (!word(i - 1) || !word(i)) continue;
    pairs.push({ pmi: model.logProb([ids[i - 1]!], ids[i]!) - model.logProb([], ids[i]!), line: lineOf[tokenIndex[i]!]! });
  }
  return pairs;
}

/**
 * Runs of lines whose words read out of order: the mean PMI of a line's word pairs (at least 4)
 * is near chance (in-order admin lines score about 1, shuffled ones about 0), on two lines close
 * together, or on one line of 6 pairs or more.
 */
export function jumbledLines(pairs: readonly WordPair[]): Array<[number, number]> {
  const byLine = new Map<number, { n: number; sum: number }>();
  for (const p of pairs) {
    const s = byLine.get(p.line) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += p.pmi;
    byLine.set(p.line, s);
  }
  const bad = [...byLine]
    .filter(([, s]) => s.n >= 4 && s.sum / s.n < JUMBLED_LINE_PMI)
    .map(([l, s]) => [l, s.n] as const)
    .sort((a, b) => a[0] - b[0]);
  const runs: Array<[number, number, number]> = [];
  for (const [l, n] of bad) {
    const last = runs[runs.length - 1];
    // A line between two jumbled ones (a short or clean line) does not break the run.
    if (last && l - last[1] <= 2) {
      last[1] = l;
      last[2] += n;
    } else runs.push([l, l, n]);
  }
  return runs.filter(([a, b, n]) => b > a || n >= 6).map(([a, b]) => [a, b]);
}

/** Share of non-blank lines that are fragments (see QualityFeatures.fragmentLineShare). */
export function fragmentShare(text: string): number {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return 0;
  const fragments = lines.filter((l) => {
    const tokens = l.trim().split(/\s+/u);
    if (tokens.length > 2 || /\p{N}/u.test(l)) return false;
    return [...l].filter((c) => /\p{L}/u.test(c)).length < 8;
  });
  return fragments.length / lines.length;
}

const syllables = (line: string): string[] => line.split(/\s+/u).map((t) => t.replace(EDGE_PUNCT, '')).filter((t) => t !== '');

/** See QualityFeatures.signerGap. */
export function signerGap(text: string): number {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const at = lines.findIndex((l) => matchRecipientsLabel(l) !== null);
  if (at < 0) return 0;
  // The block may be read before the list (right column first), so look a few lines above it too.
  const block = lines.slice(Math.max(0, at - 4)).filter((l, i, all) => all[i] !== lines[at] && !/^[-–+•*]/u.test(l));
  const title = block.some((l) => {
    const words = syllables(l);
    return words.length >= 2 && upperShare(l) >= 0.85 && words.filter((w) => w.length >= 2 && isValidSyllable(w)).length >= 2;
  });
  const name = block.some((l) => {
    const words = syllables(l);
    return (
      words.length >= 2 && words.length <= 5 && words.every((w) => /^\p{Lu}\p{Ll}+$/u.test(w) && isValidSyllable(w)) && /^[\p{L}\s]+$/u.test(l)
    );
  });
  return (title ? 0 : 0.5) + (name ? 0 : 0.5);
}

/** A line that is only a page number ("2", "- 2 -", "Trang 2", "2/5"). */
const PAGE_NUMBER_LINE = /^(?:trang\s*)?[-–—]?\s*\d{1,3}(?:\s*\/\s*\d{1,3})?\s*[-–—]?$/iu;

/** See QualityFeatures.pageNumberMissing: looks at the first three and last two lines of text. */
export function pageNumberMissing(text: string, pageIndex: number | undefined): number {
  if (pageIndex === undefined || pageIndex < 2) return 0;
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const ends = [...lines.slice(0, 3), ...lines.slice(-2)];
  return ends.some((l) => PAGE_NUMBER_LINE.test(l)) ? 0 : 1;
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
    charsLog: Math.log10(chars + 1),
    validSyllableShare: wordTokens === 0 ? 0 : valid / wordTokens,
    garbageRate: chars === 0 ? 0 : garbage / chars,
    oddTokenShare: wordTokens === 0 ? 0 : odd / wordTokens,
    shortTokenShare: tokens.length === 0 ? 0 : short / tokens.length,
    charsPerToken: tokens.length === 0 ? 0 : chars / tokens.length,
    fragmentLineShare: fragmentShare(text),
    pageNumberMissing: 0,
    pageNumberLoss: 0,
    signerGap: signerGap(text),
    strayPunctShare: tokens.length === 0 ? 0 : tokens.filter((t) => !/[\p{L}\p{N}]/u.test(t) && !/^[.,;:\-–—…()"“”/]+$/u.test(t)).length / tokens.length,
  };
  features.pageNumberMissing = pageNumberMissing(text, page.pageIndex);
  features.pageNumberLoss = features.pageNumberMissing / (chars + 100);
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
    features.unsureShare = confs.filter((c) => c < 0.9).length / confs.length;
    let weighted = 0;
    let length = 0;
    scored.forEach((w, i) => {
      const n = [...w.text.trim()].length;
      weighted += n * confs[i]!;
      length += n;
    });
    features.confCharMean = weighted / length;
    features.confMin = sorted[0]!;
    features.zeroConfShare = confs.filter((c) => c < 0.05).length / confs.length;
    const mean = features.confMean;
    features.confStd = Math.sqrt(confs.reduce((s, c) => s + (c - mean) ** 2, 0) / confs.length);
    let doubtful = 0;
    let lossSq = 0;
    let suspect = 0;
    scored.forEach((w, i) => {
      const n = [...w.text.trim()].length;
      if (confs[i]! < 0.7) doubtful += n;
      lossSq += n * (1 - confs[i]!) ** 2;
      const token = w.text.normalize('NFC').replace(EDGE_PUNCT, '');
      if (confs[i]! < 0.85 && /\p{L}/u.test(token) && !isValidSyllable(token)) suspect++;
    });
    features.lowConfCharRate = doubtful / Math.max(1, length);
    features.confLossSq = lossSq / Math.max(1, length);
    features.suspectShare = suspect / confs.length;
    // Words in the lines' order (as pageInputOf and the cache list them): each line's mean confidence.
    const perLine = page.lines?.map((l) => l.words.length) ?? [];
    if (perLine.length > 0 && perLine.reduce((a, b) => a + b, 0) === (page.words ?? []).length) {
      const all = page.words ?? [];
      let at = 0;
      let doubtfulLines = 0;
      for (const n of perLine) {
        const ws = all.slice(at, at + n).filter((w) => w.text.trim() !== '');
        at += n;
        if (ws.length === 0) continue;
        const mean = ws.reduce((acc, w) => acc + Math.min(100, Math.max(0, w.conf)), 0) / ws.length / 100;
        if (mean < 0.7) doubtfulLines += ws.reduce((acc, w) => acc + [...w.text.trim()].length, 0);
      }
      features.doubtLineCharRate = doubtfulLines / Math.max(1, length);
    }
    const x = xHeightOf(scored);
    if (x !== undefined && x > 0) {
      features.xHeightPx = x;
      features.xHeightLog = Math.log2(x / 20);
    }
  }
  if (page.lines && page.lines.length > 0) {
    const ev = lineEvidence(page.lines);
    features.sideBySideShare = ev.transitions === 0 ? 0 : ev.sideBySide / ev.transitions;
    features.wordDisorderShare = ev.steps === 0 ? 0 : ev.disordered / ev.steps;
    features.wideGapShare = ev.wideGaps.length / page.lines.length;
    const tg = textGaps(page.lines);
    features.blankGapShare = tg.span <= 0 ? 0 : tg.gaps.reduce((s, g) => s + (g.lines - GAP_LINES) * tg.lineHeight, 0) / tg.span;
  }
  if (features.lmLogProb !== undefined) {
    const gap = lmJoinGap(text.split('\n').filter((l) => l.trim() !== ''), features.lmLogProb);
    if (gap !== undefined) features.lmJoinGap = gap;
  }
  const pairs = chars > 0 ? wordPairs(text) : undefined;
  if (pairs && pairs.length >= 5) {
    features.lmPairPmi = pairs.reduce((sum, p) => sum + p.pmi, 0) / pairs.length;
    features.lmBadPairShare = pairs.filter((p) => p.pmi < BAD_PAIR_PMI).length / pairs.length;
  }
  if (page.marks !== undefined) features.marks = page.marks;
  if (page.words && page.words.length > 0) features.markCount = page.marks ?? 0;
  if (page.sharpness !== undefined) features.sharpness = page.sharpness;
  const img = page.image;
  if (img && img.dpi > 0) {
    features.imgEdgeWidth = img.edgeWidth;
    features.imgDpiLog = Math.log2(img.dpi / 300);
    features.imgBilevel = img.bilevel ? 1 : 0;
    features.imgBilevelLoss = img.bilevel ? Math.max(0, Math.log2(300 / img.dpi)) : 0;
    features.imgContrast = img.contrast;
    features.imgSpeckle = img.speckle;
    features.imgStrokeWidth = img.strokeWidth;
  }

  const restored = page.restored?.tokens ?? [];
  if (restored.length > 0) {
    features.restoreChangedShare = restored.filter((t) => t.changed).length / restored.length;
    features.restoreConfMean = restored.reduce((s, t) => s + t.confidence, 0) / restored.length;
    features.restoreLowConfShare = restored.filter((t) => t.confidence < 0.6).length / restored.length;
    let letters = 0;
    let invalid = 0;
    for (const t of restored) {
      for (const part of t.text.split(/\s+/u)) {
        const token = part.normalize('NFC').replace(EDGE_PUNCT, '');
        if (!/\p{L}/u.test(token)) continue;
        letters++;
        if (!isValidSyllable(token)) invalid++;
      }
    }
    features.restoredInvalidShare = letters === 0 ? 0 : invalid / letters;
    const lmr = lmFeatures(restored.map((t) => t.text).join(' '));
    if (lmr) {
      features.restoredLmLogProb = lmr.logProb;
      features.restoredUnknownShare = lmr.unknown;
    }
  }

  if (page.width && page.height && page.dpi) {
    const squareInches = (page.width / page.dpi) * (page.height / page.dpi);
    if (squareInches > 0) features.density = chars / squareInches;
  }
  return features;
}
