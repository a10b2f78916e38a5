/**
 * Born-digital pages (issue 19): a page with real vector text keeps it and is not
 * OCR'd; its text still goes through restoration, structure and quality, and the
 * searchable PDF keeps the page as it is. Blank pages are not OCR'd (issue 11).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSearchablePdf } from '../src/output/pdf.js';
import { pageImageReader, readPageInputs } from '../src/pdf/index.js';
import { textLines, type PlacedItem } from '../src/pdf/vector-text.js';
import { Pipeline } from '../src/pipeline.js';
import { hasPdftotext } from './helpers/tools.js';

const require = createRequire(import.meta.url);
let dir: string;
let pipeline: Pipeline;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vanban-vector-'));
  pipeline = await Pipeline.create({ jobs: 1 });
});
afterAll(async () => {
  await pipeline?.close();
  await rm(dir, { recursive: true, force: true });
});


const HEADER_LEFT = ['UBND THÀNH PHỐ ĐÀ NẴNG', 'SỞ GIAO THÔNG VẬN TẢI', 'Số: 215/KH-SGTVT'];
const HEADER_RIGHT = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Đà Nẵng, ngày 14 tháng 3 năm 2024'];
const BODY = [
  'KẾ HOẠCH',
  'Triển khai thực hiện công tác bảo đảm trật tự an toàn giao thông năm 2024',
  'Căn cứ Luật Giao thông đường bộ ngày 13 tháng 11 năm 2008;',
  'Sở Giao thông vận tải xây dựng kế hoạch triển khai như sau:',
  '1. Tập trung tuyên truyền, phổ biến pháp luật về giao thông.',
  '2. Tăng cường kiểm tra, xử lý vi phạm trên các tuyến đường.',
];

async function tinos(doc: PDFDocument): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const ttf = await readFile(path.join(path.dirname(require.resolve('@expo-google-fonts/tinos/package.json')), '400Regular/Tinos_400Regular.ttf'));
  return doc.embedFont(ttf, { subset: false });
}

/** An A4 administrative letter typeset with an embedded Vietnamese font: two header columns, then the body. */
function drawLetter(page: PDFPage, font: PDFFont): void {
  HEADER_LEFT.forEach((text, i) => page.drawText(text, { x: 60, y: 790 - 16 * i, size: 12, font }));
  HEADER_RIGHT.forEach((text, i) => page.drawText(text, { x: 300, y: 790 - 16 * i, size: 12, font }));
  BODY.forEach((text, i) => page.drawText(text, { x: 60, y: 690 - 22 * i, size: 13, font }));
}

async function letterPdf(name: string, extraBlankPage = false): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await tinos(doc);
  drawLetter(doc.addPage([595.28, 841.89]), font);
  if (extraBlankPage) {
    doc.addPage([595.28, 841.89]);
    // A scan of a blank sheet: paper-grey with a speck of dust.
    const svg = '<svg width="1240" height="1754"><rect width="1240" height="1754" fill="#eeeae2"/><circle cx="600" cy="900" r="2" fill="#333"/></svg>';
    const white = await doc.embedJpg(await sharp(Buffer.from(svg)).jpeg().toBuffer());
    doc.addPage([595.28, 841.89]).drawImage(white, { x: 0, y: 0, width: 595.28, height: 841.89 });
  }
  const file = path.join(dir, name);
  await writeFile(file, await doc.save());
  return file;
}

describe('textLines', () => {
  const item = (str: string, x: number, y: number, width: number, size = 40): PlacedItem => ({ str, transform: [size, 0, 0, -size, x, y], width });

  it('glues glyphs placed one by one into a word, and splits an item at its spaces', () => {
    const lines = textLines([item('T', 100, 200, 24), item('ậ', 124, 200, 20), item('p', 144, 200, 20), item(' trung vào', 164, 200, 200)]);
    expect(lines.map((l) => l.words.map((w) => w.text))).toEqual([['Tập', 'trung', 'vào']]);
    const [tap, trung] = lines[0]!.words;
    expect(tap!.bbox[0]).toBe(100);
    expect(tap!.bbox[2]).toBeLessThanOrEqual(trung!.bbox[0]);
    expect(lines[0]!.conf).toBe(100);
  });

  it('starts a new line when the baseline moves or the text runs back left; a wide gap separates words', () => {
    const lines = textLines([item('Kính', 100, 200, 80), item('gửi', 400, 200, 60), item('Nơi', 100, 260, 60)]);
    expect(lines.map((l) => l.text)).toEqual(['Kính gửi', 'Nơi']);
  });

  it('composes a base letter and a combining mark given apart (NFC)', () => {
    const [line] = textLines([item('Vie\u0302\u0323t', 100, 200, 80)]);
    expect(line!.text).toBe('Việt');
  });
});

