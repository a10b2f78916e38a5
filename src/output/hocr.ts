/**
 * hOCR (XHTML with OCR classes), as Tesseract writes it: ocr_page /
 * ocr_carea / ocr_line / ocrx_word with bbox and x_wconf in title attributes;
 * words carry the restored text.
 */
import { basename } from 'node:path';
import { create } from 'xmlbuilder2';
import type { BBox, VanBanDocument } from '../types.js';
import { pageLines, union, xmlSafe } from './alto.js';
import { VERSION } from './version.js';

const bbox = (b: BBox): string => `bbox ${b.map((v) => Math.round(v)).join(' ')}`;

export function toHocr(doc: VanBanDocument): string {
  const html = create({ version: '1.0', encoding: 'UTF-8' }).dtd({ name: 'html' }).ele('http://www.w3.org/1999/xhtml', 'html', { 'xml:lang': 'vi', lang: 'vi' });
  const head = html.ele('head');
  head.ele('title').txt(xmlSafe(basename(doc.source)));
  head.ele('meta', { 'http-equiv': 'Content-Type', content: 'text/html;charset=utf-8' });
  head.ele('meta', { name: 'ocr-system', content: `vanban ${VERSION}` });
  head.ele('meta', { name: 'ocr-capabilities', content: 'ocr_page ocr_carea ocr_line ocrx_word ocrp_wconf' });
  const body = html.ele('body');
  for (const page of doc.pages) {
    const p = page.number;
    const pageEl = body.ele('div', {
      class: 'ocr_page',
      id: `page_${p}`,
      title: `image "${xmlSafe(basename(doc.source)).replace(/"/g, '')}"; ${bbox([0, 0, page.ocr.width, page.ocr.height])}; ppageno ${p - 1}; scan_res ${Math.round(page.image.dpi)} ${Math.round(page.image.dpi)}`,
    });
    for (const { block, lines } of pageLines(page)) {
      if (lines.length === 0) continue;
      const area = pageEl.ele('div', { class: 'ocr_carea', id: `block_${p}_${block + 1}`, title: bbox(union(lines.map((l) => l.bbox))) });
      for (const { line, words, bbox: lineBox } of lines) {
        const lineEl = area.ele('span', { class: 'ocr_line', id: `line_${p}_${block + 1}_${line + 1}`, title: bbox(lineBox) });
        words.forEach((word, w) => {
          if (w > 0) lineEl.txt(' ');
          lineEl
            .ele('span', { class: 'ocrx_word', id: `word_${p}_${block + 1}_${line + 1}_${w + 1}`, title: `${bbox(word.bbox)}; x_wconf ${Math.round(word.conf)}` })
            .txt(xmlSafe(word.text));
        });
      }
    }
  }
  return `${html.end({ prettyPrint: true })}\n`;
}
