/**
 * Issue 12 behaviours through real tesseract.js on small rendered pages: ruling
 * lines removed before OCR, a sparse page turned upside down read the right way
 * up, red seals and blue pen kept out of the text and listed as marks.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSING, renderPage } from '../bench/ocr-synth.js';
import { createGray, prepare, removeRules } from '../src/image/index.js';
import { OcrPool } from '../src/ocr/index.js';
import { cer } from '../src/quality/index.js';
import { isSyllable, syllableShare } from '../src/ocr/plausible.js';
import { splitGlued } from '../src/ocr/extract.js';
import type { BBox, PageImage } from '../src/types.js';
import { markedPage } from './helpers/marks.js';
import { underlinedHeader } from './helpers/underline.js';

let pool: OcrPool;
beforeAll(async () => {
  pool = await OcrPool.create({ jobs: 1 });
});
afterAll(async () => {
  await pool?.terminate();
});

const overlaps = (a: BBox, b: BBox): boolean => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

describe('removeRules', () => {
  it('erases a thin long rule but keeps a stroke that crosses it', () => {
    const img = createGray(300, 60);
    for (let y = 30; y < 33; y++) for (let x = 20; x < 280; x++) img.data[y * 300 + x] = 0;
    for (let y = 10; y < 50; y++) for (let x = 100; x < 104; x++) img.data[y * 300 + x] = 0;
    const r = removeRules(img, { dpi: 200 });
    expect(r.horizontal).toBe(1);
    expect(r.image.data[31 * 300 + 50]).toBe(255);
    expect(r.image.data[31 * 300 + 250]).toBe(255);
    // The stem survives where it crosses the rule, so the glyph stays whole.
    for (let y = 10; y < 50; y++) expect(r.image.data[y * 300 + 101]).toBe(0);
  });

  it('leaves text without rules untouched', async () => {
    const { page } = await underlinedHeader({ underline: false });
    const prepared = await prepare(page, { rules: true });
    expect(prepared.steps).not.toContain('remove-rules');
  });

  it('erases rules by default only on 1-bit scans of 200 dpi or less', async () => {
    const { page } = await underlinedHeader({ dpi: 300 });
    expect((await prepare(page)).steps).not.toContain('remove-rules');
    expect((await prepare(page, { rules: true })).steps).toContain('remove-rules');
  });

  it('reads an underlined 1-bit 200 dpi header with its words apart', async () => {
    const { page, truth } = await underlinedHeader();
    const prepared = await prepare(page);
    expect(prepared.steps).toContain('remove-rules');
    const ocr = await pool.recognize(prepared);
    expect(ocr.text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(ocr.text).toContain('QUẢNG BÌNH');
    expect(cer(ocr.text, truth)).toBeLessThan(0.04);
  }, 60_000);
});

describe('orientation of a sparse page', () => {
  it('reads a closing block alone on a page turned 180° the right way up', async () => {
    const drawn = await renderPage([CLOSING], { dpi: 200 });
    // Only the top of the page is printed, as on a last page holding the closing block.
    // Two pipelines: sharp rotates before it extends within one.
    const extended = await sharp(drawn.png).extend({ bottom: 1400, background: '#ffffff' }).png().toBuffer();
    const tall = await sharp(extended).rotate(180).png().toBuffer();
    const meta = await sharp(tall).metadata();
    const page: PageImage = { pageNumber: 2, data: new Uint8Array(tall), width: meta.width!, height: meta.height!, dpi: 200, origin: 'rendered', pdfRotate: 0 };
    const prepared = await prepare(page);
    expect(prepared.orientationUncertain).toBe(true);
    const ocr = await pool.recognize(prepared);
    expect(ocr.rotation).toBe(180);
    expect(ocr.text).toContain('Nơi nhận');
    expect(ocr.text).toContain('Nguyễn Văn Thành');
    expect(cer(ocr.text, drawn.groundTruth)).toBeLessThan(0.08);
    // Boxes come back in the page's own (turned) frame: the text sits at the bottom there.
    const ys = ocr.blocks.flatMap((b) => b.lines.map((l) => l.bbox[1]));
    expect(Math.min(...ys)).toBeGreaterThan(1400 - 10);
  }, 90_000);

  it('reads an uncertain page both ways up and keeps the Vietnamese reading when the ink vote was wrong', async () => {
    const drawn = await renderPage([CLOSING], { dpi: 200 });
    // As if preprocessing had left the page upside down but flagged the doubt.
    const png = await sharp(drawn.png).rotate(180).png().toBuffer();
    const ocr = await pool.recognize({
      pageNumber: 1,
      png,
      width: drawn.width,
      height: drawn.height,
      dpi: 200,
      skew: 0,
      rotation: 0,
      steps: [],
      toPage: [1, 0, 0, 1, 0, 0],
      pageWidth: drawn.width,
      pageHeight: drawn.height,
      orientationUncertain: true,
    });
    expect(ocr.rotation).toBe(180);
    expect(ocr.steps).toContain('reorient-by-reading');
    expect(cer(ocr.text, drawn.groundTruth)).toBeLessThan(0.08);
    const name = ocr.blocks.flatMap((b) => b.lines).find((l) => l.text.includes('Thành'))!;
    // Mapped into the turned image's frame: the signer's name, last printed line, is near its top.
    expect(name.bbox[1]).toBeLessThan(drawn.height / 2);
  }, 90_000);
});

describe('non-print marks', () => {
  it('keeps a red seal and a blue margin note out of the text and lists them', async () => {
    const m = await markedPage();
    const prepared = await prepare(m.page);
    expect(prepared.steps).toContain('erase-marks');
    const ocr = await pool.recognize(prepared);
    const marks = ocr.marks ?? [];
    const seal = marks.find((k) => k.kind === 'seal');
    const note = marks.find((k) => k.kind === 'handwriting');
    expect(seal && overlaps(seal.bbox, m.seal)).toBe(true);
    expect(note && overlaps(note.bbox, m.note)).toBe(true);
    expect(cer(ocr.text, m.truth)).toBeLessThan(0.02);
    for (const line of ocr.blocks.flatMap((b) => b.lines)) expect(overlaps(line.bbox, m.note)).toBe(false);
  }, 60_000);
});

describe('numbers glued to words', () => {
  it('splits "ngày26tháng" where the character boxes show a gap, keeps a code printed tight', () => {
    const sym = (text: string, x0: number, x1: number): { text: string; bbox: { x0: number; y0: number; x1: number; y1: number } } => ({ text, bbox: { x0, y0: 0, x1, y1: 30 } });
    const glued = { text: 'ngày26', confidence: 80, bbox: { x0: 0, y0: 0, x1: 100, y1: 30 }, symbols: [sym('n', 0, 12), sym('g', 13, 25), sym('à', 26, 38), sym('y', 39, 51), sym('2', 60, 72), sym('6', 73, 85)] };
    expect(splitGlued(glued, 5).map((w) => w.text)).toEqual(['ngày', '26']);
    expect(splitGlued(glued, 5)[1]!.bbox.x0).toBe(60);
    const tight = { ...glued, text: 'lớp12', symbols: [sym('l', 0, 8), sym('ớ', 9, 20), sym('p', 21, 32), sym('1', 33, 44), sym('2', 45, 56)] };
    expect(splitGlued(tight, 5)).toHaveLength(1);
  });

  it('reads a date set with hair spaces with its words apart', async () => {
    const drawn = await renderPage([{ full: [{ text: 'Hà Nội, ngày\u200A26\u200Atháng 3 năm 2024', size: 13, align: 'left' }] }], { dpi: 200 });
    const ocr = await pool.recognize({ pageNumber: 1, png: drawn.png, width: drawn.width, height: drawn.height, dpi: 200, skew: 0, rotation: 0, steps: [], toPage: [1, 0, 0, 1, 0, 0], pageWidth: drawn.width, pageHeight: drawn.height });
    expect(ocr.text).toContain('ngày 26 tháng 3');
  }, 60_000);
});

describe('syllableShare', () => {
  it('tells Vietnamese from text read upside down', () => {
    expect(isSyllable('nghiêng')).toBe(true);
    expect(isSyllable('Hạnh')).toBe(true);
    expect(isSyllable('utp')).toBe(false);
    expect(syllableShare('Độc lập - Tự do - Hạnh phúc; UBND tỉnh, số 15')).toBeGreaterThan(0.95);
    expect(syllableShare("utp'J 2ÖẩN UEOQ4 uạnb ÁẤN")).toBeLessThan(0.3);
  });
});
