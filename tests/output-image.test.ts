/**
 * Page images of image inputs in the searchable PDF: PNG IDAT data and one-strip
 * G4 TIFF strips are stored byte for byte, everything else losslessly, and the
 * PDF pages decode (read back with src/pdf, which decodes the streams itself)
 * to the source pixels.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawFullPage, embedDecoded, embedPngPassthrough, embedTiffG4Passthrough, type EmbeddedImage } from '../src/output/embed-image.js';
import { buildSearchablePdf } from '../src/output/pdf.js';
import type { VanBanDocument } from '../src/pipeline.js';
import { pageImageReader, readPages } from '../src/pdf/index.js';
import { ccittTiff } from '../src/pdf/ccitt.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vanban-embed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 96;
const H = 64;

/** A test card: gradient, a dark bar and a coloured block (so palette/RGB differ from gray). */
function card(channels: 1 | 3 | 4): Buffer {
  const out = Buffer.alloc(W * H * channels);
  for (let y = 0; y < H; y += 1) {
    for (let x = 0; x < W; x += 1) {
      const at = (y * W + x) * channels;
      const v = y > 20 && y < 28 ? 10 : (x * 255) / W;
      out[at] = v;
      if (channels >= 3) {
        out[at + 1] = x > 60 && y > 40 ? 30 : v;
        out[at + 2] = (y * 255) / H;
      }
      if (channels === 4) out[at + 3] = x < 30 ? 0 : 255;
    }
  }
  return out;
}