describe('a born-digital page', () => {
  it('is read from its own text, not rendered, with words in the frame a rendering would have', async () => {
    const file = await letterPdf('letter.pdf');
    const pages = [];
    for await (const page of readPageInputs(file)) pages.push(page);
    expect(pages).toHaveLength(1);
    const page = pages[0]!;
    expect('data' in page).toBe(false);
    if ('data' in page) return;
    expect([page.width, page.height, page.dpi]).toEqual([2480, 3508, 300]);
    const kinh = page.lines.flatMap((l) => l.words).find((w) => w.text === 'Luật')!;
    // "Luật" on the body's third line: baseline at 690 - 44 pt from the bottom, i.e. y ≈ (841.89 - 646) × 300/72 px.
    expect(kinh.bbox[3]).toBeGreaterThan((841.89 - 646) * (300 / 72));
    expect(kinh.bbox[1]).toBeLessThan((841.89 - 646) * (300 / 72));
    // With vectorText off (what the searchable PDF and image writers read) it is rendered as before.
    for await (const image of readPageInputs(file, { vectorText: false })) expect('data' in image && image.origin).toBe('rendered');
  });

  it('goes through restoration, structure and quality without OCR; the searchable PDF keeps the page', async () => {
    const file = await letterPdf('letter-doc.pdf');
    const doc = await pipeline.convertFile(file);
    const [page] = doc.pages;
    expect(page!.image.origin).toBe('vector-text');
    expect(page!.ocr.steps).toEqual(['vector-text']);
    expect(page!.ocr.confidence).toBe(100);
    // The header's columns are read one after the other, as for OCR'd pages.
    expect(page!.ocr.blocks.slice(0, 2).map((b) => b.column)).toEqual(['left', 'right']);
    for (const line of [...HEADER_LEFT, ...HEADER_RIGHT, ...BODY]) expect(doc.text).toContain(line);
    expect(doc.document.number).toBe('215');
    expect(doc.document.date).toBe('2024-03-14');
    expect(doc.document.agency).toBe('SỞ GIAO THÔNG VẬN TẢI');
    expect(page!.quality.score).toBeGreaterThan(0.9);
    expect(page!.quality.needsReview).toBe(false);

    const { bytes, report } = await buildSearchablePdf(doc, file, { pageImage: pageImageReader(file) });
    expect(report.textLayerKept).toEqual([1]);
    expect(report.built).toBe('input-pages');
    const out = path.join(dir, 'letter-doc.out.pdf');
    await writeFile(out, bytes);
    // The page's own content stream is copied as it is: no layer added, no image.
    const copy = await PDFDocument.load(bytes);
    const original = await PDFDocument.load(await readFile(file));
    expect(copy.getPage(0).node.Resources()?.toString()).not.toContain('VanbanOCR');
    expect(copy.getPageCount()).toBe(original.getPageCount());
    if (hasPdftotext) {
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' });
      // Once, not twice: no second layer over the page's own text.
      expect(text.split('Luật Giao thông đường bộ').length).toBe(2);
    }
  }, 120_000);

  it("is rasterized and OCR'd under existingText 'force'", async () => {
    const forced = await Pipeline.create({ jobs: 1, existingText: 'force' });
    try {
      const file = await letterPdf('letter-force.pdf');
      const doc = await forced.convertFile(file);
      expect(doc.pages[0]!.image.origin).toBe('rendered');
      expect(doc.pages[0]!.ocr.steps).not.toContain('vector-text');
      expect(doc.text).toContain('giao thông');
    } finally {
      await forced.close();
    }
  }, 180_000);
});

describe('blank pages', () => {
  it("are not OCR'd and are flagged as blank: a page that draws nothing, and a scan without ink", async () => {
    const file = await letterPdf('letter-blank.pdf', true);
    const doc = await pipeline.convertFile(file);
    const [, empty, scan] = doc.pages;
    expect(empty!.image.origin).toBe('empty');
    expect(empty!.quality.reasons).toEqual(['blank page: the page draws nothing (OCR skipped)']);
    expect(scan!.image.origin).toBe('embedded-image');
    expect(scan!.ocr.steps).toContain('blank');
    expect(scan!.quality.reasons).toEqual(['blank page: no ink after preparation (OCR skipped)']);
    for (const page of [empty!, scan!]) {
      expect(page.ocr.text).toBe('');
      expect(page.quality.needsReview).toBe(true);
    }
    expect(doc.quality.reasons.some((r) => r.startsWith('page 2:'))).toBe(true);
    expect(doc.quality.reasons.some((r) => r.startsWith('page 3:'))).toBe(true);
  }, 120_000);
});
