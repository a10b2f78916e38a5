/**
 * Tesseract.js result → engine lines in PageImage coordinates.
 * Kept apart from the worker code so the mapping is testable on plain data.
 */
import type { Affine, BBox, OcrWord } from '../types.js';
import type { LayoutLine } from './layout.js';

/** The part of tesseract.js's `Page` we read (`recognize(img, {}, { blocks: true })`). */
export interface EngineBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export interface EngineWord {
  text: string;
  confidence: number;
  bbox: EngineBox;
  /** Character boxes, where the engine gives them. */
  symbols?: Array<{ text: string; bbox: EngineBox }> | null;
}

/** A number glued to a word ("26tháng", "ngày26") or after a colon ("Số:1906"). */
const GLUED = /(?<=\p{N})(?=\p{L})|(?<=\p{L})(?=\p{N})|(?<=:)(?=\p{N})/gu;

/**
 * Splits a word where a number meets a word and the character boxes show a gap
 * at least `minGap` wide: Tesseract joins them when the space is narrow (a
 * justified line, a 1-bit scan), and structure extraction then misses dates and
 * numbers. Codes like "QĐ-UBND" or "lớp12" printed without a gap stay whole.
 */
export function splitGlued(word: EngineWord, minGap: number): EngineWord[] {
  const symbols = word.symbols;
  const text = word.text.trim();
  if (!symbols || symbols.length < 2 || symbols.map((c) => c.text).join('') !== text) return [word];
  const cuts: number[] = [];
  // Character offsets (in symbols) where a boundary falls.
  const offsets: number[] = [];
  let pos = 0;
  for (const c of symbols) {
    offsets.push(pos);
    pos += c.text.length;
  }
  for (const m of text.matchAll(GLUED)) {
    const k = offsets.indexOf(m.index);
    if (k <= 0) continue;
    const gap = symbols[k]!.bbox.x0 - symbols[k - 1]!.bbox.x1;
    if (gap >= minGap) cuts.push(k);
  }
  if (cuts.length === 0) return [word];
  const out: EngineWord[] = [];
  let start = 0;
  for (const k of [...cuts, symbols.length]) {
    const part = symbols.slice(start, k);
    out.push({
      text: part.map((c) => c.text).join(''),
      confidence: word.confidence,
      bbox: { x0: Math.min(...part.map((c) => c.bbox.x0)), y0: word.bbox.y0, x1: Math.max(...part.map((c) => c.bbox.x1)), y1: word.bbox.y1 },
    });
    start = k;
  }
  return out;
}
export interface EngineLine {
  text: string;
  confidence: number;
  bbox: EngineBox;
  baseline?: EngineBox | null;
  words: EngineWord[];
}
export interface EngineBlock {
  paragraphs: Array<{ lines: EngineLine[] }>;
}

function apply(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** Maps a box through an affine transform: the axis-aligned bounds of its four mapped corners, clamped to the page. */
export function mapBox(box: EngineBox, m: Affine, pageWidth: number, pageHeight: number): BBox {
  const corners = [apply(m, box.x0, box.y0), apply(m, box.x1, box.y0), apply(m, box.x0, box.y1), apply(m, box.x1, box.y1)];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const clampX = (v: number): number => Math.min(pageWidth, Math.max(0, Math.round(v)));
  const clampY = (v: number): number => Math.min(pageHeight, Math.max(0, Math.round(v)));
  return [clampX(Math.min(...xs)), clampY(Math.min(...ys)), clampX(Math.max(...xs)), clampY(Math.max(...ys))];
}

/**
 * Specks, stamp edges and signature strokes come back as near-zero-confidence
 * "words" of punctuation or one stray letter. They add characters to the text and,
 * worse, can sit in the gutter between two columns. Real punctuation and list
 * dashes are read with high confidence, so only unconfident ones are dropped.
 */
export function isNoiseWord(text: string, conf: number): boolean {
  const hasAlnum = /[\p{L}\p{N}]/u.test(text);
  if (!hasAlnum) return conf < 60;
  return conf < 25 && [...text].length <= 2 && !/^\p{N}+$/u.test(text);
}

/**
 * Flattens blocks → paragraphs → lines, drops empty words, maps every box and
 * baseline to page coordinates. `group` numbers the engine's paragraphs.
 */
export function extractLines(
  blocks: readonly EngineBlock[] | null | undefined,
  toPage: Affine,
  pageWidth: number,
  pageHeight: number,
): LayoutLine[] {
  const out: LayoutLine[] = [];
  let group = 0;
  for (const block of blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        // An eighth of the line height is a space at any resolution; letters of a word sit closer.
        const minGap = Math.max(2, 0.12 * (line.bbox.y1 - line.bbox.y0));
        const words: OcrWord[] = line.words
          .flatMap((w) => splitGlued(w, minGap))
          .filter((w) => w.text.trim() !== '' && !isNoiseWord(w.text.trim(), w.confidence))
          .map((w) => ({ text: w.text.trim(), conf: w.confidence, bbox: mapBox(w.bbox, toPage, pageWidth, pageHeight) }));
        if (words.length === 0) continue;
        const mapped: LayoutLine = {
          text: words.map((w) => w.text).join(' '),
          conf: line.confidence,
          bbox: mapBox(line.bbox, toPage, pageWidth, pageHeight),
          words,
          group,
        };
        const b = line.baseline;
        if (b && Number.isFinite(b.x0) && Number.isFinite(b.y0) && Number.isFinite(b.x1) && Number.isFinite(b.y1)) {
          const [x0, y0] = apply(toPage, b.x0, b.y0);
          const [x1, y1] = apply(toPage, b.x1, b.y1);
          mapped.baseline = [Math.round(x0), Math.round(y0), Math.round(x1), Math.round(y1)];
        }
        out.push(mapped);
      }
      group++;
    }
  }
  return out;
}