/** A bilevel page: black text-like bars on white, values 0/255. */
function bilevel(width: number, height: number): Buffer {
  const out = Buffer.alloc(width * height, 255);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) if ((y % 12 < 4 && x % 7 < 5 && x > 8 && x < width - 8) || (x + y) % 41 === 0) out[y * width + x] = 0;
  }
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A colour-type-0, 1-bit PNG (sharp writes gray 1-bit only as a palette): rows of filter byte 0 + packed bits. */
function grayOneBitPng(pixels: Buffer, width: number, height: number): Buffer {
  const stride = Math.ceil(width / 8);
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) if (pixels[y * width + x]! !== 0) rows[y * (stride + 1) + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // gray
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Concatenated IDAT payloads, read independently of the module under test. */
function idat(png: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const buf = Buffer.from(png);
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    if (buf.toString('latin1', at + 4, at + 8) === 'IDAT') parts.push(buf.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/** Pixels as RGB on white, for comparing images of different channel counts. */
async function rgb(encoded: Uint8Array): Promise<Buffer> {
  return sharp(encoded).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer();
}

/** A one-page PDF holding the image full page; returns the path and the stored stream. */
async function onePagePdf(name: string, embed: (pdf: PDFDocument) => Promise<EmbeddedImage | undefined> | EmbeddedImage | undefined) {
  const pdf = await PDFDocument.create();
  const image = await embed(pdf);
  if (!image) return undefined;
  const page = pdf.addPage([(image.width * 72) / 300, (image.height * 72) / 300]);
  drawFullPage(page, image);
  const stream = pdf.context.lookup(image.ref) as PDFRawStream;
  const path = join(dir, `${name}.pdf`);
  await writeFile(path, await pdf.save());
  return { path, image, stream };
}

async function firstPage(path: string, forceRender = false): Promise<Uint8Array> {
  for await (const page of readPages(path, forceRender ? { forceRender: true, dpi: 300 } : {})) return page.data;
  throw new Error('no page');
}

/** Share of pixels whose RGB differs by more than a quarter of the range. */
function mismatch(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (Math.abs(a[i]! - b[i]!) > 64 || Math.abs(a[i + 1]! - b[i + 1]!) > 64 || Math.abs(a[i + 2]! - b[i + 2]!) > 64) bad += 1;
  }
  return bad / (a.length / 3);
}

describe('PNG passthrough', () => {
  const cases: Array<[string, () => Promise<Buffer>, number]> = [
    ['gray 8-bit', () => sharp(card(1), { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').png().toBuffer(), 0],
    ['gray 1-bit', async () => grayOneBitPng(bilevel(W, H), W, H), 0],
    ['RGB 8-bit', () => sharp(card(3), { raw: { width: W, height: H, channels: 3 } }).png().toBuffer(), 2],
    ['palette', () => sharp(card(3), { raw: { width: W, height: H, channels: 3 } }).png({ palette: true, colours: 16 }).toBuffer(), 3],
    ['1-bit', () => sharp(bilevel(W, H), { raw: { width: W, height: H, channels: 1 } }).png({ palette: true, colours: 2 }).toBuffer(), 3],
    ['16-bit gray', () => sharp(card(1), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').png().toBuffer(), 0],
  ];
  for (const [name, make, colorType] of cases) {
    it(`${name}: the stream is the PNG's own IDAT data and decodes to the same pixels`, async () => {
      const png = await make();
      expect(png[25]).toBe(colorType);
      const made = await onePagePdf(name.replace(/\W/g, '-'), (pdf) => embedPngPassthrough(pdf, png));
      expect(made).toBeDefined();
      const { path, image, stream } = made!;
      expect(image.method).toBe('png-idat');
      expect(Buffer.from(stream.contents).equals(idat(png))).toBe(true);
      expect(stream.dict.get(PDFName.of('Filter'))).toBe(PDFName.of('FlateDecode'));
      const source = await rgb(png);
      // Decoded by src/pdf (its own Flate + predictor + colour space code), then by pdfjs rendering at the native dpi.
      expect((await rgb(await firstPage(path))).equals(source)).toBe(true);
      expect(mismatch(await rgb(await firstPage(path, true)), source)).toBeLessThan(0.001);
    });
  }

  it('alpha and interlaced PNGs are not passed through; the fallback is lossless, flattened on white', async () => {
    const alpha = await sharp(card(4), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
    const interlaced = await sharp(card(1), { raw: { width: W, height: H, channels: 1 } }).png({ progressive: true }).toBuffer();
    for (const png of [alpha, interlaced]) {
      const pdf = await PDFDocument.create();
      expect(embedPngPassthrough(pdf, png)).toBeUndefined();
      const made = await onePagePdf('fallback', (doc) => embedDecoded(doc, png));
      expect(made!.image.method).toBe('flate');
      expect((await rgb(await firstPage(made!.path))).equals(await rgb(png))).toBe(true);
    }
    // Gray stays one channel.
    const made = await onePagePdf('gray-fallback', (doc) => embedDecoded(doc, interlaced));
    expect(made!.stream.dict.get(PDFName.of('ColorSpace'))).toBe(PDFName.of('DeviceGray'));
  });
});

/** A one-strip TIFF around G4 data (the same wrapper the PDF reader uses for CCITT streams). */
const oneStripTiff = (g4: Uint8Array, width: number, height: number, photometric: 0 | 1): Buffer =>
  Buffer.from(ccittTiff(g4, width, height, photometric));

/** G4 data of the pixels as libtiff codes them for a MinIsBlack page (width and height multiples of 16). */
async function g4Of(pixels: Buffer, width: number, height: number): Promise<Buffer> {
  const tiff = await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, tile: true, tileWidth: width, tileHeight: height })
    .toBuffer();
  const offset = tiff.indexOf(Buffer.from([0x44, 0x01])); // tag 324 TileOffsets, little-endian
  expect(offset).toBeGreaterThan(0);
  const start = tiff.readUInt32LE(offset + 8);
  const count = tiff.readUInt32LE(tiff.indexOf(Buffer.from([0x45, 0x01])) + 8);
  return tiff.subarray(start, start + count);
}

describe('TIFF', () => {
  it('one-strip G4 pages (both photometrics) are stored as their own strip and decode to the same pixels', async () => {
    const width = 160;
    const height = 128;
    const pixels = bilevel(width, height);
    const negated = Buffer.from(pixels.map((v) => 255 - v));
    // MinIsBlack codes white as 1-bits; WhiteIsZero with the negated bits is the same page.
    for (const [photometric, g4] of [
      [1, await g4Of(pixels, width, height)],
      [0, await g4Of(negated, width, height)],
    ] as const) {
      const tiff = oneStripTiff(g4, width, height, photometric);
      const fromTiff = await sharp(tiff).toColourspace('b-w').raw().toBuffer();
      expect(fromTiff.equals(pixels)).toBe(true); // the test file itself is right
      const made = await onePagePdf(`g4-${photometric}`, (pdf) => embedTiffG4Passthrough(pdf, tiff, 0));
      expect(made!.image.method).toBe('tiff-ccitt-g4');
      expect(Buffer.from(made!.stream.contents).equals(g4)).toBe(true);
      const source = await rgb(tiff);
      expect((await rgb(await firstPage(made!.path))).equals(source)).toBe(true); // libtiff via src/pdf
      expect(mismatch(await rgb(await firstPage(made!.path, true)), source)).toBeLessThan(0.001); // pdfjs
    }
  });

  it('the multi-strip G4 fixture becomes a small PDF whose pages have the TIFF pages\' pixels', async () => {
    const input = 'fixtures/special/tiff-bc-ubnd-quang-xuong.tif';
    const size = (await readFile(input)).length;
    const doc = { source: input, pages: [] } as unknown as VanBanDocument; // no text layer needed here
    const { bytes } = await buildSearchablePdf(doc, input, { pageImage: pageImageReader(input) });
    expect(bytes.length).toBeLessThanOrEqual(1.1 * size + 50 * 1024);
    const path = join(dir, 'fixture-tiff.pdf');
    await writeFile(path, bytes);
    let n = 0;
    for await (const page of readPages(path)) {
      const source = await sharp(input, { page: n }).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer();
      expect(mismatch(await rgb(page.data), source)).toBeLessThan(0.001);
      n += 1;
    }
    expect(n).toBe(2);
  });
});
