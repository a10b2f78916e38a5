/**
 * Grey or black round seals over the signer block (issue 14): the ring is found once, in
 * preparation (image/seal.ts, erased there and handed on with the prepared page), and the
 * lines near it are read again from their darkest ink, so the signer's name under the
 * seal's rim is read whole.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY, CLOSING, HEADER, renderPage, asPrepared, type SynthPage } from '../bench/ocr-synth.js';
import { OcrPool } from '../src/ocr/index.js';
import { prepare } from '../src/image/index.js';
import type { PreparedImage } from '../src/types.js';

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

  it('is found in preparation, erased, handed to the OCR stage and listed as a seal; the whole name is read', async () => {
    const { page, name } = await sealedClosing();
    const prepared = await prepare({ pageNumber: 1, data: page.png, width: page.width, height: page.height, dpi: page.dpi, origin: 'embedded-image', pdfRotate: 0 });
    expect(prepared.seals?.length).toBe(1);
    const ocr = await pool.recognize(prepared);
    expect(ocr.text).toContain(name);
    expect(ocr.marks?.some((m) => m.kind === 'seal')).toBe(true);
  }, 120_000);

  it('the OCR stage re-reads the lines near the ring it is handed, from their darkest ink', async () => {
    const { page, name } = await sealedClosing();
    // Upright and level as drawn, so the ring's prepared coordinates are the page's.
    const prepared = await prepare({ pageNumber: 1, data: page.png, width: page.width, height: page.height, dpi: page.dpi, origin: 'embedded-image', pdfRotate: 0 }, { orient: false, deskew: false });
    // The unerased page with the ring handed over: the OCR stage does not search for one itself.
    const handed: PreparedImage = { ...asPrepared(page), seals: prepared.seals! };
    expect((await pool.recognize(handed)).text).toContain(name);
    // Without the second reading, the rim costs the name its first word (the failure this fixes).
    const before = await plain.recognize(handed);
    expect(before.text).not.toContain(name);
  }, 120_000);
});
