/**
 * PAGE XML (PRImA, schema 2019-07-15), one file per page image, as Transkribus,
 * eScriptorium and OCR-D read it: TextRegion / TextLine / Word with polygon
 * Coords in page-image pixels, the restored text as the first TextEquiv and the
 * engine's form as a second one where restoration changed it, and a
 * ReadingOrder listing the regions as vanban reads them. Built with xmlbuilder2,
 * from the same blocks and lines as the ALTO writer.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { BBox, ConvertedPage } from '../types.js';
import { pageLines, union, xmlSafe } from './alto.js';
import { VERSION } from './version.js';

export const PAGE_NS = 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** A box as PAGE's polygon: four corners, clockwise from the top left. */
function points(b: BBox): string {
  const [x0, y0, x1, y1] = b.map((v) => Math.max(0, Math.round(v))) as BBox;
  return `${x0},${y0} ${x1},${y0} ${x1},${y1} ${x0},${y1}`;
}

const conf = (value: number): string => Math.min(1, Math.max(0, value)).toFixed(3);

function textEquiv(parent: XMLBuilder, text: string, attributes: Record<string, string> = {}): void {
  parent.ele('TextEquiv', attributes).ele('Unicode').txt(xmlSafe(text));
}

/** One page's PAGE XML; `imageFileName` is the page image it describes (its pixel frame is the OCR page's). */
export function toPageXml(page: ConvertedPage, imageFileName: string, now = new Date()): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(PAGE_NS, 'PcGts', {
    'xmlns:xsi': XSI_NS,
    'xsi:schemaLocation': `${PAGE_NS} ${PAGE_NS}/pagecontent.xsd`,
    pcGtsId: `page-${page.number}`,
  });
  const metadata = root.ele('Metadata');
  metadata.ele('Creator').txt(`vanban ${VERSION}`);
  metadata.ele('Created').txt(now.toISOString());
  metadata.ele('LastChange').txt(now.toISOString());
  metadata.ele('Comments').txt(page.image.origin === 'vector-text' ? "text read from the PDF page's own text" : 'OCR (tesseract.js, vie), Vietnamese diacritic restoration');
  const pageEl = root.ele('Page', { imageFilename: xmlSafe(imageFileName), imageWidth: String(page.ocr.width), imageHeight: String(page.ocr.height) });
  const regions = pageLines(page).filter((r) => r.lines.length > 0);
  if (regions.length > 0) {
    const group = pageEl.ele('ReadingOrder').ele('OrderedGroup', { id: 'ro' });
    regions.forEach(({ block }, index) => group.ele('RegionRefIndexed', { index: String(index), regionRef: `r${block + 1}` }));
  }
  for (const { block, lines } of regions) {
    const column = page.ocr.blocks[block]?.column ?? 'full';
    const regionEl = pageEl.ele('TextRegion', { id: `r${block + 1}`, type: 'paragraph', ...(column !== 'full' && { custom: `column {side:${column};}` }) });
    regionEl.ele('Coords', { points: points(union(lines.map((l) => l.bbox))) });
    for (const { line, words, bbox } of lines) {
      const id = `r${block + 1}_l${line + 1}`;
      const lineEl = regionEl.ele('TextLine', { id });
      lineEl.ele('Coords', { points: points(bbox) });
      words.forEach((word, w) => {
        const wordEl = lineEl.ele('Word', { id: `${id}_w${w + 1}` });
        wordEl.ele('Coords', { points: points(word.bbox) });
        const changed = word.changed && word.original !== word.text;
        textEquiv(wordEl, word.text, { ...(changed && { index: '1' }), conf: conf(word.conf / 100) });
        if (changed) textEquiv(wordEl, word.original, { index: '2', comments: 'OCR' });
      });
      textEquiv(lineEl, words.map((w) => w.text).join(' '));
    }
    textEquiv(regionEl, lines.map((l) => l.words.map((w) => w.text).join(' ')).join('\n'));
  }
  return `${root.end({ prettyPrint: true })}\n`;
}
