import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyAffine } from '../src/affine.js';
import {
  decodeGray,
  downscaleMean,
  detectOrientation,
  flattenBackground,
  measureSkew,
  plausibleDpi,
  prepare,
  rotateGray,
  rotateRight,
  type GrayImage,
} from '../src/image/index.js';
import { VanbanError } from '../src/errors.js';
import { renderText, skewImage, toPageImage } from './image-render.js';

let page: Buffer;

beforeAll(async () => {
  page = await renderText();
});

/** Centre of the solid dark square of side ≥ `side` (integral image), or undefined. */
function findSquare(img: GrayImage, side: number): [number, number] | undefined {
  const { width: w, height: h, data } = img;
  const W = w + 1;
  const sum = new Uint32Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let r = 0;
    for (let x = 0; x < w; x++) {
      r += data[y * w + x]! < 128 ? 1 : 0;
      sum[(y + 1) * W + x + 1] = sum[y * W + x + 1]! + r;
    }
  }
  let sx = 0;
  let sy = 0;
  let n = 0;
  const full = side * side;
  for (let y = 0; y + side <= h; y++) {
    for (let x = 0; x + side <= w; x++) {
      const s = sum[(y + side) * W + x + side]! - sum[y * W + x + side]! - sum[(y + side) * W + x]! + sum[y * W + x]!;
      if (s === full) {
        sx += x + (side - 1) / 2;
        sy += y + (side - 1) / 2;
        n++;
      }
    }
  }
  return n ? [sx / n, sy / n] : undefined;
}

