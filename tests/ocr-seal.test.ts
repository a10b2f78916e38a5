/**
 * Grey or black round seals over the signer block (issue 14): the ring is found as a
 * circle, and the lines it crosses are read again from their darkest ink, so the
 * signer's name under the seal's rim is read whole.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY, CLOSING, HEADER, renderPage, asPrepared, type SynthPage } from '../bench/ocr-synth.js';
import { OcrPool } from '../src/ocr/index.js';
import { findSealRing, type GrayPixels } from '../src/ocr/seal.js';

function blank(w: number, h: number): GrayPixels {
  return { data: new Uint8Array(w * h).fill(255), width: w, height: h };
}

function ring(img: GrayPixels, cx: number, cy: number, r: number, half: number, value = 40): void {
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (Math.abs(Math.hypot(x - cx, y - cy) - r) <= half) img.data[y * img.width + x] = value;
    }
  }
}

function rect(img: GrayPixels, x0: number, y0: number, x1: number, y1: number, value = 0): void {
  for (let y = y0; y < y1; y++) img.data.fill(value, y * img.width + x0, y * img.width + x1);
}

describe('findSealRing', () => {
  it('finds a grey ring of a 38 mm seal at 200 dpi, a letter stem crossing it', () => {
    const img = blank(900, 900);
    // 19 mm radius at 200 dpi = 150 px; ring 6 px thick, mid grey (a worn copy's seal).
    ring(img, 420, 400, 150, 3, 110);
    ring(img, 420, 400, 102, 1, 110);
    // A letter stem crossing the bottom of the ring.
    rect(img, 416, 520, 424, 600);
    const found = findSealRing(img, 200);
    expect(found).not.toBeNull();
    expect(Math.abs(found!.cx - 420)).toBeLessThanOrEqual(4);
    expect(Math.abs(found!.cy - 400)).toBeLessThanOrEqual(4);
    expect(Math.abs(found!.r - 150)).toBeLessThanOrEqual(4);
    expect(found!.coverage).toBeGreaterThan(0.9);
    expect(found!.bbox[0]).toBeLessThanOrEqual(270);
    expect(found!.bbox[3]).toBeGreaterThanOrEqual(550);
  });

  it('finds nothing on lines of text, a rule, or a circle too small to be a seal', () => {
    const img = blank(1200, 1200);
    for (let k = 0; k < 20; k++) {
      const y = 100 + k * 50;
      for (let x = 100; x < 1100; x += 22) rect(img, x, y, x + 14, y + 28);
    }
    rect(img, 100, 1150, 1100, 1154);
    ring(img, 600, 1090, 40, 3);
    expect(findSealRing(img, 300)).toBeNull();
  });
});

/** The closing block with a black seal ring whose rim runs through the signer's name. */
async function sealedClosing(): Promise<{ page: SynthPage; name: string }> {
  const dpi = 200;
  const drawn = await renderPage([HEADER, { full: [BODY.full[0]!] }, CLOSING], { dpi });
  const nameItem = drawn.items.find((i) => i.text === 'Nguyễn Văn Thành')!;
  const r = Math.round((19 * dpi) / 25.4);
  const cx = nameItem.bbox[0] + Math.round(0.2 * r);
  // The rim crosses the upper half of the first word.
  const cy = Math.round(nameItem.bbox[1] + 0.45 * (nameItem.bbox[3] - nameItem.bbox[1])) - r;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${drawn.width}" height="${drawn.height}">
    <g fill="none" stroke="rgb(60,60,60)">
      <circle cx="${cx}" cy="${cy}" r="${r}" stroke-width="6"/>
      <circle cx="${cx}" cy="${cy}" r="${Math.round(r * 0.68)}" stroke-width="3"/>
    </g></svg>`;
  const png = await sharp(drawn.png).composite([{ input: Buffer.from(svg), blend: 'multiply' }]).greyscale().png().toBuffer();
  return { page: { ...drawn, png }, name: nameItem.text };
}

describe('a black seal over the signer name', () => {
  let pool: OcrPool;
  let plain: OcrPool;
  beforeAll(async () => {
    pool = await OcrPool.create({ jobs: 1 });
    plain = await OcrPool.create({ jobs: 1, sealLines: false });
  });
  afterAll(async () => {
    await pool?.terminate();
    await plain?.terminate();
  });

  it('is kept out of a second reading of the name line, so the whole name is read, and listed as a seal', async () => {
    const { page, name } = await sealedClosing();
    const ocr = await pool.recognize(asPrepared(page));
    expect(ocr.text).toContain(name);
    expect(ocr.marks?.some((m) => m.kind === 'seal')).toBe(true);
    // Without the second reading, the rim costs the name its first word (the failure this fixes).
    const before = await plain.recognize(asPrepared(page));
    expect(before.text).not.toContain(name);
  }, 120_000);
});
