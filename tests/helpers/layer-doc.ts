/**
 * A converted document built from known words and boxes, for testing the
 * writers alone (what they do with a document, whatever the OCR read).
 */
import type { BBox, ConvertedPage, OcrBlock, VanBanDocument } from '../../src/types.js';

export interface LayerLine {
  words: Array<{ text: string; bbox: BBox; ocr?: string }>;
}

export interface LayerPage {
  number: number;
  width: number;
  height: number;
  dpi: number;
  lines: LayerLine[];
}

const union = (boxes: BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

export function layerPage(page: LayerPage): ConvertedPage {
  const ocrLines = page.lines.map((line) => ({
    text: line.words.map((w) => w.ocr ?? w.text).join(' '),
    conf: 90,
    bbox: union(line.words.map((w) => w.bbox)),
    words: line.words.map((w) => ({ text: w.ocr ?? w.text, conf: 90, bbox: w.bbox })),
  }));
  const blocks: OcrBlock[] = ocrLines.length ? [{ bbox: union(ocrLines.map((l) => l.bbox)), column: 'full', lines: ocrLines }] : [];
  const text = page.lines.map((line) => line.words.map((w) => w.text).join(' ')).join('\n');
  const ocr = {
    pageNumber: page.number,
    width: page.width,
    height: page.height,
    dpi: page.dpi,
    skew: 0,
    rotation: 0 as const,
    steps: [],
    text: ocrLines.map((l) => l.text).join('\n'),
    confidence: 90,
    blocks,
  };
  return {
    number: page.number,
    image: { pageNumber: page.number, width: page.width, height: page.height, dpi: page.dpi, origin: 'embedded-image', pdfRotate: 0 },
    ocr,
    restored: {
      ocr,
      text,
      words: page.lines.flatMap((line, l) =>
        line.words.map((w) => ({ text: w.text, conf: 90, bbox: w.bbox, original: w.ocr ?? w.text, changed: (w.ocr ?? w.text) !== w.text, restoreConfidence: 0.9, line: l })),
      ),
    },
    quality: { score: 0.95, cer: 0.05, cerInterval: [0.02, 0.1], needsReview: false, reasons: [], model: 'test', features: {} as never, leastCertain: [] },
    timing: { prepare: 0, ocr: 0, restore: 0 },
  };
}

export function layerDoc(source: string, pages: LayerPage[]): VanBanDocument {
  const converted = pages.map(layerPage);
  return {
    source,
    pages: converted,
    text: converted.map((p) => p.restored.text).join('\n\f\n'),
    document: {} as VanBanDocument['document'],
    quality: { score: 0.95, cer: 0.05, cerInterval: [0.02, 0.1], needsReview: false, reasons: [], flaggedPages: [], pages: converted.map((p) => p.quality) },
    seconds: 0,
  };
}

/** Words laid out left to right on one line: each word `charWidth` px a character, `gap` px apart. */
export function lineOf(words: string[], x: number, top: number, height: number, charWidth: number, gap: number): LayerLine {
  let at = x;
  return {
    words: words.map((text) => {
      const bbox: BBox = [at, top, at + [...text].length * charWidth, top + height];
      at = bbox[2] + gap;
      return { text, bbox };
    }),
  };
}