describe('measureSkew', () => {
  it.each([-7.3, -2.5, 0.8, 4.2, 9.6])('measures %s° within 0.1°', async (angle) => {
    const g = await decodeGray(await skewImage(page, angle));
    const r = measureSkew(g);
    expect(Math.abs(r.angle - angle)).toBeLessThanOrEqual(0.1);
  });

  it('finds no skew on a blank page', async () => {
    const blank = await sharp({ create: { width: 800, height: 1000, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(measureSkew(await decodeGray(blank)).angle).toBe(0);
  });
});

describe('detectOrientation', () => {
  it.each([0, 1, 2, 3] as const)('undoes a turn of %i quarter(s)', async (q) => {
    const g = rotateRight(await decodeGray(await skewImage(page, 1.2)), q);
    const o = detectOrientation(g);
    // Turned q quarters clockwise: (4 − q) more quarters make it upright.
    expect(o.rotation).toBe(((4 - q) % 4) * 90);
    expect(Math.abs(o.skew.angle - 1.2)).toBeLessThan(0.15);
  });

  it.each([1, 3] as const)('lays a sparse closing page turned %i quarter(s) on its side, leaving up/down to the reading', async (q) => {
    // A last page with only the "Nơi nhận" list and the signer: too few lines for line structure.
    const closing = ['Nơi nhận:                                                       TM. ỦY BAN NHÂN DÂN', '- Như trên;                                                             CHỦ TỊCH', '- Lưu: VT.'].join('\n');
    const sparse = await renderText(closing, { dpi: 150 });
    const o = detectOrientation(rotateRight(await decodeGray(await skewImage(sparse, 1.5)), q));
    expect(o.rotation % 180).toBe(90);
    expect(o.rotation === ((4 - q) % 4) * 90 || o.uncertain).toBe(true);
  });
});

describe('rotateGray', () => {
  it('maps pixels with its forward transform', () => {
    const img: GrayImage = { data: new Uint8Array(200 * 100).fill(255), width: 200, height: 100 };
    img.data[30 * 200 + 150] = 0;
    const r = rotateGray(img, 8);
    const [x, y] = applyAffine(r.forward, 150, 30);
    // The dark pixel is spread by bilinear sampling; its darkest neighbour is within 1 px.
    let best = 255;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) best = Math.min(best, r.image.data[(Math.round(y) + dy) * r.image.width + Math.round(x) + dx]!);
    expect(best).toBeLessThan(160);
  });
});

describe('flattenBackground', () => {
  it('evens out a shading gradient and keeps the ink', async () => {
    const g = await decodeGray(page);
    // Darken from 100 % at the left to 55 % at the right, like a scanner-lid shadow.
    const shaded = new Uint8Array(g.data.length);
    for (let y = 0; y < g.height; y++) for (let x = 0; x < g.width; x++) shaded[y * g.width + x] = Math.round(g.data[y * g.width + x]! * (1 - 0.45 * (x / g.width)));
    const f = flattenBackground({ data: shaded, width: g.width, height: g.height });
    const paper = (img: Uint8Array, x: number): number => img[50 * g.width + x]!; // a blank row in the top margin
    expect(paper(shaded, g.width - 60)).toBeLessThan(150);
    expect(paper(f.data, g.width - 60)).toBeGreaterThan(245);
    expect(paper(f.data, 60)).toBeGreaterThan(245);
    // Ink pixels stay dark: the same count of dark pixels before shading and after flattening (±5 %).
    const dark = (d: Uint8Array): number => d.reduce((n, v) => n + (v < 100 ? 1 : 0), 0);
    expect(Math.abs(dark(f.data) - dark(g.data)) / dark(g.data)).toBeLessThan(0.05);
  });
});

describe('prepare', () => {
  it('levels a skewed page turned by 90° and maps a known point back to the page', async () => {
    // A 60 px solid square at a known place below the text: the landmark.
    const square = await sharp({ create: { width: 60, height: 60, channels: 3, background: '#000000' } }).png().toBuffer();
    const marked = await sharp(page).composite([{ input: square, left: 1700, top: 2600 }]).png().toBuffer();
    // Skewed by 3°, then turned 90° clockwise as a sideways scan would be.
    const scan = await sharp(await skewImage(marked, 3)).rotate(90).png().toBuffer();
    const pageImage = await toPageImage(scan);
    const truth = findSquare(await decodeGray(scan), 40);
    expect(truth).toBeDefined();

    const prepared = await prepare(pageImage);
    expect(prepared.rotation).toBe(270);
    expect(Math.abs(prepared.skew - 3)).toBeLessThanOrEqual(0.1);
    // White paper needs no flattening; the anti-aliased ink gets a contrast stretch.
    expect(prepared.steps).toEqual(['grayscale', 'normalize', 'rotate270', 'deskew']);
    expect([prepared.pageWidth, prepared.pageHeight]).toEqual([pageImage.width, pageImage.height]);

    const out = await decodeGray(prepared.png);
    expect([out.width, out.height]).toEqual([prepared.width, prepared.height]);
    // Upright and level: the square's sides are axis-aligned again, so a 50 px window fits inside it.
    const found = findSquare(out, 50);
    expect(found).toBeDefined();
    const [px, py] = applyAffine(prepared.toPage, found![0], found![1]);
    expect(Math.hypot(px - truth![0], py - truth![1])).toBeLessThan(2);
  });

  it('upscales a 100 dpi page to 300 dpi and records it', async () => {
    const low = await sharp(page).resize(827).png().toBuffer();
    const lowPage = await toPageImage(low, 100);
    const prepared = await prepare(lowPage);
    expect(prepared.dpi).toBe(300);
    expect(prepared.steps).toContain('upscale');
    expect(prepared.width).toBe(2481);
    // Pixel centres line up: x_page = (x + 0.5)/3 − 0.5.
    const [x, y] = applyAffine(prepared.toPage, 2480, 0);
    expect(x).toBeCloseTo(2480.5 / 3 - 0.5, 3);
    expect(y).toBeCloseTo(0.5 / 3 - 0.5, 3);
    // Same picture, 3× the pixels: shrink it again and compare with the input.
    const back = downscaleMean(await decodeGray(prepared.png), 3);
    const orig = await decodeGray(low);
    let diff = 0;
    for (let y = 0; y < back.height; y++) for (let x = 0; x < back.width; x++) diff += Math.abs(back.data[y * back.width + x]! - orig.data[y * orig.width + x]!);
    expect(diff / (back.width * back.height)).toBeLessThan(6);
    // 200 dpi is left alone (upscaling it raised the CER on the fixtures).
    expect((await prepare({ ...lowPage, dpi: 200 })).steps).not.toContain('upscale');
  });

  it('does not trust an implausible resolution claimed by an image file', async () => {
    // A 3507 px tall A4 scan tagged 72 dpi would be 49 in tall: treated as ~300 dpi, not upscaled 4×.
    const tagged72 = await prepare({ ...(await toPageImage(page)), dpi: 72 });
    expect(tagged72.steps).toContain('estimate-dpi');
    expect(tagged72.steps).not.toContain('upscale');
    expect(tagged72.dpi).toBe(300);
    expect(tagged72.width).toBe(2481);
    // The same claim from a PDF page (dpi from the page size) is believed.
    expect(plausibleDpi({ dpi: 72, origin: 'embedded-image' }, 2481, 3508)).toBe(72);
    // An 827 × 1169 px image "at 300 dpi" (3.9 in tall) is a ~100 dpi A4 scan …
    expect(plausibleDpi({ dpi: 300, origin: 'image-file' }, 827, 1169)).toBe(100);
    // … but a 300 dpi strip cut from a page (8.3 × 2.2 in) is believed.
    expect(plausibleDpi({ dpi: 300, origin: 'image-file' }, 2481, 660)).toBe(300);
  });

  it('leaves an upright, level page unrotated', async () => {
    const prepared = await prepare(await toPageImage(page));
    expect(prepared.rotation).toBe(0);
    expect(Math.abs(prepared.skew)).toBeLessThan(0.05);
    expect(prepared.steps).not.toContain('deskew');
    expect(prepared.toPage).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('rejects undecodable bytes with a VanbanError naming the file', async () => {
    const bad = { ...(await toPageImage(page)), data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) };
    const err = await prepare(bad, { file: 'scan.pdf' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VanbanError);
    expect((err as VanbanError).code).toBe('CORRUPT');
    expect((err as VanbanError).message).toContain('scan.pdf');
  });
});
