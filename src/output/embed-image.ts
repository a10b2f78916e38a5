/**
 * Page images for the searchable PDF without re-encoding, as img2pdf does:
 * a PNG's IDAT data is already a PDF FlateDecode stream with PNG predictors,
 * and a one-strip CCITT Group 4 TIFF page is already a CCITTFaxDecode stream.
 * Anything else (alpha, interlace, other TIFF codings) is decoded with sharp
 * and stored losslessly at its native channel count, bilevel pages at 1 bit.
 */
import { deflateSync } from 'node:zlib';
import {
  PDFDocument,
  PDFHexString,
  PDFPage,
  PDFRawStream,
  PDFRef,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import sharp from 'sharp';

/** How the page image was stored. */
export type EmbedMethod = 'png-idat' | 'tiff-ccitt-g4' | 'ccitt-g4-reencoded' | 'flate' | 'flate-1bit';

export interface EmbeddedImage {
  ref: PDFRef;
  width: number;
  height: number;
  method: EmbedMethod;
}

interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  palette?: Uint8Array;
  /** Palette transparency (tRNS on colour type 3) makes the image effectively alpha. */
  paletteAlpha: boolean;
  idat: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const isPng = (bytes: Uint8Array): boolean => PNG_SIGNATURE.every((b, i) => bytes[i] === b);
export const isTiff = (bytes: Uint8Array): boolean =>
  (bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42);

/** The chunks img2pdf-style passthrough needs; undefined when the file is not a well-formed PNG. */
function parsePng(bytes: Uint8Array): PngInfo | undefined {
  if (!isPng(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: Omit<PngInfo, 'idat' | 'paletteAlpha' | 'palette'> | undefined;
  let palette: Uint8Array | undefined;
  let paletteAlpha = false;
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length !== length) return undefined;
    if (type === 'IHDR') {
      header = { width: view.getUint32(at + 8), height: view.getUint32(at + 12), bitDepth: data[8]!, colorType: data[9]!, interlace: data[12]! };
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS' && header?.colorType === 3) paletteAlpha = true;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header || idat.length === 0) return undefined;
  return { ...header, palette, paletteAlpha, idat: Buffer.concat(idat) };
}

/**
 * PNG → image XObject whose stream is the file's own IDAT data. Non-interlaced
 * gray, RGB and palette images only; a tRNS colour key on gray/RGB is ignored
 * (scans do not use it). Returns undefined when the PNG does not qualify.
 */
export function embedPngPassthrough(pdf: PDFDocument, png: Uint8Array): EmbeddedImage | undefined {
  const info = parsePng(png);
  if (!info || info.interlace !== 0 || info.paletteAlpha) return undefined;
  const { width, height, bitDepth, colorType } = info;
  let colorSpace: unknown;
  let colors: number;
  if (colorType === 0 && [1, 2, 4, 8, 16].includes(bitDepth)) {
    colorSpace = 'DeviceGray';
    colors = 1;
  } else if (colorType === 2 && [8, 16].includes(bitDepth)) {
    colorSpace = 'DeviceRGB';
    colors = 3;
  } else if (colorType === 3 && [1, 2, 4, 8].includes(bitDepth) && info.palette && info.palette.length % 3 === 0) {
    const entries = info.palette.length / 3;
    colorSpace = ['Indexed', 'DeviceRGB', entries - 1, PDFHexString.of(Buffer.from(info.palette).toString('hex'))];
    colors = 1;
  } else return undefined;
  const ref = imageXObject(pdf, info.idat, width, height, {
    ColorSpace: colorSpace,
    BitsPerComponent: bitDepth,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: bitDepth, Columns: width },
  });
  return { ref, width, height, method: 'png-idat' };
}

interface TiffPage {
  width: number;
  height: number;
  compression: number;
  photometric: number;
  fillOrder: number;
  orientation: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  t6Options: number;
  rowsPerStrip: number;
  stripOffsets: number[];
  stripByteCounts: number[];
  tileWidth?: number;
  tileLength?: number;
  tileOffsets: number[];
  tileByteCounts: number[];
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 3: 2, 4: 4, 16: 8 };

/** The IFD of page `index` (0-based) of a classic (non-Big) TIFF, or undefined when it cannot be read. */
export function readTiffPage(bytes: Uint8Array, index: number): TiffPage | undefined {
  if (!isTiff(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49;
  const u16 = (at: number): number => view.getUint16(at, le);
  const u32 = (at: number): number => view.getUint32(at, le);
  let ifd = u32(4);
  for (let i = 0; i < index; i += 1) {
    if (ifd === 0 || ifd + 2 > bytes.length) return undefined;
    ifd = u32(ifd + 2 + u16(ifd) * 12);
  }
  if (ifd === 0 || ifd + 2 > bytes.length) return undefined;
  const tags = new Map<number, number[]>();
  const count = u16(ifd);
  if (ifd + 2 + count * 12 > bytes.length) return undefined;
  for (let i = 0; i < count; i += 1) {
    const entry = ifd + 2 + i * 12;
    const type = u16(entry + 2);
    const n = u32(entry + 4);
    const size = TYPE_SIZES[type];
    if (size === undefined || size === 8) continue; // rationals, strings etc.: none of ours
    const start = n * size <= 4 ? entry + 8 : u32(entry + 8);
    if (start + n * size > bytes.length) return undefined;
    const values: number[] = [];
    for (let k = 0; k < n; k += 1) values.push(size === 1 ? bytes[start + k]! : size === 2 ? u16(start + k * 2) : u32(start + k * 4));
    tags.set(u16(entry), values);
  }
  const one = (tag: number, fallback: number): number => tags.get(tag)?.[0] ?? fallback;
  const height = one(257, 0);
  return {
    width: one(256, 0),
    height,
    compression: one(259, 1),
    photometric: one(262, -1),
    fillOrder: one(266, 1),
    orientation: one(274, 1),
    samplesPerPixel: one(277, 1),
    bitsPerSample: one(258, 1),
    t6Options: one(293, 0),
    rowsPerStrip: one(278, 0xffffffff),
    stripOffsets: tags.get(273) ?? [],
    stripByteCounts: tags.get(279) ?? [],
    tileWidth: tags.get(322)?.[0],
    tileLength: tags.get(323)?.[0],
    tileOffsets: tags.get(324) ?? [],
    tileByteCounts: tags.get(325) ?? [],
  };
}

/**
 * A one-strip CCITT Group 4 TIFF page → CCITTFaxDecode XObject of the strip's own
 * bytes. The fax code itself says which runs are white; TIFF's photometric only
 * says how the decoded bits read: WhiteIsZero (0) decodes black as 1, the
 * default PDF reading (BlackIs1 false) shows black runs as black; BlackIsZero
 * (1) pages are stored with the sense inverted, so BlackIs1 true keeps the look.
 */
export function embedTiffG4Passthrough(pdf: PDFDocument, tiff: Uint8Array, pageIndex: number): EmbeddedImage | undefined {
  const page = readTiffPage(tiff, pageIndex);
  if (!page) return undefined;
  const { width, height } = page;
  const oneStrip = page.stripOffsets.length === 1 && page.stripByteCounts.length === 1 && page.rowsPerStrip >= height;
  if (
    page.compression !== 4 ||
    !oneStrip ||
    page.fillOrder !== 1 ||
    page.orientation !== 1 ||
    page.samplesPerPixel !== 1 ||
    page.bitsPerSample !== 1 ||
    (page.t6Options & 2) !== 0 || // uncompressed mode: rare, left to the decoder
    ![0, 1].includes(page.photometric) ||
    !(width > 0 && height > 0)
  ) {
    return undefined;
  }
  const start = page.stripOffsets[0]!;
  const data = tiff.subarray(start, start + page.stripByteCounts[0]!);
  if (data.length !== page.stripByteCounts[0]) return undefined;
  return { ref: ccittXObject(pdf, data, width, height, page.photometric === 1), width, height, method: 'tiff-ccitt-g4' };
}

function ccittXObject(pdf: PDFDocument, data: Uint8Array, width: number, height: number, blackIs1: boolean): PDFRef {
  return imageXObject(pdf, data, width, height, {
    ColorSpace: 'DeviceGray',
    BitsPerComponent: 1,
    Filter: 'CCITTFaxDecode',
    DecodeParms: { K: -1, Columns: width, Rows: height, BlackIs1: blackIs1 },
  });
}

/** The literal object pdf-lib's `context.obj()` takes (its type is not exported). */
type ImageFields = Parameters<PDFDocument['context']['obj']>[0] & Record<string, unknown>;

/** Registers an image XObject whose stream is `data` as it is (already encoded by its Filter). */
function imageXObject(pdf: PDFDocument, data: Uint8Array, width: number, height: number, fields: ImageFields): PDFRef {
  const dict = pdf.context.obj({ Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ...fields });
  return pdf.context.register(PDFRawStream.of(dict, data));
}

/**
 * Bilevel pixels (0/255) → Group 4, coded by libtiff inside sharp: lossless and
 * 3–5× smaller than 1-bit Flate on text. libvips writes strips of 256 rows
 * (each its own G4 stream), so one tile spans the page instead: a tile's width
 * must be a multiple of 16 (its height is padded, and /Rows stops the decoder
 * before the padding). Undefined for other widths.
 */
async function encodeG4(pdf: PDFDocument, pixels: Uint8Array, width: number, height: number): Promise<PDFRef | undefined> {
  if (width % 16 !== 0) return undefined;
  const tiff = await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, tile: true, tileWidth: width, tileHeight: Math.ceil(height / 16) * 16 })
    .toBuffer();
  const page = readTiffPage(tiff, 0);
  if (!page || page.compression !== 4 || page.tileOffsets.length !== 1 || page.tileWidth !== width || page.fillOrder !== 1 || ![0, 1].includes(page.photometric)) {
    return undefined;
  }
  const start = page.tileOffsets[0]!;
  const data = tiff.subarray(start, start + page.tileByteCounts[0]!);
  return ccittXObject(pdf, data, width, height, page.photometric === 1);
}

/** Packs 0/255 gray samples into 1-bit rows (1 = white, as DeviceGray reads it). */
function packBits(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const stride = Math.ceil(width / 8);
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    const outRow = y * stride;
    for (let x = 0; x < width; x += 1) if (pixels[row + x]! !== 0) out[outRow + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  return out;
}

/** One channel of RGB samples when every pixel is neutral gray, else undefined. */
function toGray(rgb: Uint8Array): Uint8Array | undefined {
  const gray = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 1) {
    const v = rgb[i]!;
    if (rgb[i + 1] !== v || rgb[i + 2] !== v) return undefined;
    gray[j] = v;
  }
  return gray;
}

/**
 * Decodes any image sharp opens (transparency flattened on white) and stores
 * it losslessly: gray stays one channel, and a page holding only black and
 * white is packed to 1 bit before deflating (an 8× smaller input for zlib).
 */
export async function embedDecoded(pdf: PDFDocument, encoded: Uint8Array, page?: number): Promise<EmbeddedImage> {
  const input = sharp(encoded, page === undefined ? {} : { page });
  const meta = await input.metadata();
  const gray = meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels ?? 3) <= 2;
  let pipeline = input.autoOrient();
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  pipeline = gray ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb').removeAlpha();
  const decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width, height } = decoded.info;
  // Decoders hand some gray images over as RGB (sharp's PNG of a 1-bit TIFF page): store what the pixels are.
  const data = decoded.info.channels === 3 ? (toGray(decoded.data) ?? decoded.data) : decoded.data;
  const channels = data.length === width * height ? 1 : 3;
  const bilevel = channels === 1 && data.every((v) => v === 0 || v === 255);
  if (bilevel) {
    const g4 = await encodeG4(pdf, data, width, height);
    if (g4) return { ref: g4, width, height, method: 'ccitt-g4-reencoded' };
  }
  const samples = bilevel ? packBits(data, width, height) : data;
  const ref = imageXObject(pdf, deflateSync(samples, { level: 9 }), width, height, {
    ColorSpace: channels === 1 ? 'DeviceGray' : 'DeviceRGB',
    BitsPerComponent: bilevel ? 1 : 8,
    Filter: 'FlateDecode',
  });
  return { ref, width, height, method: bilevel ? 'flate-1bit' : 'flate' };
}

/** Draws the image XObject over the whole page (its MediaBox from the origin). */
export function drawFullPage(page: PDFPage, image: EmbeddedImage): void {
  const { width, height } = page.getSize();
  const name = page.node.newXObject('Im', image.ref);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(width, 0, 0, height, 0, 0), drawObject(name), popGraphicsState());
}
