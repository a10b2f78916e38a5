/**
 * Searchable PDF: the input's own pages (their images untouched: pdf-lib copies
 * streams without re-encoding) with an invisible text layer of the restored
 * words, each placed on its OCR box and squeezed to the box's width, lines on
 * their baseline, drawn in reading order so selection and copy follow it.
 */
import { readFile } from 'node:fs/promises';
import {
  PDFArray,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFDict,
  PDFString,
  TextRenderingMode,
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setCharacterSqueeze,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  type PDFPage,
  type PDFRef,
} from 'pdf-lib';
import sharp from 'sharp';
import { safePages } from '../pdfdoc/page-tree.js';
import { pageTextKind, removeInvisibleText } from '../pdfdoc/text-layers.js';
import type { BBox, ConvertedPage, ExistingTextMode, PageImage, PageImageReader, SearchablePdfReport, VanBanDocument } from '../types.js';
import { dropUnreachable, removeActiveContent } from './sanitize.js';
import { drawFullPage, embedDecoded, embedPngPassthrough, embedTiffG4Passthrough, isTiff } from './embed-image.js';
import { VERSION } from './version.js';

/**
 * The text layer's font: a "glyph-less" composite font, as Tesseract's PDF
 * renderer uses. Character codes are UTF-16 code units (Identity-H), every
 * glyph is half an em wide, and a ToUnicode map turns codes back into text.
 * It draws nothing (the layer is invisible anyway), so it needs no font
 * program: PDF/A exempts fonts used only with text rendering mode 3 from
 * embedding, and the layer costs bytes, not a 500 KB font per file.
 */
const GLYPH_WIDTH = 500;

function toUnicodeCMap(): string {
  const ranges: string[] = [];
  for (let high = 0; high <= 0xff; high += 1) {
    if (high >= 0xd8 && high <= 0xdf) continue; // surrogates never appear as codes
    const h = high.toString(16).padStart(2, '0').toUpperCase();
    ranges.push(`<${h}00> <${h}FF> <${h}00>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const chunk = ranges.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfrange\n${chunk.join('\n')}\nendbfrange`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function addGlyphlessFont(pdf: PDFDocument): PDFRef {
  const { context } = pdf;
  const descriptor = context.obj({
    Type: 'FontDescriptor',
    FontName: 'GlyphLessFont',
    Flags: 5,
    FontBBox: [0, 0, GLYPH_WIDTH, 1000],
    ItalicAngle: 0,
    Ascent: 1000,
    Descent: 0,
    CapHeight: 1000,
    StemV: 80,
  });
  const cidFont = context.obj({
    Type: 'Font',
    Subtype: 'CIDFontType2',
    BaseFont: 'GlyphLessFont',
    CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
    FontDescriptor: context.register(descriptor),
    DW: GLYPH_WIDTH,
    CIDToGIDMap: 'Identity',
  });
  const toUnicode = context.flateStream(toUnicodeCMap());
  return context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: 'GlyphLessFont',
      Encoding: 'Identity-H',
      DescendantFonts: [context.register(cidFont)],
      ToUnicode: context.register(toUnicode),
    }),
  );
}

/** UTF-16 code units as the font's 2-byte codes; characters outside the BMP become U+FFFD. */
function encodeText(text: string): PDFHexString {
  let hex = '';
  for (const char of text) {
    const code = char.codePointAt(0)! > 0xffff ? 0xfffd : char.codePointAt(0)!;
    hex += code.toString(16).padStart(4, '0');
  }
  return PDFHexString.of(hex);
}

/** Maps upright page-image pixels to the PDF page's user space, honouring the crop box and /Rotate. */
export interface PageFrame {
  /** Crop box (or media box) in user space. */
  box: { x: number; y: number; width: number; height: number };
  /** The page's /Rotate, clockwise degrees. */
  rotate: 0 | 90 | 180 | 270;
  /** Size of the upright page image, pixels. */
  imageWidth: number;
  imageHeight: number;
}

