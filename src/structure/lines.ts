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
export function dropEdgeMarks(src: SourceLine, ocrText?: string, margin?: number): SourceLine {
  const words = src.words;
  let tokens = src.text.trim().split(/\s+/);
  // The restorer may have dropped a mark's token: judge the OCR tokens, then drop the same ones from the text.
  const restored = tokens;
  if (words && tokens.length !== words.length && ocrText !== undefined) tokens = ocrText.trim().split(/\s+/);
  if (!words || words.length < 3 || tokens.length !== words.length) return src;
  const heights = words.map((w) => w.bbox[3] - w.bbox[1]).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)]!;
  const stray = (k: number): boolean => {
    const t = tokens[k]!;
    if (/\d/.test(t)) return false;
    const [x0, y0, x1, y1] = words[k]!.bbox;
    if (median > 0 && y1 - y0 > 2.5 * median) return true;
    // Wholly left of the page's text margin and read with doubt: a note in the margin.
    if (margin !== undefined && x1 < margin - 20 && (words[k]!.conf ?? 100) < 60) return true;
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
  if (restored !== tokens) {
    // Only leading marks are matched back to the restored text, token by token.
    if (b !== words.length) return src;
    const stray = new Set(tokens.slice(0, a));
    let r = 0;
    while (r < restored.length - 1 && stray.has(restored[r]!)) r++;
    if (r === 0) return src;
    const bbox: BBox = [Math.min(...kept.map((w) => w.bbox[0])), Math.min(...kept.map((w) => w.bbox[1])), Math.max(...kept.map((w) => w.bbox[2])), Math.max(...kept.map((w) => w.bbox[3]))];
    return { ...src, text: restored.slice(r).join(' '), bbox, words: kept };
  }
  const bbox: BBox = [Math.min(...kept.map((w) => w.bbox[0])), Math.min(...kept.map((w) => w.bbox[1])), Math.max(...kept.map((w) => w.bbox[2])), Math.max(...kept.map((w) => w.bbox[3]))];
  return { ...src, text: tokens.slice(a, b).join(' '), bbox, words: kept };
}

function pushOcrPage(out: SourceLine[], page: OcrPage, texts?: string[]): void {
  let index = 0;
  // The page's left text margin: where most lines of several words start.
  // Body lines only: the header's columns start where they like.
  const starts = page.blocks
    .filter((b) => b.column === 'full')
    .flatMap((b) => b.lines.filter((l) => (l.words?.length ?? 0) >= 5).map((l) => l.bbox[0]))
    .sort((a, b) => a - b);
  const margin = starts.length >= 5 ? starts[Math.floor(starts.length * 0.2)] : undefined;
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
      out.push(dropEdgeMarks(src, line.text, block.column === 'full' ? margin : undefined));
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
