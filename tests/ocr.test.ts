import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrPool, ocrCallStats } from '../src/ocr/index.js';
import { cer } from '../src/quality/index.js';
import { mapBox } from '../src/ocr/extract.js';
import { isVanbanError } from '../src/errors.js';
import type { OcrPage, PreparedImage } from '../src/types.js';
import { BODY, CLOSING, HEADER, renderPage, type SynthBand, type SynthPage } from '../bench/ocr-synth.js';

const PAD_X = 90;
const PAD_Y = 50;

let pool: OcrPool;
let drawn: SynthPage;
let page: OcrPage;

/** The prepared image is the page with an extra margin, so boxes must be shifted back by toPage. */
async function padded(p: SynthPage): Promise<PreparedImage> {
  const png = await sharp(p.png).extend({ left: PAD_X, top: PAD_Y, right: 10, bottom: 10, background: '#ffffff' }).png().toBuffer();
  return {
    pageNumber: 3,
    png,
    width: p.width + PAD_X + 10,
    height: p.height + PAD_Y + 10,
    dpi: p.dpi,
    skew: 0,
    rotation: 0,
    steps: ['test-pad'],
    toPage: [1, 0, 0, 1, -PAD_X, -PAD_Y],
    pageWidth: p.width,
    pageHeight: p.height,
  };
}

const ONE_PARAGRAPH: SynthBand = { full: [BODY.full[0]!] };

beforeAll(async () => {
  pool = await OcrPool.create({ jobs: 2 });
  drawn = await renderPage([HEADER, ONE_PARAGRAPH, CLOSING]);
  page = await pool.recognize(await padded(drawn));
});

afterAll(async () => {
  await pool?.terminate();
});

describe('OcrPool on a rendered administrative page', () => {
  it('recognizes Vietnamese text with few errors, reading order included', () => {
    expect(page.pageNumber).toBe(3);
    expect([page.width, page.height]).toEqual([drawn.width, drawn.height]);
    expect(cer(page.text, drawn.groundTruth)).toBeLessThan(0.02);
    expect(page.confidence).toBeGreaterThan(80);
    expect(page.steps).toEqual(['test-pad']);
  });

  it('reads the header and closing block column by column, never interleaved', () => {
    expect(page.blocks.map((b) => b.column)).toEqual(['left', 'right', 'full', 'left', 'right']);
    const [left, right, , closeLeft, closeRight] = page.blocks;
    expect(left!.lines.map((l) => l.text).join(' ')).not.toMatch(/CỘNG|Độc lập|ngày/u);
    expect(right!.lines.map((l) => l.text).join(' ')).not.toMatch(/ỦY BAN|TỈNH|Số:/u);
    expect(closeLeft!.lines.map((l) => l.text).join(' ')).toMatch(/^Nơi nhận:/u);
    expect(closeRight!.lines.at(-1)!.text).toBe('Nguyễn Văn Thành');
    const t = page.text;
    expect(t.indexOf('TỈNH QUẢNG BÌNH')).toBeGreaterThanOrEqual(0);
    expect(t.indexOf('TỈNH QUẢNG BÌNH')).toBeLessThan(t.indexOf('CỘNG HÒA'));
    expect(t.indexOf('Số: 125/KH-UBND')).toBeLessThan(t.indexOf('Độc lập'));
  });

  it('maps every word box back onto the page where it was drawn', () => {
    const words = page.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
    let checked = 0;
    for (const item of drawn.items) {
      const tokens = new Set(item.text.split(/\s+/u));
      for (const w of words.filter((x) => tokens.has(x.text) && x.text.length >= 4)) {
        // Words that occur in several items (e.g. "tỉnh") must fall inside one of them.
        const hosts = drawn.items.filter((it) => it.text.split(/\s+/u).includes(w.text));
        const cx = (w.bbox[0] + w.bbox[2]) / 2;
        const cy = (w.bbox[1] + w.bbox[3]) / 2;
        expect(hosts.some((h) => cx >= h.bbox[0] && cx <= h.bbox[2] && cy >= h.bbox[1] && cy <= h.bbox[3])).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    for (const b of page.blocks) {
      for (const l of b.lines) {
        expect(l.bbox[0]).toBeGreaterThanOrEqual(0);
        expect(l.bbox[2]).toBeLessThanOrEqual(page.width);
        if (l.baseline) expect(Math.abs(l.baseline[1] - l.bbox[3])).toBeLessThan(l.bbox[3] - l.bbox[1]);
      }
    }
  });

  it('counts its engine calls: one page pass with the whole image, column re-reads only of smaller crops', async () => {
    const prepared = await padded(drawn);
    const before = ocrCallStats();
    const again = await pool.recognize(prepared);
    const after = ocrCallStats();
    const delta = (kind: string, key: 'calls' | 'pixels'): number => (after[kind]?.[key] ?? 0) - (before[kind]?.[key] ?? 0);
    expect(again.text).toBe(page.text);
    expect(delta('page', 'calls')).toBe(1);
    expect(delta('page', 'pixels')).toBe(prepared.width * prepared.height);
    expect(delta('turned', 'calls')).toBe(0);
    // At most one crop per column block (header and closing: four), each smaller than the page.
    expect(delta('column', 'calls')).toBeLessThanOrEqual(4);
    expect(delta('column', 'pixels')).toBeLessThan(prepared.width * prepared.height);
    expect(after.page!.cpuMs).toBeGreaterThan(0);
  });

  it('fails a broken page with OCR_FAILED and keeps serving the next ones', async () => {
    const broken: PreparedImage = { ...(await padded(drawn)), pageNumber: 7, png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]) };
    const small = await renderPage([HEADER], { dpi: 300 });
    const smallPrepared = await padded(small);
    const [bad, good] = await Promise.allSettled([pool.recognize(broken, 'scan.pdf'), pool.recognize(smallPrepared)]);
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason as unknown;
    expect(isVanbanError(error) && error.code).toBe('OCR_FAILED');
    expect(String((error as Error).message)).toMatch(/^scan\.pdf: OCR failed on page 7 \((Error attempting to read image|Input buffer contains unsupported image format)\)/u);
    expect(good.status).toBe('fulfilled');
    // The failed worker was replaced: the pool still reads a page afterwards.
    const again = await pool.recognize(smallPrepared);
    expect(cer(again.text, small.groundTruth)).toBeLessThan(0.03);
  });
});

describe('mapBox', () => {
  it('maps a box through a quarter turn and clamps to the page', () => {
    // Prepared image is the page turned 90° clockwise (page h=100): page x = y', page y = 100 - x'.
    expect(mapBox({ x0: 10, y0: 20, x1: 30, y1: 60 }, [0, -1, 1, 0, 0, 100], 200, 100)).toEqual([20, 70, 60, 90]);
    expect(mapBox({ x0: -5, y0: -5, x1: 500, y1: 50 }, [1, 0, 0, 1, 0, 0], 200, 100)).toEqual([0, 0, 200, 50]);
  });
});