/** Point from image pixels (origin top-left of the upright page) to user space. */
export function toUserSpace(frame: PageFrame, x: number, y: number): [number, number] {
  const { box, rotate } = frame;
  const upW = rotate % 180 === 0 ? box.width : box.height;
  const upH = rotate % 180 === 0 ? box.height : box.width;
  const u = (x * upW) / frame.imageWidth;
  const v = upH - (y * upH) / frame.imageHeight;
  switch (rotate) {
    case 0:
      return [box.x + u, box.y + v];
    case 90:
      return [box.x + box.width - v, box.y + u];
    case 180:
      return [box.x + box.width - u, box.y + box.height - v];
    case 270:
      return [box.x + v, box.y + box.height - u];
  }
}

function pageFrame(page: PDFPage, imageWidth: number, imageHeight: number): PageFrame {
  const angle = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  return { box: page.getCropBox(), rotate: angle, imageWidth, imageHeight };
}

type LayerWord = ConvertedPage['restored']['words'][number];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The upright reading frame of a page the OCR stage turned (ocr.rotation, clockwise) to read it:
 * boxes into it, and its points back to page-image pixels. Lines are laid out upright, so
 * a landscape scan of a portrait letter gets its text running along its lines, not across.
 */
function uprightFrame(rotation: 0 | 90 | 180 | 270, width: number, height: number): { box: (b: BBox) => BBox; point: (u: number, v: number) => [number, number] } {
  switch (rotation) {
    case 0:
      return { box: (b) => b, point: (u, v) => [u, v] };
    case 90:
      return { box: ([x0, y0, x1, y1]) => [height - y1, x0, height - y0, x1], point: (u, v) => [v, height - u] };
    case 180:
      return { box: ([x0, y0, x1, y1]) => [width - x1, height - y1, width - x0, height - y0], point: (u, v) => [width - u, height - v] };
    case 270:
      return { box: ([x0, y0, x1, y1]) => [y0, width - x1, y1, width - x0], point: (u, v) => [width - v, u] };
  }
}

/**
 * The turn the page's text needs, as far as its word boxes agree: a quarter turn only
 * when the words (of three letters or more) are taller than wide in the page image.
 */
function readingRotation(converted: ConvertedPage): 0 | 90 | 180 | 270 {
  const rotation = converted.ocr.rotation ?? 0;
  if (rotation % 180 === 0) return rotation;
  const shapes = converted.restored.words.filter((w) => [...w.text].length >= 3).map((w) => (w.bbox[2] - w.bbox[0]) / Math.max(1, w.bbox[3] - w.bbox[1]));
  return shapes.length > 0 && median(shapes) >= 1 ? 0 : rotation;
}

const centreX = (b: BBox): number => (b[0] + b[2]) / 2;

/** Steepest slope a line's baseline is given (about 8.5°): beyond it the estimate is noise, not skew. */
const MAX_SLOPE = 0.15;

/**
 * The slope (dy/dx, image pixels) of a line's baseline from its words' bottoms: the median of the
 * slopes between pairs of words (Theil–Sen), so a descender or a dot below does not tilt it.
 */
