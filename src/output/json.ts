/**
 * The JSON output: one object per input file, typed as JsonOutput in
 * src/types.ts (schema: schema/vanban-output.schema.json, generated from that
 * type by `npm run schema`). Fields are added, never renamed or removed,
 * within a schemaVersion; README.md documents them.
 */
import { JSON_SCHEMA_VERSION, type BBox, type JsonOutput, type JsonPage, type SearchablePdfReport, type VanBanDocument } from '../types.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const box = (b: BBox): BBox => [Math.round(b[0]), Math.round(b[1]), Math.round(b[2]), Math.round(b[3])];

export interface JsonExtras {
  searchablePdf?: SearchablePdfReport;
}

export function jsonOutput(doc: VanBanDocument, extras: JsonExtras = {}): JsonOutput {
  const pages = doc.pages.map((page): JsonPage => {
    const restoredByLine = new Map<number, string[]>();
    for (const word of page.restored.words) {
      if (word.text.length === 0) continue;
      const list = restoredByLine.get(word.line) ?? [];
      list.push(word.text);
      restoredByLine.set(word.line, list);
    }
    let lineIndex = 0;
    return {
      number: page.number,
      width: page.image.width,
      height: page.image.height,
      dpi: round(page.image.dpi, 1),
      ...(page.image.requestedDpi === undefined ? {} : { requestedDpi: page.image.requestedDpi }),
      ...(page.image.dpiSource === undefined ? {} : { dpiSource: page.image.dpiSource }),
      origin: page.image.origin,
      skew: round(page.ocr.skew, 2),
      rotation: page.ocr.rotation,
      steps: page.ocr.steps,
      ocrText: page.ocr.text,
      text: page.restored.text,
      confidence: round(page.ocr.confidence, 1),
      quality: page.quality,
      lines: page.ocr.blocks.flatMap((block) =>
        block.lines.map((line) => ({
          text: line.text,
          restored: (restoredByLine.get(lineIndex++) ?? []).join(' '),
          conf: round(line.conf, 1),
          bbox: box(line.bbox),
          column: block.column,
        })),
      ),
      words: page.restored.words.map((word) => ({
        text: word.text,
        ocr: word.original,
        conf: round(word.conf, 1),
        bbox: box(word.bbox),
        line: word.line,
        ...(word.changed ? { changed: true as const, restoreConfidence: round(word.restoreConfidence, 3) } : {}),
      })),
      ...(page.ocr.marks && page.ocr.marks.length > 0 ? { marks: page.ocr.marks.map((m) => ({ ...m, bbox: box(m.bbox), confidence: round(m.confidence, 3) })) } : {}),
      seconds: round((page.timing.prepare + page.timing.ocr + page.timing.restore) / 1000, 3),
    };
  });
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    source: doc.source,
    pages,
    text: doc.text,
    document: doc.document,
    quality: doc.quality,
    seconds: round(doc.seconds, 3),
    ...(extras.searchablePdf ? { searchablePdf: extras.searchablePdf } : {}),
    vanban: VERSION,
  };
}

export function toJson(doc: VanBanDocument, extras: JsonExtras = {}): string {
  return `${JSON.stringify(jsonOutput(doc, extras), null, 2)}\n`;
}
