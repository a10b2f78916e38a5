/**
 * A born-digital page's own text, read instead of OCR'd (issue 19): pdfjs's
 * text items, placed in the pixel frame the page would be rendered in, cut into
 * words (an item can hold several words, or a word can span several items when
 * a producer positions glyphs one by one) and grouped into lines. Reading order
 * is left to the OCR stage's layout analysis, exactly as for OCR'd lines.
 */
import type { PDFPage } from 'pdf-lib';
import type { BBox, OcrLine, OcrWord } from '../types.js';
import { scanContent, contentBytes } from '../pdfdoc/content.js';
import { pageFrame } from './frame.js';
import { placeImage } from './placement.js';

/** A text item as pdfjs gives it, its matrix already taken into the upright pixel frame (y down). */
export interface PlacedItem {
  str: string;
  /** [a b c d e f]: (e, f) is the start of the baseline; (a, b) runs along the text, (c, d) up the glyphs. */
  transform: [number, number, number, number, number, number];
  /** Advance of the whole string along its direction, pixels. */
  width: number;
}

/** An image covering this share of the page makes it a scan (with a text stamp, say), to OCR. */
const SCAN_COVERAGE = 0.5;

/**
 * Whether a PDF page should be read from its own text: it draws visible text and
 * no image covers half of it. Unreadable content says no (the page is rendered).
 */
export function hasVectorText(page: PDFPage): boolean {
  try {
    const context = page.doc.context;
    const events = scanContent(context, contentBytes(context, page.node.Contents()), page.node.Resources());
    if (!events.some((e) => e.type === 'text')) return false;
    const frame = pageFrame(page);
    return !events.some((e) => e.type === 'image' && (placeImage(e.ctm, frame)?.coverage ?? 1) >= SCAN_COVERAGE);
  } catch {
    return false;
  }
}

/**
 * Whether a PDF page draws nothing at all (no content operator paints, no annotation
 * shows): a blank page, known blank without rendering it. Unreadable content says no.
 */
export function drawsNothing(page: PDFPage): boolean {
  try {
    if (page.node.Annots()?.size()) return false;
    const context = page.doc.context;
    return scanContent(context, contentBytes(context, page.node.Contents()), page.node.Resources()).length === 0;
  } catch {
    return false;
  }
}

interface Piece {
  text: string;
  x0: number;
  x1: number;
  baseline: number;
  size: number;
  /** The piece ended at whitespace (or the item's end was followed by a space item). */
  spaceAfter: boolean;
}

const isSpace = (c: string): boolean => /\s/u.test(c);

/** Characters that say the font has no usable Unicode map: private use, replacement, controls. */
const UNMAPPED = /[\u0000-\u0008\u000e-\u001f\ue000-\uf8ff\ufffd]/u;

/**
 * Cuts items into word pieces, spreading an item's advance evenly over its
 * characters (pdfjs gives no per-glyph positions; boxes are for layout, not typesetting).
 */
function pieces(items: readonly PlacedItem[]): Piece[] {
  const out: Piece[] = [];
  for (const item of items) {
    const [a, b, c, d, e, f] = item.transform;
    const size = Math.hypot(c, d);
    const chars = [...item.str];
    if (chars.length === 0 || !(size > 0)) {
      if (out.length) out[out.length - 1]!.spaceAfter = true;
      continue;
    }
    // Text running down or up the upright page (a rotated margin note) is laid out along its own axis;
    // its box is approximated by the horizontal projection, which keeps it apart from the body lines.
    const dir = Math.hypot(a, b) > 0 ? a / Math.hypot(a, b) : 1;
    const step = (item.width * dir) / chars.length;
    let start = -1;
    const flush = (end: number, spaceAfter: boolean): void => {
      if (start < 0) return;
      const xa = e + step * start;
      const xb = e + step * end;
      out.push({ text: chars.slice(start, end).join(''), x0: Math.min(xa, xb), x1: Math.max(xa, xb), baseline: f, size, spaceAfter });
      start = -1;
    };
    chars.forEach((ch, i) => {
      if (isSpace(ch)) {
        if (start >= 0) flush(i, true);
        else if (out.length && i === 0) out[out.length - 1]!.spaceAfter = true;
      } else if (start < 0) start = i;
    });
    flush(chars.length, false);
  }
  return out;
}

function wordOf(parts: Piece[]): OcrWord {
  const x0 = Math.min(...parts.map((p) => p.x0));
  const x1 = Math.max(...parts.map((p) => p.x1));
  const size = Math.max(...parts.map((p) => p.size));
  const baseline = parts[0]!.baseline;
  const bbox: BBox = [Math.floor(x0), Math.floor(baseline - 0.8 * size), Math.ceil(x1), Math.ceil(baseline + 0.22 * size)];
  return { text: parts.map((p) => p.text).join('').normalize('NFC'), conf: 100, bbox };
}

function lineOf(words: OcrWord[], baseline: number): OcrLine {
  const bbox: BBox = [
    Math.min(...words.map((w) => w.bbox[0])),
    Math.min(...words.map((w) => w.bbox[1])),
    Math.max(...words.map((w) => w.bbox[2])),
    Math.max(...words.map((w) => w.bbox[3])),
  ];
  const y = Math.round(baseline);
  return { text: words.map((w) => w.text).join(' '), conf: 100, bbox, baseline: [bbox[0], y, bbox[2], y], words };
}

/**
 * Words and lines from placed items, in content order. Pieces join into one word
 * when nothing separates them (no space, a gap under a fifth of the type size, same
 * baseline); words join into one line while they run on along one baseline.
 */
export function textLines(items: readonly PlacedItem[]): OcrLine[] {
  const lines: OcrLine[] = [];
  let words: OcrWord[] = [];
  let lineBaseline = 0;
  let word: Piece[] = [];
  let lastX1 = -Infinity;
  const endWord = (): void => {
    if (word.length) words.push(wordOf(word));
    word = [];
  };
  const endLine = (): void => {
    endWord();
    if (words.length) lines.push(lineOf(words, lineBaseline));
    words = [];
  };
  for (const piece of pieces(items)) {
    const prev = word[word.length - 1];
    const sameBaseline = (p: { baseline: number; size: number }): boolean => Math.abs(piece.baseline - p.baseline) < 0.4 * Math.min(p.size, piece.size);
    const glued = prev && !prev.spaceAfter && sameBaseline(prev) && piece.x0 - prev.x1 < 0.2 * piece.size && piece.x0 > prev.x0;
    if (!glued) {
      endWord();
      // A new line when the baseline moves or the text runs back to the left.
      if (words.length && (!sameBaseline({ baseline: lineBaseline, size: piece.size }) || piece.x0 < lastX1 - 0.5 * piece.size)) endLine();
    }
    if (word.length === 0 && words.length === 0) lineBaseline = piece.baseline;
    word.push(piece);
    lastX1 = piece.x1;
  }
  endLine();
  return lines;
}

/** True when the text is mostly characters without a Unicode meaning (a font with no ToUnicode map): OCR it instead. */
export function unmappedText(lines: readonly OcrLine[]): boolean {
  const chars = [...lines.map((l) => l.text).join('')];
  if (chars.length === 0) return true;
  const bad = chars.filter((c) => UNMAPPED.test(c)).length;
  return bad > 0.05 * chars.length;
}
