/**
 * Bad inputs built in a temp dir (issue 11): truncated JPEGs (file and inside a
 * PDF), a header claiming more rows than the data, over-limit images, one-line
 * decoder errors. Each must fail with a clear code naming the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVanbanError, type VanbanErrorCode } from '../src/errors.js';
import { openSource, readPages, type ReadPagesOptions } from '../src/pdf/index.js';
import type { PageImage } from '../src/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vanban-reliab-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function all(file: string, options?: ReadPagesOptions): Promise<PageImage[]> {
  const out: PageImage[] = [];
  for await (const page of readPages(file, options)) out.push(page);
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<{ code: VanbanErrorCode; message: string; file: string | undefined }> {
  try {
    await run();
  } catch (error) {
    if (!isVanbanError(error)) throw error;
    return { code: error.code, message: error.message, file: error.file };
  }
  throw new Error('expected a VanbanError');
}

/** A page-like JPEG: text at the top, a dark band in the lower half (what truncation loses). */
async function pageJpeg(): Promise<Buffer> {
  const svg = `<svg width="600" height="840"><rect width="600" height="840" fill="#fff"/><text x="40" y="80" font-size="36">Kế hoạch</text><rect x="0" y="450" width="600" height="390" fill="#333"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** The first half of the JPEG plus an end-of-image marker: decoders read it as a whole image. */
const truncate = (jpeg: Buffer): Buffer => Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]);

/** Rewrites the SOF height, so the header claims more rows than the data holds. */
function claimHeight(jpeg: Buffer, height: number, width?: number): Buffer {
  const out = Buffer.from(jpeg);
  let i = 2;
  while (i + 4 < out.length) {
    const marker = out[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, i + 5);
      if (width !== undefined) out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + out.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker');
}

async function jpegPdf(jpeg: Buffer, name: string): Promise<string> {
  const pdf = await PDFDocument.create();
  const image = await pdf.embedJpg(Uint8Array.from(jpeg));
  const page = pdf.addPage([595, 842]);
  page.drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  const file = path.join(dir, name);
  await writeFile(file, await pdf.save());
  return file;
}

describe('truncated images never pass as good pages', () => {
  it('refuses a JPEG file cut short and closed with an end marker', async () => {
    const file = path.join(dir, 'half.jpg');
    await writeFile(file, truncate(await pageJpeg()));
    const error = await failure(() => all(file));
    expect(error.code).toBe('CORRUPT');
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/truncated/);
  });

  it('refuses a JPEG whose header claims more rows than its data', async () => {
    const file = path.join(dir, 'tall.jpg');
    await writeFile(file, claimHeight(await pageJpeg(), 2000));
    const error = await failure(() => all(file));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/truncated/);
  });

  it('refuses the same truncated JPEG inside a PDF', async () => {
    const file = await jpegPdf(truncate(await pageJpeg()), 'half.pdf');
    const error = await failure(() => all(file));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/page 1: .*truncated/);
  });

  it('refuses a truncated JPEG on a page that must be rendered (two images)', async () => {
    const pdf = await PDFDocument.create();
    const whole = await pdf.embedJpg(Uint8Array.from(await pageJpeg()));
    const half = await pdf.embedJpg(Uint8Array.from(truncate(await pageJpeg())));
    const page = pdf.addPage([595, 842]);
    page.drawImage(whole, { x: 0, y: 421, width: 298, height: 421 });
    page.drawImage(half, { x: 298, y: 0, width: 297, height: 421 });
    const file = path.join(dir, 'two-images.pdf');
    await writeFile(file, await pdf.save());
    const error = await failure(() => all(file, { dpi: 72 }));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/page 1: .*truncated/);
  });

  it('still takes the intact JPEG, in a file and in a PDF', async () => {
    const jpeg = await pageJpeg();
    const file = path.join(dir, 'whole.jpg');
    await writeFile(file, jpeg);
    expect((await all(file))[0]!.data).toEqual(new Uint8Array(jpeg));
    const pdf = await jpegPdf(jpeg, 'whole.pdf');
    expect((await all(pdf))[0]!.origin).toBe('embedded-image');
  });
});

describe('over-limit and undecodable images', () => {
  it('calls a JPEG header of 60000×60000 pixels inside a PDF TOO_LARGE, not CORRUPT', async () => {
    const file = await jpegPdf(claimHeight(await pageJpeg(), 60000, 60000), 'huge.pdf');
    const error = await failure(() => all(file));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toMatch(/megapixel limit/);
  });

  it('calls a JPEG file of 60000×60000 pixels TOO_LARGE with an action that exists', async () => {
    const file = path.join(dir, 'huge.jpg');
    await writeFile(file, claimHeight(await pageJpeg(), 60000, 60000));
    const error = await failure(() => all(file));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).not.toMatch(/--dpi/);
  });

  it('reports a libvips failure on one line', async () => {
    const jpeg = await pageJpeg();
    // Keep the header, replace the entropy-coded data by garbage.
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const broken = Buffer.concat([jpeg.subarray(0, sos + 14), Buffer.alloc(200, 0xff), Buffer.from([0x00, 0x01, 0xff, 0xd9])]);
    const file = path.join(dir, 'garbage.jpg');
    await writeFile(file, broken);
    const error = await failure(() => all(file));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).not.toContain('\n');
  });
});

describe('rendering budget', () => {
  it('renders a huge vector page at a lower dpi within the budget and says so', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([2880, 2880]).drawText('Kê hoach', { x: 100, y: 2700, size: 48 }); // 40 × 40 inches
    const file = path.join(dir, 'big-vector.pdf');
    await writeFile(file, await doc.save());
    const [page] = await all(file);
    expect(page!.requestedDpi).toBe(300);
    expect(page!.dpi).toBeLessThan(300);
    expect(page!.width * page!.height).toBeLessThanOrEqual(40_000_000);
    expect(page!.width).toBe(Math.round((2880 * page!.dpi) / 72));
  });
});

describe('damaged page trees', () => {
  it('converts the good page of a page tree that lists itself as a kid', async () => {
    const doc = await PDFDocument.create();
    const image = await doc.embedJpg(Uint8Array.from(await pageJpeg()));
    doc.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
    const root = doc.catalog.Pages();
    root.Kids().push(doc.catalog.get(PDFName.of('Pages'))!);
    root.set(PDFName.of('Count'), doc.context.obj(2));
    const file = path.join(dir, 'loop.pdf');
    await writeFile(file, await doc.save());
    expect((await openSource(file)).pageCount).toBe(1);
    const pages = await all(file);
    expect(pages.map((p) => [p.pageNumber, p.origin])).toEqual([[1, 'embedded-image']]);
  });
});

describe('image resolution', () => {
  it('takes an A4 scan without a usable density at its true dpi, or the imageDpi option, and says where it came from', async () => {
    const a4 = await sharp({ create: { width: 2480, height: 3508, channels: 3, background: '#ffffff' } }).jpeg().toBuffer(); // JFIF 72 dpi
    const file = path.join(dir, 'a4.jpg');
    await writeFile(file, a4);
    const [assumed] = await all(file);
    expect([assumed!.dpi, assumed!.dpiSource]).toEqual([300, 'assumed-a4']);
    const [given] = await all(file, { imageDpi: 200 });
    expect([given!.dpi, given!.dpiSource]).toEqual([200, 'option']);
    const dense = path.join(dir, 'a4-200.png');
    await writeFile(dense, await sharp({ create: { width: 1654, height: 2339, channels: 3, background: '#ffffff' } }).withMetadata({ density: 200 }).png().toBuffer());
    const [own] = await all(dense, { imageDpi: 300 });
    expect([own!.dpi, own!.dpiSource]).toEqual([200, 'file']);
    expect((await failure(() => all(file, { imageDpi: 0 }))).code).toBe('USAGE');
  });

  it('decodes only the listed pages of a multi-page TIFF', async () => {
    const good = await sharp({ create: { width: 200, height: 280, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const tiff = await sharp([good, good, good], { join: { animated: true } }).tiff().toBuffer();
    const file = path.join(dir, 'three.tiff');
    await writeFile(file, tiff);
    const pages = await all(file, { pages: [3, 1] });
    expect(pages.map((p) => p.pageNumber)).toEqual([3, 1]);
  });
});
