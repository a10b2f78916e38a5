/**
 * The JSON output: one object per input file. The format only ever grows
 * (fields are added, never renamed or removed); README.md documents it.
 */
import type { VanBanDocument } from '../pipeline.js';
import type { BBox } from '../types.js';

const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const box = (b: BBox): BBox => [Math.round(b[0]), Math.round(b[1]), Math.round(b[2]), Math.round(b[3])];

export function toJson(doc: VanBanDocument): string {
  const pages = doc.pages.map((page) => ({
    number: page.number,
    width: page.image.width,
    height: page.image.height,
    dpi: round(page.image.dpi, 1),
    origin: page.image.origin,
    skew: round(page.ocr.skew, 2),
    rotation: page.ocr.rotation,
    steps: page.ocr.steps,
    ocrText: page.ocr.text,
    text: page.restored.text,
    confidence: round(page.ocr.confidence, 1),
    quality: page.quality,
    lines: page.ocr.blocks.flatMap((block) =>
      block.lines.map((line) => ({ text: line.text, conf: round(line.conf, 1), bbox: box(line.bbox), column: block.column })),
    ),
    words: page.restored.words.map((word) => ({
      text: word.text,
      ocr: word.original,
      conf: round(word.conf, 1),
      bbox: box(word.bbox),
      ...(word.changed ? { changed: true, restoreConfidence: round(word.restoreConfidence, 3) } : {}),
    })),
    seconds: round((page.timing.prepare + page.timing.ocr + page.timing.restore) / 1000, 3),
  }));
  return `${JSON.stringify(
    {
      source: doc.source,
      pages,
      text: doc.text,
      document: doc.document,
      quality: doc.quality,
      seconds: round(doc.seconds, 3),
      vanban: VERSION,
    },
    null,
    2,
  )}\n`;
}

export const VERSION = '0.1.0';