function baselineSlope(words: LayerWord[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < words.length; i += 1) {
    for (let j = i + 1; j < words.length; j += 1) {
      const a = words[i]!.bbox;
      const b = words[j]!.bbox;
      const dx = centreX(b) - centreX(a);
      if (Math.abs(dx) >= 1) slopes.push((b[3] - a[3]) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  return Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, median(slopes)));
}

/** Largest drift of a skewed line's baseline, in line heights, left within one flat step. */
const BASELINE_STEP = 0.2;

/**
 * The baseline (image pixels) of each word of a line: a little above the words' typical bottom
 * (dots below and descenders reach lower), following the printed line's slope in flat steps.
 * On a skewed scan one level for the whole line would put its far end on the next line's
 * baseline, and plain pdftotext would merge the two lines' words ("tưtheo"); a baseline tilted
 * or stepped at every word makes it split the line at each word, and a lone "-" ending such a
 * piece is "dehyphenated" away. So the line is cut into flat steps, each within a fifth of a
 * line height of the fitted baseline, and never right after a word ending in "-".
 */
function lineBaselines(words: LayerWord[], lineBox: BBox, heightPx: number): number[] {
  const slope = baselineSlope(words);
  const level = median(words.map((w) => w.bbox[3] - slope * centreX(w.bbox)));
  const fitted = words.map((w) => Math.min(lineBox[3], level + slope * centreX(w.bbox)));
  const baselines: number[] = [];
  let start = 0;
  for (let k = 1; k <= words.length; k += 1) {
    const cut = k === words.length || (Math.abs(fitted[k]! - fitted[start]!) > BASELINE_STEP * heightPx && !words[k - 1]!.text.endsWith('-'));
    if (!cut) continue;
    const step = median(fitted.slice(start, k)) - heightPx * 0.1;
    for (let j = start; j < k; j += 1) baselines.push(step);
    start = k;
  }
  return baselines;
}

/**
 * A restored word as the words extractors will see: one holding spaces (the restorer put
 * several words where the OCR read one) is laid out as its words, the box shared out by
 * letter count, so each gets its own box, gap and neighbour checks.
 */
function splitAtSpaces(word: LayerWord): LayerWord[] {
  const parts = word.text.split(/\s+/).filter(Boolean);
  if (parts.length <= 1) return parts.length === 1 && parts[0] === word.text ? [word] : parts.map((text) => ({ ...word, text }));
  const [x0, y0, x1, y1] = word.bbox;
  const letters = parts.reduce((n, p) => n + [...p].length, 0) + parts.length - 1;
  const perLetter = (x1 - x0) / Math.max(1, letters);
  let at = 0;
  return parts.map((text) => {
    const n = [...text].length;
    const box: BBox = [x0 + at * perLetter, y0, x0 + (at + n) * perLetter, y1];
    at += n + 1;
    return { ...word, text, bbox: box };
  });
}

/** Where a word's letters went (upright pixels): their extent along the line, baseline, font size, drawn line. */
interface Placed {
  start: number;
  end: number;
  base: number;
  font: number;
  /** The font size in pixels along the line (a page can be scaled unlike its image across and along). */
  fontAlong: number;
  line: number;
  /** One letter as pdftotext sees it (no U+FEFF after it): a line of such words is taken for letter-spaced text. */
  single: boolean;
}

/** Baselines closer than this (the larger font size) can end up on one line of plain pdftotext: both within half its first word's size of its baseline, and that word can be larger. */
const SAME_LINE = 1.2;
/** Smallest gap (font sizes) left between a word and one of another line beside it (plain pdftotext spaces words 0.03 apart). */
const NEIGHBOUR_GAP = 0.1;
/** The same after the word drawn just before (pdftotext -raw spaces words 0.15 apart in drawing order). */
const PREVIOUS_GAP = 0.2;
/** Overlap (font sizes) past which plain pdftotext ends its line rather than run on (it takes 0.5). */
const CLEAR_OVERLAP = 0.6;
/**
 * Gap (font sizes) between two one-letter words. Plain pdftotext takes a line made only of
 * one-letter words for letter-spaced text ("C Ô N G"): it glues every gap under 1.3 times the
 * smallest (at most 0.4 of the font size), so the stray letters OCR reads off a seal or a
 * signature ("Ộ", "|") came back glued ("Ộ|"). Past 0.4 it always spaces them.
 */
const SINGLE_GAP = 0.45;
/** Farthest a word's baseline is moved (font sizes) to get it off another line's. */
const MAX_NUDGE = 1.0;

/** The gap a word needs from `other` (font sizes), 0 when the two cannot meet on one extracted line. */
function neededGap(other: Placed, word: Placed, previous: boolean): number {
  if (other.line === word.line && !previous) return 0;
  if (Math.abs(other.base - word.base) >= SAME_LINE * Math.max(other.font, word.font)) return 0;
  const gap = other.single && word.single ? SINGLE_GAP : previous ? PREVIOUS_GAP : NEIGHBOUR_GAP;
  return gap * Math.max(other.fontAlong, word.fontAlong);
}

/** Whether `word` nearly touches `other` along the line: too close to be spaced, too little over it to end the line. */
function touches(other: Placed, word: Placed, previous: boolean): boolean {
  const need = neededGap(other, word, previous);
  if (need === 0) return false;
  const font = Math.max(other.fontAlong, word.fontAlong);
  const gap = other.start <= word.start ? word.start - other.end : other.start - word.end;
  return gap > -CLEAR_OVERLAP * font && gap < need;
}

const clashes = (placed: Placed[], word: Placed): number => placed.reduce((n, other, i) => n + (touches(other, word, i === placed.length - 1) ? 1 : 0), 0);

/**
 * Where a word goes clear of the words already drawn beside it. Plain pdftotext builds its
 * lines from every word whose baseline is within half a font size of the line's first one, so
 * on a skewed page (or where OCR boxes of two lines overlap) words of two printed lines meet on
 * one of its lines, and two that nearly touch there (closer than 0.03 of the font size, less
 * than half of it over each other) are glued ("ngườihiểm"). The word starts a little later or
 * ends a little sooner (never narrower than a sliver); if that cannot clear it, its baseline
 * moves off the other line's a little; if nothing clears it, it stays where its box is.
 */
function clearOfNeighbours(placed: Placed[], word: Placed, sliver: number, frameW: number, frameH: number): Placed {
  if (clashes(placed, word) === 0) return word;
  const fit = (start: number, end: number): [number, number] => {
    const s = Math.max(0, Math.min(start, frameW - 1 - sliver));
    return [s, Math.min(frameW - 1, Math.max(end, s + sliver))];
  };
  let { start, end } = word;
  for (let round = 0; round < 4; round += 1) {
    let moved = false;
    placed.forEach((other, i) => {
      const previous = i === placed.length - 1;
      if (!touches(other, { ...word, start, end }, previous)) return;
      const need = neededGap(other, word, previous);
      // A hair past the needed gap, so rounding does not leave it a hair short.
      if (other.start <= start) start = other.end + need * 1.05;
      else end = other.start - need * 1.05;
      [start, end] = fit(start, end);
      moved = true;
    });
    if (!moved) break;
  }
  const sideways = { ...word, start, end };
  if (clashes(placed, sideways) === 0) return sideways;
  // Off the baselines it meets: just below the lowest of them, or just above the highest.
  const met = placed.filter((other, i) => touches(other, word, i === placed.length - 1));
  const below = Math.max(...met.map((o) => o.base + SAME_LINE * Math.max(o.font, word.font)));
  const above = Math.min(...met.map((o) => o.base - SAME_LINE * Math.max(o.font, word.font)));
  for (const base of [below, above].sort((p, q) => Math.abs(p - word.base) - Math.abs(q - word.base))) {
    const nudged = { ...word, base };
    if (Math.abs(base - word.base) <= MAX_NUDGE * word.font && base >= word.font && base <= frameH - 1 && clashes(placed, nudged) === 0) return nudged;
  }
  // Nothing clears it: a one-letter word (a mark read as a letter, often inside another's box) goes
  // where it meets the fewest words; a longer word stays on its box (moving it there lost more on dev3).
  return word.single && clashes(placed, sideways) < clashes(placed, word) ? sideways : word;
}

/**
 * One text object per OCR line, as Tesseract's PDF renderer writes it: each
 * word is squeezed to its own box and followed by an explicit space, with a
 * real gap before the next word, so text extractors see a gap (and a space)
 * between words and keep each line together.
 */
function drawTextLayer(page: PDFPage, frame: PageFrame, converted: ConvertedPage, font: PDFRef): void {
  const fontKey = page.node.newFontDictionary('VanbanOCR', font);
  const rotation = readingRotation(converted);
  const upright = uprightFrame(rotation, converted.ocr.width, converted.ocr.height);
  // The upright frame's size: text extractors drop every letter that starts off the page.
  const [frameW, frameH] = rotation % 180 === 0 ? [converted.ocr.width, converted.ocr.height] : [converted.ocr.height, converted.ocr.width];
  const lineBoxes: BBox[] = converted.ocr.blocks.flatMap((block) => block.lines.map((line) => upright.box(line.bbox)));
  /** User-space point of an upright-frame point. */
  const user = (u: number, v: number): [number, number] => {
    const [x, y] = upright.point(u, v);
    return toUserSpace(frame, x, y);
  };
  // Text runs along the upright frame's x axis and stands along its -y axis, wherever they land on the page.
  const [ox, oy] = user(0, 0);
  const [ax, ay] = user(1, 0);
  const [bx, by] = user(0, -1);
  const norm = (dx: number, dy: number): [number, number] => {
    const n = Math.hypot(dx, dy) || 1;
    return [Math.round((dx / n) * 1e6) / 1e6, Math.round((dy / n) * 1e6) / 1e6];
  };
  const [cos, sin] = norm(ax - ox, ay - oy);
  // Points per upright pixel along the line and across it: the same unless the page is scaled unlike its image
  // (then a word's width in points comes from the one, its size from the other, or letters overrun their box).
  const alongPt = Math.hypot(ax - ox, ay - oy) || 1;
  const acrossPt = Math.hypot(bx - ox, by - oy) || 1;
  const acrossPerAlong = acrossPt / alongPt;
  const [upX, upY] = norm(bx - ox, by - oy);
  const lines: LayerWord[][] = [];
  for (const word of converted.restored.words.flatMap(splitAtSpaces)) {
    const last = lines[lines.length - 1];
    const placed = { ...word, bbox: upright.box(word.bbox) };
    // One OCR line can hold words of several printed lines (the engine merged them): a word that
    // is not beside the previous one (too little vertical overlap) starts a new one.
    const prev = last?.[last.length - 1]?.bbox;
    const b = placed.bbox;
    const beside = prev !== undefined && Math.min(prev[3], b[3]) - Math.max(prev[1], b[1]) > 0.3 * Math.min(prev[3] - prev[1], b[3] - b[1]);
    if (last && last[0]!.line === word.line && beside) last.push(placed);
    else lines.push([placed]);
  }
  // Where each text was drawn (upright pixels): plain pdftotext drops a word drawn over the same
  // word as "fake bold" (within a tenth of the font size along the line, a fifth across), so the
  // engine reading one word twice (overlapping lines) must not lose it in the layer.
  const drawn = new Map<string, Array<[number, number]>>();
  const operators = [pushGraphicsState()];
  const placed: Placed[] = [];
  for (const [lineIndex, words] of lines.entries()) {
    const lineBox = lineBoxes[words[0]!.line] ?? words[0]!.bbox;
    // Size from the words' own height: an OCR line box can span two printed lines (a bullet, a
    // stamp), and a font that tall makes extractors merge neighbouring lines and miss word gaps.
    // (Never under half the words' height: a line box flatter than its words is a misreading.)
    const wordsHeight = median(words.map((w) => w.bbox[3] - w.bbox[1]));
    const heightPx = Math.max(1, Math.min(Math.max(lineBox[3] - lineBox[1], 0.5 * wordsHeight), wordsHeight));
    const size = Math.max(1, heightPx * acrossPt * 0.75);
    const baselines = lineBaselines(words, lineBox, heightPx);
    operators.push(beginText(), setTextRenderingMode(TextRenderingMode.Invisible), setFontAndSize(fontKey, size));
    // Words go left to right with a real gap between them, whatever their OCR boxes do: a box that
    // starts inside the previous one (italics, a handwritten note, noise) would otherwise be drawn
    // over it and extractors would glue the two ("mẹA").
    const fontPx = heightPx * 0.75;
    const fontAlongPx = fontPx * acrossPerAlong;
    const gapPx = 0.3 * fontAlongPx;
    let cursor = -Infinity;
    words.forEach((word, k) => {
      const next = words[k + 1];
      // Every word ends with a space, the last of a line too: a line that ends where another
      // begins on the same baseline (a bullet, a margin note) must not glue to it. A line ending
      // in "-" (a dash, "2022 -") would be "dehyphenated" by poppler's pdftotext, the dash dropped
      // and the line glued to the next; an invisible U+FEFF after it keeps the line as it is.
      // Plain pdftotext makes its own lines, which on a skewed page can end at any word (a lone
      // "-" between two lines' words becomes a line of its own), so every word ending in "-" gets it.
      const text = word.text.endsWith('-') ? `${word.text}\uFEFF ` : `${word.text} `;
      const chars = [...word.text].length;
      const glyphs = [...text].length;
      // Every letter starts on the page (pdftotext drops the others: "Nơi" at a negative x gave "ơi"):
      // a word whose box or sliver runs past the right edge is pulled back onto it (letters closer
      // than a tenth of the font size apart are taken for overprinting: it is never squeezed below 0.15).
      const sliverPx = chars * 0.15 * fontAlongPx;
      let startPx = Math.max(0, Math.min(Math.max(word.bbox[0], cursor), frameW - 1 - sliverPx));
      // The letters fill the word's box, ending a gap before the next word's start (never narrower than a sliver).
      let endPx = Math.min(frameW - 1, Math.max(next ? Math.min(word.bbox[2], next.bbox[0] - gapPx) : word.bbox[2], startPx + sliverPx));
      let baselinePx = Math.max(heightPx, Math.min(frameH - 1, baselines[k]!));
      const single = glyphs === 2;
      const where = clearOfNeighbours(placed, { start: startPx, end: endPx, base: baselinePx, font: fontPx, fontAlong: fontAlongPx, line: lineIndex, single }, sliverPx, frameW, frameH);
      placed.push(where);
      ({ start: startPx, end: endPx, base: baselinePx } = where);
      cursor = endPx + gapPx;
      const twins = drawn.get(word.text) ?? [];
      if (twins.some(([tx, ty]) => Math.abs(tx - startPx) < 0.15 * fontPx && Math.abs(ty - baselinePx) < 0.25 * fontPx)) baselinePx += 0.3 * fontPx;
      drawn.set(word.text, [...twins, [startPx, baselinePx]]);
      const [x, y] = user(startPx, baselinePx);
      const natural = (glyphs * GLYPH_WIDTH * size) / 1000;
      const target = Math.max(1, (((endPx - startPx) * glyphs) / Math.max(1, chars)) * alongPt);
      const squeeze = natural > 0 ? Math.min(1000, Math.max(1, (100 * target) / natural)) : 100;
      operators.push(setCharacterSqueeze(squeeze), setTextMatrix(cos, sin, upX, upY, x, y), showText(encodeText(text)));
    });
    operators.push(endText());
  }
  operators.push(popGraphicsState());
  page.pushOperators(...operators);
}

/** Adds one page holding the page image at its size (the image's dpi, or the PDF page size it came from). */
async function addImagePage(doc: PDFDocument, image: PageImage, sourceFile: Uint8Array | undefined): Promise<PDFPage> {
  const bytes = image.data;
  const width = image.pageSizePt?.width ?? (image.width * 72) / image.dpi;
  const height = image.pageSizePt?.height ?? (image.height * 72) / image.dpi;
  const page = doc.addPage([width, height]);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    page.drawImage(await doc.embedJpg(bytes), { x: 0, y: 0, width, height });
    return page;
  }
  if (image.origin === 'rendered') {
    // A rasterized page (encrypted or forced): a JPEG like the scans it usually shows, not a lossless 25 MB bitmap.
    const meta = await sharp(bytes).stats();
    const gray = meta.isOpaque && meta.channels.length >= 3 && isGrayStats(meta.channels);
    const jpeg = await (gray ? sharp(bytes).toColourspace('b-w') : sharp(bytes)).jpeg({ quality: 85 }).toBuffer();
    page.drawImage(await doc.embedJpg(jpeg), { x: 0, y: 0, width, height });
    return page;
  }
  // The file's own coded data where it fits a PDF filter; the decoded upright PNG otherwise.
  const tiff = sourceFile !== undefined && isTiff(sourceFile);
  // readPages hands over the file itself when it is an upright, opaque PNG; anything else is its own intermediate PNG.
  const original = sourceFile !== undefined && !tiff && Buffer.compare(bytes, sourceFile) === 0;
  let stored = tiff ? embedTiffG4Passthrough(doc, sourceFile, image.pageNumber - 1) : original ? embedPngPassthrough(doc, bytes) : undefined;
  if (stored && (stored.width !== image.width || stored.height !== image.height)) {
    doc.context.delete(stored.ref); // header disagrees with what was decoded: trust the decoder
    stored = undefined;
  }
  stored ??= await embedDecoded(doc, bytes);
  drawFullPage(page, stored);
  return page;
}