/** A written-in number is this much taller than the line's printed words, or its middle this far off theirs (in their heights)… */
const HAND_TALL = 1.45;
const HAND_OFFSET = 0.4;
/** …and read below this confidence. */
const HAND_CONF = 75;

/**
 * Indices of the words of a printed line that are numbers written in by hand: a day
 * filled into "ngày   tháng 5 năm 2019" is larger than the print around it, sits off its
 * baseline and is read unconfidently, while a printed number matches its neighbours.
 * With the ink measured (`shapes`, one per word), a felt pen's strokes much wider than
 * the print's, or figures whose baseline floats above the print's, are handwriting too:
 * Tesseract's word boxes often span the whole line and hide both.
 * Needs at least two other words with letters to compare against.
 */
export function handwrittenNumbers(words: readonly OcrWord[], shapes?: ReadonlyArray<InkShape | undefined>): number[] {
  const printed = words.map((w, i) => ({ w, i })).filter(({ w }) => /\p{L}/u.test(w.text));
  if (printed.length < 2) return [];
  const out: number[] = [];
  words.forEach((w, i) => {
    // A day or month: one or two digits; a document number: up to five.
    if (!/^\p{N}{1,5}$/u.test(w.text)) return;
    // Compared with the nearest printed words: a long line's baseline drifts with any skew left.
    const cx = (w.bbox[0] + w.bbox[2]) / 2;
    const distance = (p: OcrWord): number => Math.abs((p.bbox[0] + p.bbox[2]) / 2 - cx);
    const near = [...printed].sort((a, b) => distance(a.w) - distance(b.w)).slice(0, 4);
    if (/^\p{N}{1,2}$/u.test(w.text) && w.conf < HAND_CONF) {
      const h = median(near.map(({ w: p }) => p.bbox[3] - p.bbox[1]));
      const mid = median(near.map(({ w: p }) => (p.bbox[1] + p.bbox[3]) / 2));
      const wh = w.bbox[3] - w.bbox[1];
      if (h > 0 && (wh > HAND_TALL * h || Math.abs((w.bbox[1] + w.bbox[3]) / 2 - mid) / h > HAND_OFFSET)) {
        out.push(i);
        return;
      }
    }
    const own = shapes?.[i];
    const theirs = near.map(({ i: k }) => shapes?.[k]).filter((s): s is InkShape => s !== undefined);
    if (own && theirs.length >= 2 && penInk(own, w.conf, theirs, [...w.text].length)) out.push(i);
  });
  return out;
}

/** Figures drawn with strokes this many times the print's width are pen, whatever the confidence… */
const HAND_STROKE = 1.35;
/** …and unconfident figures whose baseline sits this far above the print's (in its ink heights) are written above the blank. */
const HAND_RAISE = 0.3;

/**
 * A number of three or more figures leaning this much more than the print beside it
 * (shear, see InkShape.slant) was written by a hand slanting right… (dev: printed numbers of
 * 3–4 figures lean at most 0.08 more than their neighbours; a single printed 7 or 22 leans
 * up to 0.5 more by its diagonal strokes alone, hence the length)…
 */
