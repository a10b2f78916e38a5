import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFName, degrees, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVanbanError, type VanbanErrorCode } from '../src/errors.js';
import { openSource, readPages, renderReason, type ReadPagesOptions } from '../src/pdf/index.js';
import type { PageImage } from '../src/types.js';

const require = createRequire(import.meta.url);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vanban-pdf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** W×H gray test card: white, a black square in the top-left, a gray bar along the bottom. */
const W = 120;
const H = 180;
function card(): Uint8Array {
  const px = new Uint8Array(W * H).fill(255);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (x < 30 && y < 30) px[y * W + x] = 0;
      else if (y >= H - 20) px[y * W + x] = 128;
      else px[y * W + x] = (x * 7 + y * 3) % 50 === 0 ? 60 : 255;
    }
  }
  return px;
}

function rgbCard(): Uint8Array {
  const g = card();
  const px = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    px[i * 3] = g[i]!;
    px[i * 3 + 1] = (i * 13) % 256;
    px[i * 3 + 2] = 255 - g[i]!;
  }
  return px;
}

async function rawOf(data: Uint8Array, channels: 1 | 3 = 1): Promise<{ px: Uint8Array; width: number; height: number }> {
  let s = sharp(data);
  s = channels === 1 ? s.toColourspace('b-w') : s.removeAlpha();
  const { data: px, info } = await s.raw().toBuffer({ resolveWithObject: true });
  return { px: new Uint8Array(px), width: info.width, height: info.height };
}

async function save(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function all(file: string, options?: ReadPagesOptions): Promise<PageImage[]> {
  const out: PageImage[] = [];
  for await (const p of readPages(file, options)) out.push(p);
  return out;
}

async function expectError(run: () => Promise<unknown>, code: VanbanErrorCode, file: string): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(isVanbanError(caught), `expected VanbanError ${code}, got ${String(caught)}`).toBe(true);
  if (!isVanbanError(caught)) return;
  expect(caught.code).toBe(code);
  expect(caught.file).toBe(file);
  expect(caught.message).toContain(file);
}

/** Page whose content draws one image XObject with a given cm. */
function drawWithMatrix(doc: PDFDocument, page: PDFPage, imageRef: ReturnType<PDFDocument['context']['register']>, cm: number[]): void {
  page.node.setXObject(PDFName.of('Im0'), imageRef);
  const content = doc.context.flateStream(`q ${cm.join(' ')} cm /Im0 Do Q`);
  page.node.set(PDFName.of('Contents'), doc.context.register(content));
}