function isGrayStats(channels: ReadonlyArray<{ mean: number }>): boolean {
  const [r, g, b] = channels;
  return r !== undefined && g !== undefined && b !== undefined && Math.abs(r.mean - g.mean) < 1 && Math.abs(g.mean - b.mean) < 1;
}

let iccProfile: Promise<Buffer> | undefined;
/** sRGB ICC profile (CC0) as libvips ships it inside sharp: no profile file of our own to keep. */
const srgbProfile = (): Promise<Buffer> =>
  (iccProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata();
      if (!icc) throw new Error('sharp returned no sRGB profile');
      return icc;
    }));

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const isoDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** XMP packet declaring PDF/A-2b, mirroring the Info dictionary (PDF/A requires the two to agree). */
function xmpPacket(metadata: PdfMetadata, created: Date, modified: Date): string {
  const alt = (value: string): string => `<rdf:Alt><rdf:li xml:lang="x-default">${xmlText(value)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" ' +
      'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
    '<pdfaid:part>2</pdfaid:part>',
    '<pdfaid:conformance>B</pdfaid:conformance>',
    '<dc:format>application/pdf</dc:format>',
    metadata.title ? `<dc:title>${alt(metadata.title)}</dc:title>` : '',
    metadata.author ? `<dc:creator><rdf:Seq><rdf:li>${xmlText(metadata.author)}</rdf:li></rdf:Seq></dc:creator>` : '',
    metadata.subject ? `<dc:description>${alt(metadata.subject)}</dc:description>` : '',
    metadata.keywords && metadata.keywords.length > 0 ? `<pdf:Keywords>${xmlText(metadata.keywords.join(' '))}</pdf:Keywords>` : '',
    `<pdf:Producer>vanban ${VERSION} (pdf-lib)</pdf:Producer>`,
    '<xmp:CreatorTool>vanban</xmp:CreatorTool>',
    `<xmp:CreateDate>${isoDate(created)}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${isoDate(modified)}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${isoDate(modified)}</xmp:MetadataDate>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * What PDF/A-2b asks of the file as a whole: XMP metadata (unfiltered), an sRGB
 * output intent and a file identifier. Whether the input's own pages conform
 * (fonts it did not embed, say) is beyond what is checked here.
 */
async function addPdfA(pdf: PDFDocument, metadata: PdfMetadata, created: Date, modified: Date): Promise<void> {
  const { context, catalog } = pdf;
  // As UTF-8 bytes: pdf-lib writes a string's characters as single bytes, which made the packet's
  // BOM a lone 0xFF and a Vietnamese title garbage, and XMP readers rejected the whole packet.
  const xmp = context.stream(new TextEncoder().encode(xmpPacket(metadata, created, modified)), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), context.register(xmp));
  if (!catalog.has(PDFName.of('OutputIntents'))) {
    const profile = context.flateStream(await srgbProfile(), { N: 3 });
    const intent = context.obj({
      Type: 'OutputIntent',
      S: 'GTS_PDFA1',
      OutputConditionIdentifier: PDFString.of('sRGB'),
      Info: PDFString.of('sRGB IEC61966-2.1'),
      DestOutputProfile: context.register(profile),
    });
    catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]) as PDFArray);
  }
  const id = PDFHexString.of(Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'));
  context.trailerInfo.ID = context.obj([id, id]);
}

