/**
 * ALTO v4 XML (Library of Congress), built with xmlbuilder2: TextBlock /
 * TextLine / String with pixel positions, the restored word as CONTENT, the
 * engine's word confidence as WC, and the raw OCR form as an ALTERNATIVE where
 * it differs. `toAltoPage` writes one file per page image (what eScriptorium,
 * Transkribus and METS viewers expect); `toAlto` keeps the whole document in
 * one file.
 */
import { basename } from 'node:path';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { BBox, ConvertedPage, VanBanDocument } from '../types.js';
import { VERSION } from './version.js';

const ALTO_NS = 'http://www.loc.gov/standards/alto/ns-v4#';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** XML 1.0 forbids most C0 controls even as character references. */
export const xmlSafe = (text: string): string => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

const position = (b: BBox): Record<string, string> => ({
  HPOS: String(Math.round(b[0])),
  VPOS: String(Math.round(b[1])),
  WIDTH: String(Math.max(0, Math.round(b[2] - b[0]))),
  HEIGHT: String(Math.max(0, Math.round(b[3] - b[1]))),
});

export const union = (boxes: BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

type Word = ConvertedPage['restored']['words'][number];

/** The page's OCR blocks and lines with the restored words that start on each line (empty lines dropped). */
export function pageLines(page: ConvertedPage): Array<{ block: number; lines: Array<{ line: number; words: Word[]; bbox: BBox }> }> {
  // Restored words carry the index of the OCR line they start on; group them back into the OCR blocks and lines.
  const wordsByLine = new Map<number, Word[]>();
  for (const word of page.restored.words) {
    if (word.text.length === 0) continue;
    const list = wordsByLine.get(word.line) ?? [];
    list.push(word);
    wordsByLine.set(word.line, list);
  }
  let lineIndex = 0;
  return page.ocr.blocks.map((block, b) => ({
    block: b,
    lines: block.lines.flatMap((_, l) => {
      const words = wordsByLine.get(lineIndex++) ?? [];
      return words.length === 0 ? [] : [{ line: l, words, bbox: union(words.map((w) => w.bbox)) }];
    }),
  }));
}

function pageXml(layout: XMLBuilder, page: ConvertedPage, physicalNumber: number): void {
  const p = page.number;
  const { width, height } = page.ocr;
  const pageEl = layout.ele('Page', {
    ID: `P${p}`,
    PHYSICAL_IMG_NR: String(physicalNumber),
    WIDTH: String(width),
    HEIGHT: String(height),
    ACCURACY: page.ocr.confidence.toFixed(1),
    PC: Math.min(1, Math.max(0, page.quality.score)).toFixed(4),
  });
  const space = pageEl.ele('PrintSpace', { HPOS: '0', VPOS: '0', WIDTH: String(width), HEIGHT: String(height) });
  for (const { block, lines } of pageLines(page)) {
    if (lines.length === 0) continue;
    const blockEl = space.ele('TextBlock', { ID: `P${p}_B${block + 1}`, ...position(union(lines.map((l) => l.bbox))) });
    for (const { line, words, bbox } of lines) {
      const id = `P${p}_B${block + 1}_L${line + 1}`;
      const lineEl = blockEl.ele('TextLine', { ID: id, ...position(bbox) });
      words.forEach((word, w) => {
        if (w > 0) {
          const prev = words[w - 1]!.bbox;
          lineEl.ele('SP', { HPOS: String(Math.round(prev[2])), VPOS: String(Math.round(bbox[1])), WIDTH: String(Math.max(0, Math.round(Math.max(prev[2], word.bbox[0]) - prev[2]))) });
        }
        const wc = Math.min(1, Math.max(0, word.conf / 100)).toFixed(3);
        const string = lineEl.ele('String', { ID: `${id}_W${w + 1}`, ...position(word.bbox), WC: wc, CONTENT: xmlSafe(word.text) });
        if (word.changed && word.original !== word.text) string.ele('ALTERNATIVE', { PURPOSE: 'OCR' }).txt(xmlSafe(word.original));
      });
    }
  }
}

function altoRoot(fileName: string): { root: XMLBuilder; layout: XMLBuilder } {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(ALTO_NS, 'alto', {
    'xmlns:xlink': 'http://www.w3.org/1999/xlink',
    'xmlns:xsi': XSI_NS,
    'xsi:schemaLocation': `${ALTO_NS} http://www.loc.gov/alto/v4/alto-4-4.xsd`,
  });
  const description = root.ele('Description');
  description.ele('MeasurementUnit').txt('pixel');
  description.ele('sourceImageInformation').ele('fileName').txt(xmlSafe(fileName));
  const processing = description.ele('Processing', { ID: 'OCR_0' });
  processing.ele('processingCategory').txt('contentGeneration');
  processing.ele('processingDateTime').txt(new Date().toISOString());
  processing.ele('processingStepDescription').txt('OCR (tesseract.js, vie), Vietnamese diacritic restoration');
  const software = processing.ele('processingSoftware');
  software.ele('softwareName').txt('vanban');
  software.ele('softwareVersion').txt(VERSION);
  return { root, layout: root.ele('Layout') };
}

/** The whole document in one ALTO file (one Page per page). */
export function toAlto(doc: VanBanDocument): string {
  const { root, layout } = altoRoot(basename(doc.source));
  for (const page of doc.pages) pageXml(layout, page, page.number);
  return `${root.end({ prettyPrint: true })}\n`;
}

/** One page's ALTO file; `imageFileName` is the page image it describes. */
export function toAltoPage(page: ConvertedPage, imageFileName: string): string {
  const { root, layout } = altoRoot(imageFileName);
  pageXml(layout, page, 1);
  return `${root.end({ prettyPrint: true })}\n`;
}
