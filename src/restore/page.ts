/**
 * Restore an OCR page word by word, keeping each word's box and the page's
 * line and block structure, so outputs (text, ALTO, PDF text layer) can place
 * the restored words where the OCR found them.
 */
import type { BBox, OcrPage, OcrWord, RestoredPage } from '../types.js';
import { restoreTokens } from './index.js';

export interface RestorePageOptions {
  /** false: keep the OCR text as it is (words still carry their boxes). */
  enabled?: boolean;
}

const union = (boxes: BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

export function restorePage(ocr: OcrPage, options: RestorePageOptions = {}): RestoredPage {
  // Flatten in reading order, remembering where lines and blocks end.
  const words: OcrWord[] = [];
  const lineOf: number[] = [];
  const lineBreakAfter: boolean[] = [];
  const blockEndLines = new Set<number>();
  let line = 0;
  for (const block of ocr.blocks) {
    for (const ocrLine of block.lines) {
      for (const word of ocrLine.words) {
        words.push(word);
        lineOf.push(line);
        lineBreakAfter.push(false);
      }
      if (lineBreakAfter.length > 0) lineBreakAfter[lineBreakAfter.length - 1] = true;
      line += 1;
    }
    blockEndLines.add(line - 1);
  }

  const tokens =
    options.enabled === false
      ? words.map((word, i) => ({
          original: word.text,
          text: word.text,
          source: [i],
          alternatives: [],
          confidence: 1,
          changed: false,
        }))
      : restoreTokens(
          words.map((word, i) => ({ text: word.text, conf: word.conf, lineBreakAfter: lineBreakAfter[i] ?? false })),
        );

  // A word that was only a stray mark (a speck read as "." or "`") is dropped.
  const kept = tokens.filter((token) => token.text !== '' || token.original === '');
  const restoredWords: RestoredPage['words'] = kept.map((token) => {
    const parts = token.source.map((i) => words[i]!).filter(Boolean);
    const first = token.source[0] ?? 0;
    return {
      text: token.text,
      conf: parts.length > 0 ? Math.min(...parts.map((p) => p.conf)) : 0,
      bbox: parts.length > 0 ? union(parts.map((p) => p.bbox)) : [0, 0, 0, 0],
      original: token.original,
      changed: token.changed,
      restoreConfidence: token.confidence,
      line: lineOf[first] ?? 0,
    };
  });

  // Rebuild the text with the OCR page's layout: words of a line joined by a
  // space, lines by "\n", blocks by a blank line (as OcrPage.text is).
  const lines: string[][] = [];
  for (const word of restoredWords) (lines[word.line] ??= []).push(word.text);
  let text = '';
  for (let i = 0; i < line; i += 1) {
    text += (lines[i] ?? []).join(' ');
    if (i < line - 1) text += blockEndLines.has(i) ? '\n\n' : '\n';
  }
  return { ocr, text, words: restoredWords };
}