export interface PdfMetadata {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  created?: Date;
}

export interface SearchablePdfOptions {
  metadata?: PdfMetadata;
  /** 'pdfa' (default) declares PDF/A-2b (XMP, sRGB output intent); 'pdf' writes a plain PDF. */
  outputType?: 'pdf' | 'pdfa';
  /** Pages that already carry text; default: the document's own setting, else 'redo'. */
  existingText?: ExistingTextMode;
  /** The input's page images (image inputs, PDFs rebuilt from their pages): the composer supplies them. */
  pageImage: PageImageReader;
}

export interface SearchablePdf {
  bytes: Uint8Array;
  report: SearchablePdfReport;
}

async function loadInputPdf(input: Uint8Array): Promise<{ pdf?: PDFDocument; reason?: string }> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(input, { updateMetadata: false, ignoreEncryption: true });
  } catch (error) {
    return { reason: `pdf-lib cannot parse the input (${(error as Error).message.split('\n')[0]})` };
  }
  // pdf-lib cannot decrypt: copying an encrypted file's pages would copy unreadable streams.
  if (pdf.isEncrypted) return { reason: 'the input is encrypted (restricted); its pages were rebuilt from their images' };
  return { pdf };
}

/**
 * The searchable PDF of a converted document, with a report of what it
 * changed. PDF inputs keep their own pages (active content removed, text
 * layers per existingText); image inputs, encrypted PDFs and 'force' get one
 * page per page image.
 */
