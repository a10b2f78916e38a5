/**
 * Round seals on pages without colour (1-bit and grey scans): found by shape and erased,
 * print kept. Synthetic pages: a seal drawn as rings, lettering-sized blobs and a star-sized
 * blob, text lines as rows of glyph-sized bars.
 */
import { describe, expect, it } from 'vitest';
import { createGray, encodePng, type GrayImage } from '../src/image/gray.js';
import { INK_COUNT_CAP, prepare, prepareStepStats } from '../src/image/prepare.js';
import { findSeals, removeSeals } from '../src/image/seal.js';

const DPI = 300;
const MM = DPI / 25.4;

function ring(img: GrayImage, cx: number, cy: number, r: number, width: number, level: number): void {
  for (let y = Math.floor(cy - r - width); y <= cy + r + width; y++) {
    for (let x = Math.floor(cx - r - width); x <= cx + r + width; x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (Math.abs(d - r) <= width / 2 && x >= 0 && y >= 0 && x < img.width && y < img.height) {
        const i = y * img.width + x;
        img.data[i] = Math.min(img.data[i]!, level);
      }
    }
  }
}

function box(img: GrayImage, x0: number, y0: number, x1: number, y1: number, level: number): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img.data[y * img.width + x] = Math.min(img.data[y * img.width + x]!, level);
}

/** A text line: glyph-sized bars 30 px high with word gaps, from x0 to x1. */
function textLine(img: GrayImage, x0: number, x1: number, y: number, level = 0): void {
  for (let x = x0, k = 0; x < x1 - 14; x += 22, k++) {
    if (k % 6 === 5) continue; // word gap
    box(img, x, y, x + 12, y + 30, level);
  }
}

function page(): GrayImage {
  const img = createGray(1600, 1400, 255);
  // Body text above, a left column of recipients, the signer's title and name on the right.
  for (let y = 60; y < 400; y += 55) textLine(img, 60, 1540, y);
  for (let y = 520; y < 1000; y += 50) textLine(img, 60, 560, y);
  textLine(img, 760, 1400, 560);
  textLine(img, 760, 1400, 1060);
  return img;
}

/** The text page with a black seal's outer and inner rings over the signer block. */
function sealedPage(): { img: GrayImage; cx: number; cy: number; r: number } {
  const img = page();
  const cx = 880;
  const cy = 800;
  const r = Math.round(18 * MM);
  ring(img, cx, cy, r, 9, 0);
  ring(img, cx, cy, 0.68 * r, 4, 0);
  return { img, cx, cy, r };
}

function inkIn(img: GrayImage, x0: number, y0: number, x1: number, y1: number, below = 128): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (img.data[y * img.width + x]! < below) n++;
  return n;
}

describe('round seals', () => {
  it('finds no seal on a page of text lines', () => {
    expect(findSeals(page(), { dpi: DPI })).toEqual([]);
  });

  it('finds a black seal over the signer block and erases its rings, keeping the title and the body text', () => {
    const { img, cx, cy, r } = sealedPage();
    // Lettering between the rings, off the text rows (left and right of the centre).
    box(img, cx - Math.round(0.83 * r) - 10, cy - 10, cx - Math.round(0.83 * r) + 10, cy + 14, 0);
    box(img, cx + Math.round(0.83 * r) - 10, cy + 20, cx + Math.round(0.83 * r) + 10, cy + 44, 0);
    const seals = findSeals(img, { dpi: DPI });
    expect(seals).toHaveLength(1);
    expect(Math.abs(seals[0]!.cx - cx)).toBeLessThan(6);
    expect(Math.abs(seals[0]!.cy - cy)).toBeLessThan(6);
    expect(Math.abs(seals[0]!.r - r)).toBeLessThan(6);
    const before = inkIn(img, 1000, 560, 1400, 590);
    const out = removeSeals(img, { dpi: DPI }).image;
    // The ring is gone (its bottom, where no text runs)…
    expect(inkIn(out, cx - 20, cy + r - 8, cx + 20, cy + r + 8)).toBe(0);
    // …and so is the inner ring…
    expect(inkIn(out, cx - 20, cy + Math.round(0.68 * r) - 4, cx + 20, cy + Math.round(0.68 * r) + 4)).toBe(0);
    // …while the signer's title right of the seal and the body text are untouched.
    expect(inkIn(out, 1000, 560, 1400, 590)).toBe(before);
    expect(inkIn(out, 60, 60, 1540, 400)).toBe(inkIn(img, 60, 60, 1540, 400));
  });

  it('erases a grey seal lighter than the print and keeps the black print under it', () => {
    const img = page();
    const cx = 880;
    const cy = 800;
    const r = Math.round(19 * MM);
    ring(img, cx, cy, r, 9, 110);
    box(img, cx - 30, cy - 30, cx + 30, cy + 30, 110); // the star
    const printUnder = inkIn(img, 760, 560, 1000, 590, 50);
    const out = removeSeals(img, { dpi: DPI, inkBelow: 170 });
    expect(out.seals).toHaveLength(1);
    expect(inkIn(out.image, cx - 30, cy - 30, cx + 30, cy + 30)).toBe(0);
    expect(inkIn(out.image, 760, 560, 1000, 590, 50)).toBe(printUnder);
    expect(inkIn(out.image, 760, 560, 1000, 590, 255)).toBe(printUnder); // the ring's grey went, not just its core
  });

  it('is found once, in preparation: the prepared page carries its ring for the OCR stage', async () => {
    const { img, cx, cy, r } = sealedPage();
    const png = await encodePng(img);
    const before = prepareStepStats().seals?.calls ?? 0;
    const prepared = await prepare({ pageNumber: 1, data: png, width: img.width, height: img.height, dpi: DPI, origin: 'embedded-image', pdfRotate: 0 }, { deskew: false, orient: false });
    expect(prepared.steps).toContain('remove-seals');
    expect(prepared.seals).toHaveLength(1);
    const seal = prepared.seals![0]!;
    expect(Math.abs(seal.cx - cx)).toBeLessThan(6);
    expect(Math.abs(seal.r - r)).toBeLessThan(6);
    expect(seal.bbox[0]).toBeLessThanOrEqual(cx - r);
    expect(seal.bbox[3]).toBeGreaterThanOrEqual(cy + r);
    expect(prepareStepStats().seals?.calls).toBe(before + 1);
  });

  it('leaves `seals` empty on a page without one, and absent when the search does not run', async () => {
    const img = page();
    const data = await encodePng(img);
    const base = { pageNumber: 1, data, width: img.width, height: img.height, dpi: DPI, origin: 'embedded-image' as const, pdfRotate: 0 as const };
    expect((await prepare(base, { deskew: false, orient: false })).seals).toEqual([]);
    expect((await prepare(base, { deskew: false, orient: false, seals: false })).seals).toBeUndefined();
  });

  it('counts the ink of the prepared page, capped, so a blank page is told without decoding it again', async () => {
    const blank = createGray(800, 1000, 255);
    blank.data[5000] = 0; // one speck
    const base = { pageNumber: 1, width: 800, height: 1000, dpi: DPI, origin: 'embedded-image' as const, pdfRotate: 0 as const };
    expect((await prepare({ ...base, data: await encodePng(blank) }, { deskew: false, orient: false })).inkPixels).toBeLessThanOrEqual(1);
    const text = page();
    expect((await prepare({ ...base, width: text.width, height: text.height, data: await encodePng(text) }, { deskew: false, orient: false })).inkPixels).toBe(INK_COUNT_CAP);
  });
});
