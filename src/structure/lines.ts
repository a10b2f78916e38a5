/**
 * Turns any accepted input (plain text, OCR pages, restored pages) into one list
 * of source lines that keep their page, index, box and column.
 */
import type { OcrPage, RestoredPage, BBox } from '../types.js';
import type { SourceLine } from './types.js';

/** Remove light Markdown (bold/italic stars, heading hashes) that converted text may carry. */
export function stripMarkup(line: string): string {
  return line
    // Eth (Ð, ð) looks like Đ and OCR sometimes picks it: Vietnamese has no eth.
    .replace(/Ð/g, 'Đ')
    .replace(/ð/g, 'đ')
    .replace(/^\s{0,3}#{1,6}\s+/, '')
    // Stars are never part of an administrative text; underscores are (blank rules), so they stay.
    .replace(/\*+/g, '')
    .replace(/[ \t]+$/, '')
    .replace(/\u00a0/g, ' ');
}

/** Plain text: one source line per text line (form feed starts a new page). */
export function linesFromText(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  const pages = text.normalize('NFC').replace(/\r\n?/g, '\n').split('\f');
  pages.forEach((pageText, p) => {
    pageText.split('\n').forEach((raw, i) => {
      out.push({ text: stripMarkup(raw), page: p + 1, line: i });
    });
  });
  return out;
}

/**
 * Marks OCR glued to the edges of a printed line: a word far taller than the line's print (a
 * handwritten note or a pen stroke in the margin, "NWÀ | 2. Kinh phí …"), or a speck a few pixels
 * wide with no letter or figure ("BÁO CÁO        |"). They are dropped from the line's ends, with
 * their boxes, so a marker or a title still opens or centres the line. Figures are never dropped:
 * numbers written by hand into printed blanks are judged elsewhere.
 */
export function dropEdgeMarks(src: SourceLine): SourceLine {
  const words = src.words;
  const tokens = src.text.trim().split(/\s+/);
  if (!words || words.length < 3 || tokens.length !== words.length) return src;
  const heights = words.map((w) => w.bbox[3] - w.bbox[1]).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)]!;
  const stray = (k: number): boolean => {
    const t = tokens[k]!;
    if (/\d/.test(t)) return false;
    const [x0, y0, x1, y1] = words[k]!.bbox;
    if (median > 0 && y1 - y0 > 2.5 * median) return true;
    return !/\p{L}/u.test(t) && x1 - x0 <= 6 && y1 - y0 <= 6;
  };
  let a = 0;
  let b = words.length;
  while (a < b - 1 && stray(a)) a++;
  while (b - 1 > a && stray(b - 1)) b--;
  // A speck between a dropped mark and the print goes with the mark.
  while (a > 0 && a < b - 1 && !/[\p{L}\d]/u.test(tokens[a]!)) a++;
  if (a === 0 && b === words.length) return src;
  const kept = words.slice(a, b);
  const bbox: BBox = [Math.min(...kept.map((w) => w.bbox[0])), Math.min(...kept.map((w) => w.bbox[1])), Math.max(...kept.map((w) => w.bbox[2])), Math.max(...kept.map((w) => w.bbox[3]))];
  return { ...src, text: tokens.slice(a, b).join(' '), bbox, words: kept };
}

function pushOcrPage(out: SourceLine[], page: OcrPage, texts?: string[]): void {
  let index = 0;
  let first = true;
  for (const block of page.blocks) {
    // A blank line between blocks keeps paragraph breaks, as in OcrPage.text.
    if (!first) out.push({ text: '', page: page.pageNumber, line: -1, column: block.column });
    first = false;
    for (const line of block.lines) {
      const text = texts ? (texts[index] ?? line.text) : line.text;
      const bbox: BBox = [...line.bbox];
      const src: SourceLine = { text: text.normalize('NFC').replace(/\s+$/, '').replace(/Ð/g, 'Đ').replace(/ð/g, 'đ'), page: page.pageNumber, line: index, bbox, column: block.column, conf: line.conf };
      if (line.words?.length) src.words = line.words.map((w) => ({ bbox: w.bbox, conf: w.conf }));
      out.push(dropEdgeMarks(src));
      index++;
    }
  }
}

export function linesFromOcr(pages: readonly OcrPage[]): SourceLine[] {
  const out: SourceLine[] = [];
  for (const page of pages) pushOcrPage(out, page);
  return out;
}

/**
 * Restored pages: the restored text keeps OcrPage.text's line structure, so its
 * non-empty lines pair one to one with the OCR lines (and their boxes). If the
 * counts disagree we fall back to the OCR line texts rather than guess.
 */
export function linesFromRestored(pages: readonly RestoredPage[]): SourceLine[] {
  const out: SourceLine[] = [];
  for (const page of pages) {
    const ocrCount = page.ocr.blocks.reduce((n, b) => n + b.lines.length, 0);
    const ocrTextLines = page.ocr.text.split('\n');
    const restoredLines = page.text.split('\n');
    let texts: string[] | undefined;
    if (restoredLines.length === ocrTextLines.length) {
      texts = restoredLines.filter((_l, i) => ocrTextLines[i]!.trim() !== '');
    } else {
      const nonEmpty = restoredLines.filter((l) => l.trim() !== '');
      if (nonEmpty.length === ocrCount) texts = nonEmpty;
    }
    if (texts && texts.length !== ocrCount) texts = undefined;
    pushOcrPage(out, page.ocr, texts);
  }
  return out;
}