export async function buildSearchablePdf(doc: VanBanDocument, inputPath: string, options: SearchablePdfOptions): Promise<SearchablePdf> {
  const input = new Uint8Array(await readFile(inputPath));
  const isPdf = Buffer.from(input.subarray(0, 1024)).includes('%PDF-', 0, 'latin1');
  const mode = options.existingText ?? doc.existingText ?? 'redo';
  const outputType = options.outputType ?? 'pdfa';
  const report: SearchablePdfReport = { built: 'input-pages', activeContentRemoved: [], textLayerReplaced: [], textLayerKept: [], outputType };
  let pdf: PDFDocument | undefined;
  if (isPdf) {
    if (mode === 'force') report.rebuiltBecause = 'existingText "force": every page rasterized';
    else {
      const loaded = await loadInputPdf(input);
      pdf = loaded.pdf;
      if (loaded.reason) report.rebuiltBecause = loaded.reason;
    }
  }
  const font = (target: PDFDocument): PDFRef => (fontRef ??= addGlyphlessFont(target));
  let fontRef: PDFRef | undefined;
  const byNumber = new Map(doc.pages.map((page) => [page.number, page]));
  if (pdf) {
    const pages = safePages(pdf);
    report.activeContentRemoved = removeActiveContent(pdf, pages);
    for (const converted of doc.pages) {
      const page = pages[converted.number - 1];
      if (!page) continue;
      const kind = pageTextKind(page);
      // A page read from its own text keeps it; a scan carrying some visible text (a stamp) was OCR'd and gets a layer.
      if (converted.image.origin === 'vector-text' || (kind !== 'none' && mode === 'skip')) {
        report.textLayerKept.push(converted.number);
        continue;
      }
      if (kind === 'invisible' && removeInvisibleText(page) > 0) report.textLayerReplaced.push(converted.number);
      drawTextLayer(page, pageFrame(page, converted.ocr.width, converted.ocr.height), converted, font(pdf));
    }
  } else {
    report.built = 'page-images';
    pdf = await PDFDocument.create();
    const read = options.pageImage;
    // Image inputs: every page of the file; PDFs rebuilt from images: the converted pages.
    const numbers = isPdf ? doc.pages.map((page) => page.number) : await imageFilePages(inputPath, doc);
    for (const number of numbers) {
      const image = await read(number);
      const page = await addImagePage(pdf, image, isPdf ? undefined : input);
      const converted = byNumber.get(number);
      if (!converted) continue;
      const frame: PageFrame = { box: { x: 0, y: 0, ...page.getSize() }, rotate: 0, imageWidth: converted.ocr.width, imageHeight: converted.ocr.height };
      drawTextLayer(page, frame, converted, font(pdf));
    }
  }
  const { metadata = {} } = options;
  if (metadata.title) pdf.setTitle(metadata.title);
  if (metadata.author) pdf.setAuthor(metadata.author);
  if (metadata.subject) pdf.setSubject(metadata.subject);
  if (metadata.keywords && metadata.keywords.length > 0) pdf.setKeywords(metadata.keywords);
  const modified = new Date(Math.floor(Date.now() / 1000) * 1000);
  const created = metadata.created ?? modified;
  pdf.setCreationDate(created);
  pdf.setModificationDate(modified);
  pdf.setProducer(`vanban ${VERSION} (pdf-lib)`);
  pdf.setCreator('vanban');
  if (outputType === 'pdfa') await addPdfA(pdf, metadata, created, modified);
  if (report.built === 'input-pages') dropUnreachable(pdf);
  return { bytes: await pdf.save({ useObjectStreams: false }), report };
}

/** An image file's pages: all of them (a TIFF's unconverted pages still belong in the PDF), at least the converted ones. */
async function imageFilePages(inputPath: string, doc: VanBanDocument): Promise<number[]> {
  const meta = await sharp(inputPath, { limitInputPixels: false }).metadata();
  const count = Math.max(1, meta.pages ?? 1, ...doc.pages.map((page) => page.number));
  return Array.from({ length: count }, (_, i) => i + 1);
}
