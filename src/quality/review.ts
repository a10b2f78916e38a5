/**
 * review.csv for a batch: every flagged page and its least certain words, each with its box,
 * sorted by the expected gain of reviewing it (expected character errors fixed per word read),
 * so an archivist with an hour to spare starts where it pays most. The CSV itself is written by src/output/metadata.ts.
 */
import type { BBox, ReviewRow } from '../types.js';
import type { DocumentEstimate, QualityEstimate } from './estimate.js';

export type { ReviewRow } from '../types.js';

/** Mean characters per word, for pages without a word count. */
const WORD_CHARS = 4.5;

function pageRow(file: string, number: number, page: QualityEstimate, size?: { width: number; height: number }): ReviewRow {
  const expectedErrors = page.cer * page.features.chars;
  const words = Math.max(1, page.features.wordTokens || page.features.chars / WORD_CHARS);
  return {
    file,
    page: number,
    kind: 'page',
    text: '',
    ...(size && { bbox: [0, 0, size.width, size.height] as BBox }),
    expectedErrors,
    gain: expectedErrors / words,
    reasons: page.reasons,
  };
}

/**
 * The rows of one document: its flagged pages and their least certain words. A word's
 * expected errors are (1 − confidence) × its length, floored at the page's CER × length
 * so the engine's overconfidence on a bad page does not bury its words.
 */
export function reviewRows(file: string, doc: DocumentEstimate, sizes: ReadonlyArray<{ width: number; height: number } | undefined> = []): ReviewRow[] {
  const rows: ReviewRow[] = [];
  doc.pages.forEach((page, i) => {
    if (!page.needsReview) return;
    rows.push(pageRow(file, i + 1, page, sizes[i]));
    for (const w of page.leastCertain) {
      const length = [...w.text].length;
      const p = Math.max(1 - Math.min(100, Math.max(0, w.conf)) / 100, page.cer);
      const expectedErrors = Math.min(length, p * length);
      rows.push({
        file,
        page: i + 1,
        kind: 'word',
        text: w.text,
        ...(w.bbox && { bbox: w.bbox }),
        conf: w.conf,
        expectedErrors,
        gain: expectedErrors,
        reasons: w.conf < 5 ? ['word at confidence 0'] : [],
      });
    }
  });
  return rows;
}

/** All rows of a batch, highest gain first (ties: file, page, pages before words). */
export function sortReviewRows(rows: readonly ReviewRow[]): ReviewRow[] {
  return [...rows].sort(
    (a, b) => b.gain - a.gain || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.page - b.page || (a.kind === b.kind ? 0 : a.kind === 'page' ? -1 : 1),
  );
}