/** Small summary of where dark pixels are: a 4×4 grid of mean darkness. */
async function layout(data: Uint8Array): Promise<number[]> {
  const { data: px } = await sharp(data).toColourspace('b-w').resize(4, 4, { fit: 'fill', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
  return Array.from(px, (v) => Math.round((255 - v) / 32));
}

describe('embedded images', () => {
  it('returns a page-filling JPEG byte for byte, with dpi and page size', async () => {
    const jpeg = new Uint8Array(await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 90 }).toBuffer());
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(jpeg);
    // 150 dpi: W px over W*72/150 pt
    const page = doc.addPage([(W * 72) / 150, (H * 72) / 150]);
    page.drawImage(img, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    const file = await save('jpeg.pdf', await doc.save());
    const before = await readFile(file);
    expect(await openSource(file)).toEqual({ path: file, kind: 'pdf', pageCount: 1 });
    const [p] = await all(file);
    expect(p!.origin).toBe('embedded-image');
    expect(Buffer.from(p!.data).equals(Buffer.from(jpeg))).toBe(true);
    expect([p!.width, p!.height, p!.dpi, p!.pdfRotate]).toEqual([W, H, 150, 0]);
    expect(p!.pageSizePt!.width).toBeCloseTo((W * 72) / 150, 3);
    expect(p!.pageSizePt!.height).toBeCloseTo((H * 72) / 150, 3);
    expect((await readFile(file)).equals(before)).toBe(true); // input untouched
  });

  it('rebuilds Flate RGB pixels exactly (pdf-lib PNG embedding)', async () => {
    const src = rgbCard();
    const png = await sharp(src, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
    const doc = await PDFDocument.create();
    const img = await doc.embedPng(png);
    const page = doc.addPage([W, H]);
    page.drawImage(img, { x: 0, y: 0, width: W, height: H });
    const [p] = await all(await save('png.pdf', await doc.save()));
    expect(p!.origin).toBe('embedded-image');
    expect(p!.dpi).toBe(72);
    const got = await rawOf(p!.data, 3);
    expect([got.width, got.height]).toEqual([W, H]);
    expect(Buffer.from(got.px).equals(Buffer.from(src))).toBe(true);
  });

  it('decodes PNG-predicted Flate, 1-bit gray with /Decode, Indexed, and 16-bit samples', async () => {
    const g = card();
    const doc = await PDFDocument.create();
    const add = (dict: Record<string, unknown>, data: Uint8Array): void => {
      const page = doc.addPage([W, H]);
      const ref = doc.context.register(doc.context.stream(data, { Type: 'XObject', Subtype: 'Image', Width: W, Height: H, ...dict } as never));
      drawWithMatrix(doc, page, ref, [W, 0, 0, H, 0, 0]);
    };
    // 8-bit gray, PNG predictor (Paeth = row type 4) on every row
    const rows: number[] = [];
    for (let y = 0; y < H; y++) {
      rows.push(4);
      for (let x = 0; x < W; x++) {
        const a = x > 0 ? g[y * W + x - 1]! : 0;
        const b = y > 0 ? g[(y - 1) * W + x]! : 0;
        const c = x > 0 && y > 0 ? g[(y - 1) * W + x - 1]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        rows.push((g[y * W + x]! - pred) & 255);
      }
    }
    add({ ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode', DecodeParms: { Predictor: 15, Colors: 1, Columns: W, BitsPerComponent: 8 } }, deflateSync(Uint8Array.from(rows)));
    // 1-bit, black = 1 via /Decode [1 0]
    const rowBytes = Math.ceil(W / 8);
    const bits = new Uint8Array(rowBytes * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (g[y * W + x]! < 128) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    add({ ColorSpace: 'DeviceGray', BitsPerComponent: 1, Decode: [1, 0], Filter: 'FlateDecode' }, deflateSync(bits));
    // Indexed over RGB, 4-bit indices, palette as a hex string
    const idx = new Uint8Array((W / 2) * H);
    for (let i = 0; i < W * H; i++) idx[i >> 1]! |= (g[i]! < 100 ? 1 : g[i]! < 200 ? 2 : 0) << (i & 1 ? 0 : 4);
    const palette = doc.context.obj(['Indexed', 'DeviceRGB', 2, doc.context.stream(Uint8Array.from([255, 255, 255, 200, 0, 0, 0, 0, 255]))] as never);
    add({ ColorSpace: palette, BitsPerComponent: 4, Filter: 'FlateDecode' }, deflateSync(idx));
    // 16-bit gray, uncompressed
    const wide = new Uint8Array(W * H * 2);
    for (let i = 0; i < W * H; i++) {
      wide[i * 2] = g[i]!;
      wide[i * 2 + 1] = 0x7f;
    }
    add({ ColorSpace: 'DeviceGray', BitsPerComponent: 16 }, wide);
    const pages = await all(await save('flate.pdf', await doc.save()));
    expect(pages.map((p) => p.origin)).toEqual(['embedded-image', 'embedded-image', 'embedded-image', 'embedded-image']);
    const predicted = await rawOf(pages[0]!.data);
    expect(Buffer.from(predicted.px).equals(Buffer.from(g))).toBe(true);
    const bilevel = await rawOf(pages[1]!.data);
    expect(Buffer.from(bilevel.px).equals(Buffer.from(g.map((v) => (v < 128 ? 0 : 255))))).toBe(true);
    const indexed = await rawOf(pages[2]!.data, 3);
    const colours = [[255, 255, 255], [200, 0, 0], [0, 0, 255]];
    const expected = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) expected.set(colours[g[i]! < 100 ? 1 : g[i]! < 200 ? 2 : 0]!, i * 3);
    expect(Buffer.from(indexed.px).equals(Buffer.from(expected))).toBe(true);
    const sixteen = await rawOf(pages[3]!.data);
    expect(Buffer.from(sixteen.px).equals(Buffer.from(g))).toBe(true);
  });

  it('reads an Adobe-inverted CMYK JPEG with /Decode [1 0 …] as the renderer shows it', async () => {
    const rgb = new Uint8Array(W * H * 3).fill(255);
    for (let y = 0; y < 30; y++) for (let x = 0; x < 30; x++) rgb.fill(0, (y * W + x) * 3, (y * W + x) * 3 + 3);
    // libjpeg writes CMYK inverted with an Adobe APP14 marker, as Photoshop does
    const cmyk = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const doc = await PDFDocument.create();
    const page = doc.addPage([W, H]);
    const ref = doc.context.register(
      doc.context.stream(cmyk, { Type: 'XObject', Subtype: 'Image', Width: W, Height: H, ColorSpace: 'DeviceCMYK', BitsPerComponent: 8, Filter: 'DCTDecode', Decode: [1, 0, 1, 0, 1, 0, 1, 0] }),
    );
    drawWithMatrix(doc, page, ref, [W, 0, 0, H, 0, 0]);
    const file = await save('cmyk.pdf', await doc.save());
    const [direct] = await all(file);
    const [rendered] = await all(file, { forceRender: true, dpi: 72 });
    expect(direct!.origin).toBe('embedded-image');
    const { px } = await rawOf(direct!.data);
    expect(px[10 * W + 10]!).toBeLessThan(80); // the square is dark
    expect(px[100 * W + 60]!).toBeGreaterThan(230); // the paper is white
    expect(await layout(direct!.data)).toEqual(await layout(rendered!.data));
  });

  it('decodes CCITT Group 4 and stencil-mask scans exactly, as the renderer shows them', async () => {
    // ≤ 256 rows: libvips writes one strip, which is the whole G4 stream
    const w = 240;
    const h = 200;
    const g = new Uint8Array(w * h).fill(255);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x < 40 && y < 40) || (y > 150 && (x >> 3) % 2 === 0)) g[y * w + x] = 0;
    const tif = Buffer.from(await sharp(g, { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1 }).toBuffer());
    const tag = (id: number): number => {
      const ifd = tif.readUInt32LE(4);
      for (let i = 0; i < tif.readUInt16LE(ifd); i++) if (tif.readUInt16LE(ifd + 2 + i * 12) === id) return tif.readUInt32LE(ifd + 2 + i * 12 + 8);
      throw new Error(`tag ${id}`);
    };
    expect(tag(262)).toBe(1); // libvips writes BlackIsZero: its "white" runs are black, hence BlackIs1 below
    const g4 = tif.subarray(tag(273), tag(273) + tag(279));
    const doc = await PDFDocument.create();
    const ccitt = doc.context.register(
      doc.context.stream(g4, { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, ColorSpace: 'DeviceGray', BitsPerComponent: 1, Filter: 'CCITTFaxDecode', DecodeParms: { K: -1, Columns: w, Rows: h, BlackIs1: true } }),
    );
    drawWithMatrix(doc, doc.addPage([w, h]), ccitt, [w, 0, 0, h, 0, 0]);
    const rowBytes = w / 8;
    const bits = new Uint8Array(rowBytes * h);
    for (let i = 0; i < w * h; i++) if (g[i]! === 255) bits[Math.floor(i / w) * rowBytes + ((i % w) >> 3)]! |= 0x80 >> (i % w & 7);
    const mask = doc.context.register(doc.context.flateStream(bits, { Type: 'XObject', Subtype: 'Image', Width: w, Height: h, ImageMask: true }));
    drawWithMatrix(doc, doc.addPage([w, h]), mask, [w, 0, 0, h, 0, 0]);
    const file = await save('bilevel.pdf', await doc.save());
    const direct = await all(file);
    const rendered = await all(file, { forceRender: true, dpi: 72 });
    for (let i = 0; i < 2; i++) {
      expect(direct[i]!.origin).toBe('embedded-image');
      const got = await rawOf(direct[i]!.data);
      expect(Buffer.from(got.px).equals(Buffer.from(g)), `page ${i + 1}`).toBe(true);
      expect(await layout(direct[i]!.data)).toEqual(await layout(rendered[i]!.data));
    }
  });

  it('ignores EXIF orientation inside a PDF, as viewers do, and does not pass such a JPEG on', async () => {
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(jpeg);
    doc.addPage([W, H]).drawImage(img, { x: 0, y: 0, width: W, height: H });
    const [p] = await all(await save('exif.pdf', await doc.save()));
    expect([p!.origin, p!.width, p!.height]).toEqual(['embedded-image', W, H]);
    expect(Buffer.from(p!.data).equals(jpeg)).toBe(false);
    const { px } = await rawOf(p!.data);
    expect(px[10 * W + 10]!).toBeLessThan(40); // square still top-left: not turned
  });

  it('lays a scan that does not fill the page on white paper of the page size', async () => {
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(jpeg);
    // 120×180 px drawn 90×135 pt (96 dpi) at (4, 3) on a 96×142 pt page (89% coverage): 5 px margins left and top
    doc.addPage([96, 142]).drawImage(img, { x: 4, y: 3, width: 90, height: 135 });
    const file = await save('margins.pdf', await doc.save());
    const [p] = await all(file);
    const [r] = await all(file, { forceRender: true, dpi: 96 });
    expect([p!.origin, p!.dpi, p!.width, p!.height]).toEqual(['embedded-image', 96, 128, 189]);
    expect([r!.width, r!.height]).toEqual([128, 189]);
    const { px } = await rawOf(p!.data);
    expect(px[1 * 128 + 1]!).toBe(255); // margin: white paper
    expect(px[(5 + 10) * 128 + 5 + 10]!).toBeLessThan(40); // the scan's black square, offset by the margin
    expect(await layout(p!.data)).toEqual(await layout(r!.data));
  });

  it('applies /Rotate 90 so the image is upright as a viewer shows it', async () => {
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(jpeg);
    const page = doc.addPage([W, H]);
    page.drawImage(img, { x: 0, y: 0, width: W, height: H });
    page.setRotation(degrees(90));
    const [p] = await all(await save('rotate90.pdf', await doc.save()));
    expect(p!.origin).toBe('embedded-image');
    expect([p!.width, p!.height, p!.pdfRotate]).toEqual([H, W, 90]);
    expect(p!.pageSizePt).toEqual({ width: H, height: W });
    // Turned clockwise: the black square (stored top-left) shows top-right, the gray bar on the left.
    const { px } = await rawOf(p!.data);
    const at = (x: number, y: number): number => px[y * H + x]!;
    expect(at(H - 10, 10)).toBeLessThan(40);
    expect(at(10, 10)).toBeGreaterThan(90);
    expect(Math.abs(at(5, W / 2) - 128)).toBeLessThan(20);
  });

  it('follows rotating/flipping cm matrices and inherited /Rotate, matching the renderer', async () => {
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(jpeg);
    const cases: Array<{ size: [number, number]; cm: number[]; rotate?: number }> = [
      { size: [H, W], cm: [0, -W, H, 0, 0, W] }, // quarter turn
      { size: [H, W], cm: [0, W, -H, 0, H, 0] }, // the other quarter turn
      { size: [W, H], cm: [-W, 0, 0, H, W, 0] }, // mirrored
      { size: [H, W], cm: [0, W, H, 0, 0, 0], rotate: 270 }, // transpose, then page turned
    ];
    for (const c of cases) {
      const page = doc.addPage(c.size);
      drawWithMatrix(doc, page, img.ref, c.cm);
      if (c.rotate) page.setRotation(degrees(c.rotate));
    }
    // /Rotate inherited from the page tree root
    const last = doc.addPage([W, H]);
    last.drawImage(img, { x: 0, y: 0, width: W, height: H });
    doc.catalog.Pages().set(PDFName.of('Rotate'), doc.context.obj(180));
    const file = await save('placements.pdf', await doc.save());
    const direct = await all(file);
    const rendered = await all(file, { forceRender: true, dpi: 72 });
    expect(direct.map((p) => p.origin)).toEqual(Array(5).fill('embedded-image'));
    // the root's /Rotate 180 is inherited by every page without its own
    expect(direct.map((p) => p.pdfRotate)).toEqual([180, 180, 180, 270, 180]);
    for (let i = 0; i < direct.length; i++) {
      expect([direct[i]!.width, direct[i]!.height]).toEqual([rendered[i]!.width, rendered[i]!.height]);
      expect(direct[i]!.dpi).toBe(72);
      expect(await layout(direct[i]!.data), `page ${i + 1}`).toEqual(await layout(rendered[i]!.data));
    }
  });
});

describe('rendered pages', () => {
  it('renders vector text (Tinos) at 300 dpi', async () => {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const ttf = await readFile(path.join(path.dirname(require.resolve('@expo-google-fonts/tinos/package.json')), '400Regular/Tinos_400Regular.ttf'));
    // subset: false — pdf-lib's subsetting drops glyphs of some fonts
    const font = await doc.embedFont(ttf, { subset: false });
    const page = doc.addPage([595.28, 841.89]);
    page.drawText('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { x: 60, y: 780, size: 14, font });
    const file = await save('text.pdf', await doc.save());
    expect(await renderReason(file, 1)).toBe('no image');
    const [p] = await all(file);
    expect(p!.origin).toBe('rendered');
    expect([p!.width, p!.height, p!.dpi, p!.pdfRotate]).toEqual([2480, 3508, 300, 0]);
    // Ink where the title is, none in the empty lower half.
    // (stats() reads its input, so crop into a buffer first)
    const region = async (left: number, top: number, width: number, height: number): Promise<number> => {
      const crop = await sharp(p!.data).extract({ left, top, width, height }).png().toBuffer();
      return (await sharp(crop).stats()).channels[0]!.min;
    };
    expect(await region(200, 220, 1600, 120)).toBeLessThan(60);
    expect(await region(0, 1800, 2480, 1600)).toBe(255);
  });

  it('renders a page with an image plus visible text, honouring /Rotate', async () => {
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg().toBuffer());
    const page = doc.addPage([200, 300]);
    page.drawImage(img, { x: 0, y: 0, width: 200, height: 300 });
    page.drawText('x', { x: 10, y: 10, size: 8 });
    page.setRotation(degrees(-90));
    const [p] = await all(await save('mixed.pdf', await doc.save()), { dpi: 144 });
    expect(p!.origin).toBe('rendered');
    expect([p!.width, p!.height, p!.pdfRotate]).toEqual([600, 400, 270]);
    expect(p!.pageSizePt).toEqual({ width: 300, height: 200 });
  });

  it('renders a page tiled from image strips at the strips\' resolution', async () => {
    const g = card();
    const doc = await PDFDocument.create();
    const [pw, ph] = [(W * 72) / 200, (H * 72) / 200]; // 200 dpi
    const page = doc.addPage([pw, ph]);
    for (const [i, rows] of [[0, H / 2], [H / 2, H]].entries()) {
      const strip = await sharp(g.subarray(rows[0]! * W, rows[1]! * W), { raw: { width: W, height: H / 2, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
      const img = await doc.embedJpg(strip);
      page.drawImage(img, { x: 0, y: i === 0 ? ph / 2 : 0, width: pw, height: ph / 2 });
    }
    const file = await save('strips.pdf', await doc.save());
    expect(await renderReason(file, 1)).toBe('several images');
    const [p] = await all(file);
    expect([p!.origin, p!.dpi, p!.width, p!.height]).toEqual(['rendered', 200, W, H]);
    expect(await layout(p!.data)).toEqual(await layout(await sharp(g, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer()));
  });

  it('keeps searchable PDFs (image + invisible text, Tr 3) on the direct path', async () => {
    const doc = await PDFDocument.create();
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg().toBuffer();
    const img = await doc.embedJpg(jpeg);
    const page = doc.addPage([W, H]);
    page.drawImage(img, { x: 0, y: 0, width: W, height: H });
    const font = await doc.embedFont('Helvetica');
    page.node.setFontDictionary(PDFName.of('F1'), font.ref);
    const extra = doc.context.flateStream('BT 3 Tr /F1 10 Tf 5 5 Td (hidden) Tj ET');
    page.node.addContentStream(doc.context.register(extra));
    const [p] = await all(await save('sandwich.pdf', await doc.save()));
    expect(p!.origin).toBe('embedded-image');
    expect(Buffer.from(p!.data).equals(jpeg)).toBe(true);
  });
});

describe('damaged but usable', () => {
  it('renders a PDF that lost its trailer (pdfjs alone rejects it; pdf-lib repairs it)', async () => {
    const content = 'BT /F1 40 Tf 20 80 Td (Hello) Tj ET';
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    const body = objects.map((o, i) => `${i + 1} 0 obj\n${o}\nendobj\n`).join('');
    const file = await save('no-trailer.pdf', `%PDF-1.4\n${body}startxref\n0\n%%EOF\n`);
    const [p] = await all(file, { dpi: 72 });
    expect([p!.origin, p!.width, p!.height]).toEqual(['rendered', 200, 200]);
    const { px } = await rawOf(p!.data);
    expect(Math.min(...px)).toBeLessThan(60); // the word is there
  });

  it('renders a "secured" PDF that opens without a password (owner password only), at the scan resolution', async () => {
    const rc4 = (key: Uint8Array, data: Uint8Array): Uint8Array => {
      const S = Array.from({ length: 256 }, (_, i) => i);
      for (let i = 0, j = 0; i < 256; i++) {
        j = (j + S[i]! + key[i % key.length]!) & 255;
        [S[i], S[j]] = [S[j]!, S[i]!];
      }
      const out = new Uint8Array(data.length);
      for (let n = 0, i = 0, j = 0; n < data.length; n++) {
        i = (i + 1) & 255;
        j = (j + S[i]!) & 255;
        [S[i], S[j]] = [S[j]!, S[i]!];
        out[n] = data[n]! ^ S[(S[i]! + S[j]!) & 255]!;
      }
      return out;
    };
    const md5 = (...parts: Uint8Array[]): Uint8Array => {
      const h = createHash('md5');
      for (const p of parts) h.update(p);
      return new Uint8Array(h.digest());
    };
    // Standard security handler, revision 2 (RC4 40-bit), empty user password: PDF 1.7 §7.6.3.3–4
    const pad = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');
    const ownerPad = Buffer.concat([Buffer.from('owner'), pad]).subarray(0, 32);
    const O = rc4(md5(ownerPad).subarray(0, 5), pad);
    const P = -3904; // printing and copying denied
    const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const pBytes = Buffer.alloc(4);
    pBytes.writeInt32LE(P);
    const key = md5(pad, O, pBytes, id).subarray(0, 5);
    const U = rc4(key, pad);
    const objectKey = (num: number): Uint8Array => md5(key, Uint8Array.from([num & 255, (num >> 8) & 255, num >> 16, 0, 0])).subarray(0, 10);
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 95 }).toBuffer();
    const [pw, ph] = [(W * 72) / 200, (H * 72) / 200]; // a 200-dpi scan
    const content = Buffer.from(`q ${pw} 0 0 ${ph} 0 0 cm /Im0 Do Q`);
    const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
    const offsets: number[] = [];
    const length = (): number => parts.reduce((t, b) => t + b.length, 0);
    const obj = (text: string, stream?: Uint8Array): void => {
      offsets.push(length());
      const num = offsets.length;
      if (!stream) return void parts.push(Buffer.from(`${num} 0 obj\n${text}\nendobj\n`));
      const enc = rc4(objectKey(num), stream);
      parts.push(Buffer.from(`${num} 0 obj\n${text.replace('LEN', String(enc.length))}\nstream\n`), Buffer.from(enc), Buffer.from('\nendstream\nendobj\n'));
    };
    obj('<< /Type /Catalog /Pages 2 0 R >>');
    obj('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
    obj(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pw} ${ph}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`);
    obj(`<< /Type /XObject /Subtype /Image /Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length LEN >>`, jpeg);
    obj('<< /Length LEN >>', content);
    obj(`<< /Filter /Standard /V 1 /R 2 /O <${Buffer.from(O).toString('hex')}> /U <${Buffer.from(U).toString('hex')}> /P ${P} >>`);
    const xref = length();
    parts.push(
      Buffer.from(
        `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
          `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>] >>\nstartxref\n${xref}\n%%EOF\n`,
      ),
    );
    const file = await save('secured.pdf', Buffer.concat(parts));
    expect((await openSource(file)).pageCount).toBe(1);
    const [p] = await all(file);
    expect([p!.origin, p!.dpi, p!.width, p!.height]).toEqual(['rendered', 200, W, H]);
    expect(await layout(p!.data)).toEqual(await layout(await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer()));
  });

  it('finds a scan wrapped in a form XObject', async () => {
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg().toBuffer();
    const doc = await PDFDocument.create();
    const img = await doc.embedJpg(jpeg);
    const form = doc.context.register(
      doc.context.flateStream('q 1 0 0 1 0 0 cm /Im0 Do Q', {
        Type: 'XObject',
        Subtype: 'Form',
        BBox: [0, 0, 1, 1],
        Matrix: [W, 0, 0, H, 0, 0],
        Resources: { XObject: { Im0: img.ref } },
      } as never),
    );
    const page = doc.addPage([W, H]);
    page.node.setXObject(PDFName.of('Fm0'), form);
    page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.flateStream('q /Fm0 Do Q')));
    const [p] = await all(await save('form.pdf', await doc.save()));
    expect([p!.origin, p!.dpi]).toEqual(['embedded-image', 72]);
    expect(Buffer.from(p!.data).equals(jpeg)).toBe(true);
  });
});

describe('bad input', () => {
  it('reports missing, empty, wrong-type and unreadable files', async () => {
    const missing = path.join(dir, 'nope.pdf');
    await expectError(() => openSource(missing), 'ENOENT', missing);
    const empty = await save('empty.pdf', '');
    await expectError(() => openSource(empty), 'EMPTY', empty);
    const text = await save('notes.pdf', 'Kế hoạch số 12/KH-UBND\n');
    await expectError(() => openSource(text), 'NOT_PDF', text);
    await expectError(() => all(text), 'NOT_PDF', text);
    if (process.getuid?.() !== 0) {
      const locked = await save('locked.pdf', '%PDF-1.4\n');
      await chmod(locked, 0);
      await expectError(() => openSource(locked), 'EACCES', locked);
    }
  });

  it('reports a PDF without pages, a truncated PDF and a truncated JPEG inside a PDF', async () => {
    const none = await save('nopages.pdf', await (await PDFDocument.create()).save({ addDefaultPage: false }));
    await expectError(() => openSource(none), 'NO_PAGES', none);

    const doc = await PDFDocument.create();
    const jpeg = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg().toBuffer();
    const img = await doc.embedJpg(jpeg);
    doc.addPage([W, H]).drawImage(img, { x: 0, y: 0, width: W, height: H });
    const good = await doc.save();
    const cut = await save('cut.pdf', good.subarray(0, Math.floor(good.length * 0.6)));
    await expectError(() => openSource(cut), 'CORRUPT', cut);

    const bad = await PDFDocument.create();
    const page = bad.addPage([W, H]);
    const half = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const ref = bad.context.register(
      bad.context.stream(half, { Type: 'XObject', Subtype: 'Image', Width: W, Height: H, ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'DCTDecode' }),
    );
    drawWithMatrix(bad, page, ref, [W, 0, 0, H, 0, 0]);
    const broken = await save('halfjpeg.pdf', await bad.save());
    expect((await openSource(broken)).pageCount).toBe(1);
    await expectError(() => all(broken), 'CORRUPT', broken);
  });

  it('refuses encrypted PDFs with a hint to decrypt them', async () => {
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
      '<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>',
    ];
    let body = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((o, i) => {
      offsets.push(body.length);
      body += `${i + 1} 0 obj\n${o}\nendobj\n`;
    });
    const xref = body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<01> <01>] >>\nstartxref\n${xref}\n%%EOF\n`;
    const file = await save('locked-doc.pdf', body);
    await expectError(() => openSource(file), 'ENCRYPTED', file);
    await expect(openSource(file)).rejects.toThrow(/qpdf --decrypt/);
  });

  it('refuses absurd page sizes and unknown page numbers', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([14400, 14400]); // 200 × 200 inches
    const file = await save('huge.pdf', await doc.save());
    await expectError(() => all(file), 'TOO_LARGE', file);
    await expectError(() => all(file, { pages: [2] }), 'USAGE', file);
  });
});

describe('image files', () => {
  it('reads PNG and JPEG with their density, 300 when absent or a placeholder', async () => {
    const raw = { raw: { width: W, height: H, channels: 1 as const } };
    const png = await save('scan.png', await sharp(card(), raw).withMetadata({ density: 200 }).png().toBuffer());
    const jpegBytes = await sharp(card(), raw).jpeg().toBuffer();
    const jpg = await save('scan.jpg', jpegBytes);
    expect(await openSource(png)).toEqual({ path: png, kind: 'image', pageCount: 1 });
    const [p] = await all(png);
    expect([p!.origin, p!.dpi, p!.width, p!.height]).toEqual(['image-file', 200, W, H]);
    const [j] = await all(jpg);
    expect(Buffer.from(j!.data).equals(jpegBytes)).toBe(true);
    // sharp's default 72 dpi is a placeholder: the long side is taken as A4's (clamped to 70 dpi for this tiny card)
    expect([j!.dpi, j!.dpiSource]).toEqual([70, 'assumed-a4']);
    const big = await save('big.jpg', await sharp({ create: { width: 2480, height: 3508, channels: 3, background: '#ffffff' } }).jpeg().toBuffer());
    const [b] = await all(big);
    expect(b!.dpi).toBe(300);
  });

  it('turns EXIF-rotated photos upright', async () => {
    const file = await save('photo.jpg', await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    const [p] = await all(file);
    expect([p!.width, p!.height]).toEqual([H, W]);
    const { px } = await rawOf(p!.data);
    // orientation 6 = stored image must be turned 90° clockwise to display: square goes top-right
    expect(px[10 * H + (H - 10)]!).toBeLessThan(40);
  });

  it('reads each page of a multi-page TIFF', async () => {
    const a = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer();
    const b = await sharp({ create: { width: W, height: H, channels: 3, background: '#000000' } }).png().toBuffer();
    const file = await save('pages.tiff', await sharp([a, b], { join: { animated: true } }).tiff().toBuffer());
    expect((await openSource(file)).pageCount).toBe(2);
    const pages = await all(file);
    // No density in the file: the long side is taken as A4's (clamped to 70 dpi for this tiny card).
    expect(pages.map((p) => [p.pageNumber, p.width, p.height, p.dpi, p.dpiSource])).toEqual([
      [1, W, H, 70, 'assumed-a4'],
      [2, W, H, 70, 'assumed-a4'],
    ]);
    expect((await sharp(pages[1]!.data).stats()).channels[0]!.max).toBe(0);
    expect((await all(file, { pages: [2] })).map((p) => p.pageNumber)).toEqual([2]);
  });

  it('flattens a transparent PNG onto white paper', async () => {
    const rgba = new Uint8Array(W * H * 4); // fully transparent black
    for (let y = 0; y < 30; y++) for (let x = 0; x < 30; x++) rgba[(y * W + x) * 4 + 3] = 255; // opaque black square
    const file = await save('alpha.png', await sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer());
    const [p] = await all(file);
    const { px } = await rawOf(p!.data);
    expect([px[5 * W + 5], px[100 * W + 60]]).toEqual([0, 255]);
  });

  it('reports a truncated PNG', async () => {
    const png = await sharp(card(), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer();
    const file = await save('cut.png', png.subarray(0, Math.floor(png.length / 2)));
    await expectError(() => all(file), 'CORRUPT', file);
  });
});