const HAND_SLANT = 0.2;
/** …when it is also unconfident (HAND_CONF) or drawn this much wider than the print (a 1-bit letter's pen number: 1.22). */
const HAND_SLANT_STROKE = 1.15;

function penInk(own: InkShape, conf: number, print: readonly InkShape[], figures: number): boolean {
  const stroke = median(print.map((s) => s.stroke));
  if (own.stroke >= HAND_STROKE * stroke) return true;
  if (figures >= 3 && own.slant - median(print.map((s) => s.slant)) >= HAND_SLANT && (conf < HAND_CONF || own.stroke >= HAND_SLANT_STROKE * stroke)) return true;
  const base = median(print.map((s) => s.bottom));
  const height = median(print.map((s) => s.bottom - s.top));
  return conf < HAND_CONF && height > 0 && (base - own.bottom) / height > HAND_RAISE;
}

/** What the ink inside a word's box looks like, in prepared-image pixels. */
export interface InkShape {
  /** Mean stroke width: twice the ink area over its outline (a pen line is wider than print). */
  stroke: number;
  /** Median over the inked columns of their topmost and lowest ink row: the x-height or cap line and the baseline, blind to a few accents and descenders. */
  top: number;
  bottom: number;
  /**
   * Lean of the strokes, as the shear (x shift per row upwards) that makes the ink's
   * column profile sharpest: about 0 for upright print, 0.2–0.3 for italic, more for a
   * hand's figures leaning right.
   */
  slant: number;
}

/** Shears tried for the slant, in steps of SLANT_STEP up to ±SLANT_MAX. */
const SLANT_STEP = 0.05;
const SLANT_MAX = 0.7;

/** The shear that concentrates the ink's columns most (sum of squared column counts). */
function inkSlant(ink: (x: number, y: number) => boolean, x0: number, y0: number, x1: number, y1: number): number {
  const h = y1 - y0;
  const pad = Math.ceil(SLANT_MAX * h) + 1;
  const cols = new Float64Array(x1 - x0 + 2 * pad);
  const points: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (ink(x, y)) points.push(x - x0 + pad, y1 - 1 - y);
  let best = 0;
  let bestScore = -1;
  const n = Math.round(SLANT_MAX / SLANT_STEP);
  for (let k = -n; k <= n; k++) {
    const s = k * SLANT_STEP;
    cols.fill(0);
    for (let i = 0; i < points.length; i += 2) cols[Math.round(points[i]! - s * points[i + 1]!)]! += 1;
    let score = 0;
    for (const c of cols) score += c * c;
    // Ties go to the smaller lean: a blob with no strokes is upright.
    if (score > bestScore * 1.0001 || (score >= bestScore && Math.abs(s) < Math.abs(best))) {
      bestScore = score;
      best = s;
    }
  }
  return best;
}

/** Gray level below which a pixel is ink (prepared images are normalised: paper near 255). */
const INK_LEVEL = 128;

/**
 * Measures the ink of one box of an 8-bit gray image (one byte per pixel). Undefined
 * when the box holds too little ink to measure (a speck, a dash).
 */
export function inkShape(gray: Uint8Array, width: number, height: number, box: BBox): InkShape | undefined {
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(width, Math.ceil(box[2]));
  const y1 = Math.min(height, Math.ceil(box[3]));
  if (x1 - x0 < 2 || y1 - y0 < 2) return undefined;
  const ink = (x: number, y: number): boolean => x >= x0 && x < x1 && y >= y0 && y < y1 && gray[y * width + x]! < INK_LEVEL;
  let area = 0;
  let edge = 0;
  const tops: number[] = [];
  const bottoms: number[] = [];
  for (let x = x0; x < x1; x++) {
    let top = -1;
    let bottom = -1;
    for (let y = y0; y < y1; y++) {
      if (!ink(x, y)) continue;
      area++;
      if (!ink(x - 1, y) || !ink(x + 1, y) || !ink(x, y - 1) || !ink(x, y + 1)) edge++;
      if (top < 0) top = y;
      bottom = y;
    }
    if (top >= 0) {
      tops.push(top);
      bottoms.push(bottom);
    }
  }
  if (area < 12 || edge === 0 || tops.length < 3) return undefined;
  return { stroke: (2 * area) / edge, top: median(tops), bottom: median(bottoms), slant: inkSlant(ink, x0, y0, x1, y1) };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
