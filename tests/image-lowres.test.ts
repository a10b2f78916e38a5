import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGray, prepare, removeLoneSpecks, xHeight, type GrayImage } from '../src/image/index.js';
import { renderText, toPageImage } from './image-render.js';

/** The sample page rendered at `dpi` and cut to 1-bit at mid grey, as a fax or G4 scanner stores it. */
async function bilevelPage(dpi: number): Promise<GrayImage> {
  const g = await decodeGray(await renderText(undefined, { dpi }));
  return { ...g, data: g.data.map((v) => (v < 128 ? 0 : 255)) };
}

const inkCount = (img: GrayImage): number => img.data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);

let page150: GrayImage;

beforeAll(async () => {
  page150 = await bilevelPage(150);
});

describe('removeLoneSpecks', () => {
  it('erases specks far from print and leaves every glyph, dot and mark of the text', () => {
    const specked: GrayImage = { ...page150, data: new Uint8Array(page150.data) };
    // 1- and 2×2-pixel specks on blank paper (below the text block).
    const specks = [
      [100, 1100, 1],
      [400, 1200, 2],
      [700, 1500, 1],
      [1000, 1000, 2],
      [60, 60, 1],
    ] as const;
    for (const [x, y, s] of specks) for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) specked.data[(y + dy) * specked.width + x + dx] = 0;
    const r = removeLoneSpecks(specked, 150);
    expect(r.erased).toBe(specks.length);
    // The clean page comes back pixel for pixel: diacritics and i-dots sit within reach of their letters.
    expect(Buffer.compare(Buffer.from(r.image.data), Buffer.from(page150.data))).toBe(0);
    expect(removeLoneSpecks(page150, 150).erased).toBe(0);
  });

  it('keeps a speck next to print and a blot larger than a speck', () => {
    const img: GrayImage = { ...page150, data: new Uint8Array(page150.data) };
    // A 4×4 blot on blank paper is more than a 150 dpi speck (at most 2×2).
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) img.data[(1300 + dy) * img.width + 500 + dx] = 0;
    const before = inkCount(img);
    expect(removeLoneSpecks(img, 150).erased).toBe(0);
    expect(inkCount(removeLoneSpecks(img, 150).image)).toBe(before);
  });

  it('runs on 1-bit pages in prepare, before they are resampled', async () => {
    const specked = new Uint8Array(page150.data);
    for (let k = 0; k < 40; k++) specked[(1100 + 10 * k) * page150.width + 100 + 25 * k] = 0;
    const png = await sharp(Buffer.from(specked), { raw: { width: page150.width, height: page150.height, channels: 1 } }).png().toBuffer();
    const prepared = await prepare(await toPageImage(png, 150));
    expect(prepared.steps.slice(0, 3)).toEqual(['grayscale', 'remove-specks', 'upscale']);
    const out = await decodeGray(prepared.png);
    // No ink is left where the specks were (300 dpi: twice the coordinates).
    let left = 0;
    for (let k = 0; k < 40; k++) left += out.data[2 * (1100 + 10 * k) * out.width + 2 * (100 + 25 * k)]! < 200 ? 1 : 0;
    expect(left).toBe(0);
    const grey = await prepare(await toPageImage(await renderText(undefined, { dpi: 150 }), 150));
    expect(grey.steps).not.toContain('remove-specks');
  });
});

describe('xHeight', () => {
  it('measures the x-height of 13 pt print in pixels, in proportion to the resolution', async () => {
    // Tinos: x-height 0.52 em; 13 pt = 0.18 in → about 14 px at 150 dpi, 28 at 300.
    const x150 = xHeight(page150);
    const x300 = xHeight(await bilevelPage(300));
    expect(x150).toBeGreaterThanOrEqual(12);
    expect(x150).toBeLessThanOrEqual(16);
    expect(Math.abs(x300 - 2 * x150)).toBeLessThanOrEqual(2);
  });
});
