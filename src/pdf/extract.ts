/**
 * The fast, lossless path: a page that is just one scanned image gives that
 * image back at its own resolution — JPEG bytes untouched when no turn is
 * needed — instead of rasterizing it again.
 */
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { PDFArray, PDFBool, PDFDict, PDFName, PDFNumber, PDFRawStream, type PDFPage } from 'pdf-lib';
import { VanbanError } from '../errors.js';
import type { PageImage } from '../types.js';
import { contentBytes, scanContent, type PaintEvent } from './content.js';
import { isIdentity, placeImage, sharpOps, uprightSize, type Orientation, type PageFrame, type Placement } from './placement.js';
import { colorModel, decodeRanges, samplesToPixels, type ColorModel } from './pixels.js';
import { StreamError, decodeStream, dictNumber } from './streams.js';

/** Minimum share of the page a lone image must cover to count as "the scan". */
export const MIN_COVERAGE = 0.85;
/** Above this many pixels per page we refuse (TOO_LARGE). */
export const MAX_PIXELS = 200_000_000;
/** PNG compression: these images are transient, so favour speed. */
const PNG_OPTIONS = { compressionLevel: 2, adaptiveFiltering: false } as const;

function readBox(arr: PDFArray | undefined): [number, number, number, number] | undefined {
  if (!arr || arr.size() < 4) return undefined;
  const v = [0, 1, 2, 3].map((i) => {
    const n = arr.lookup(i);
    return n instanceof PDFNumber ? n.asNumber() : NaN;
  });
  if (v.some((x) => !Number.isFinite(x))) return undefined;
  const [a, b, c, d] = v as [number, number, number, number];
  const box: [number, number, number, number] = [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
  return box[2] - box[0] > 0 && box[3] - box[1] > 0 ? box : undefined;
}

/** Crop box (clipped to the media box) and normalised /Rotate, inherited attributes included. */
export function pageFrame(page: PDFPage): PageFrame {
  let media: [number, number, number, number] | undefined;
  try {
    media = readBox(page.node.MediaBox());
  } catch {
    media = undefined;
  }
  // A missing MediaBox is an error in the file; viewers assume US Letter.
  media ??= [0, 0, 612, 792];
  const crop = readBox(page.node.CropBox());
  let box = media;
  if (crop) {
    const clipped: [number, number, number, number] = [
      Math.max(crop[0], media[0]),
      Math.max(crop[1], media[1]),
      Math.min(crop[2], media[2]),
      Math.min(crop[3], media[3]),
    ];
    if (clipped[2] > clipped[0] && clipped[3] > clipped[1]) box = clipped;
  }
  const r = page.node.Rotate()?.asNumber() ?? 0;
  const norm = ((((Math.round(r / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  return { box, rotate: norm };
}

export function uprightPageSize(frame: PageFrame): { width: number; height: number } {
  return uprightSize(frame);
}

/** Why a page was not taken directly, and at what resolution to render it instead. */
export interface RenderAdvice {
  reason: string;
  /** Native resolution of a lone page-filling image we could not decode ourselves (JBIG2, JPX…): render at it to avoid resampling. */
  dpi?: number;
}

interface Candidate {
  stream: PDFRawStream;
  placement: Placement;
}

/** Finds the page's single full-page image, or says why the page must be rendered. */
/**
 * For a page made only of images (tiled strips, MRC layers: a JPEG background
 * under a JBIG2/CCITT text mask), the resolution to render at: the finest
 * image that covers a real share of the page, clamped to what OCR can use.
 */
function imagesOnlyDpi(events: PaintEvent[], frame: PageFrame): number | undefined {
  if (events.some((e) => e.type === 'text' || e.type === 'paint')) return undefined;
  let best = 0;
  for (const e of events) {
    if (e.type !== 'image') continue;
    const placement = placeImage(e.ctm, frame);
    if (!placement || placement.coverage < 0.05) continue;
    best = Math.max(best, nativeDpi(e.stream.dict, placement, 150, 400) ?? 0);
  }
  return best > 0 ? best : undefined;
}

export function findPageImage(page: PDFPage, frame: PageFrame): Candidate | RenderAdvice {
  const context = page.doc.context;
  const bytes = contentBytes(context, page.node.Contents());
  const events = scanContent(context, bytes, page.node.Resources());
  const imageIndexes = events.flatMap((e, i) => (e.type === 'image' || e.type === 'inline-image' ? [i] : []));
  if (imageIndexes.length === 0) return { reason: 'no image' };
  if (imageIndexes.length > 1) {
    const dpi = imagesOnlyDpi(events, frame);
    return dpi ? { reason: 'several images', dpi } : { reason: 'several images' };
  }
  const at = imageIndexes[0]!;
  const event = events[at]!;
  if (event.type !== 'image') return { reason: 'inline image' };
  if (events.some((e) => e.type === 'text')) return { reason: 'visible text' };
  if (events.some((e, i) => e.type === 'paint' && i > at)) return { reason: 'vector drawing over the image' };
  const placement = placeImage(event.ctm, frame);
  if (!placement) return { reason: 'image drawn at a non-right angle' };
  if (placement.coverage < MIN_COVERAGE) return { reason: `image covers ${(placement.coverage * 100).toFixed(0)}% of the page` };
  if (events.some((e, i) => e.type === 'paint' && i < at) && placement.coverage < 0.98) return { reason: 'vector drawing around the image' };
  const dict = event.stream.dict;
  if (dict.has(PDFName.of('SMask')) || dict.has(PDFName.of('Mask'))) {
    const dpi = nativeDpi(dict, placement);
    return dpi ? { reason: 'masked image', dpi } : { reason: 'masked image' };
  }
  return { stream: event.stream, placement };
}

function hasAdobeMarker(jpeg: Uint8Array): boolean {
  let i = 2;
  while (i + 4 < jpeg.length && jpeg[i] === 0xff) {
    const marker = jpeg[i + 1]!;
    if (marker === 0xda) break; // start of scan: no more headers
    const len = (jpeg[i + 2]! << 8) | jpeg[i + 3]!;
    if (marker === 0xee && Buffer.from(jpeg.subarray(i + 4, i + 9)).toString('latin1') === 'Adobe') return true;
    i += 2 + len;
  }
  return false;
}

function dpiOf(pixels: number, points: number): number {
  return points > 0 ? (pixels * 72) / points : 300;
}

/** Encodes pixels (raw or any sharp input) as PNG, turned upright. */
async function uprightPng(input: Sharp, channels: 1 | 3, o: Orientation): Promise<Extracted> {
  const { angle, flop } = sharpOps(o);
  let s = angle ? input.rotate(angle) : input;
  if (flop) s = s.flop();
  // Without this a 1-channel input is written as RGB.
  s = channels === 1 ? s.toColourspace('b-w') : s.toColourspace('srgb');
  const { data, info } = await s.png(PNG_OPTIONS).toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function rawInput(data: Uint8Array, width: number, height: number, channels: 1 | 3): Sharp {
  return sharp(data, { raw: { width, height, channels } });
}

interface Extracted {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * A cut-off JPEG is damage we must report (a renderer would silently draw half a
 * page). Any other decoder refusal may be a JPEG feature libjpeg lacks, so the
 * page goes to pdfjs instead.
 */
function jpegError(error: unknown): StreamError {
  const message = (error as Error | undefined)?.message ?? String(error);
  const truncated = /premature end|truncat|unexpected end/i.test(message);
  return new StreamError(`JPEG image ${truncated ? 'is truncated' : 'does not decode'} (${message})`, truncated ? 'corrupt' : 'unsupported');
}

async function fromJpeg(jpeg: Uint8Array, dict: PDFDict, model: ColorModel, placement: Placement): Promise<Extracted> {
  let meta: Metadata;
  try {
    meta = await sharp(jpeg).metadata();
  } catch (error) {
    // not even a readable JPEG header: damage, not an exotic feature
    throw new StreamError(`DCTDecode stream is not a JPEG (${(error as Error).message})`, 'corrupt');
  }
  if (meta.format !== 'jpeg' || !meta.width || !meta.height) throw new StreamError('DCTDecode stream is not a JPEG', 'corrupt');
  if (meta.width * meta.height > MAX_PIXELS) throw new StreamError(`JPEG header claims ${meta.width}×${meta.height} pixels`, 'corrupt');
  const channels = meta.channels ?? 3;
  if (model.kind === 'indexed') throw new StreamError('JPEG in an Indexed colour space', 'unsupported');
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new StreamError(`JPEG with ${channels} channels`, 'unsupported');
  // Like viewers, trust the JPEG's own component count over a contradicting /ColorSpace.
  if (model.components !== channels) model = { kind: channels === 1 ? 'gray' : channels === 3 ? 'rgb' : 'cmyk', components: channels };
  const decode = decodeRanges(dict, model, 8);
  const o = placement.orientation;
  const input = sharp(jpeg, { failOn: 'truncated' });
  // PDF viewers ignore EXIF orientation; passing such a JPEG on could get it turned by a later auto-orient.
  const exifTurned = (meta.orientation ?? 1) !== 1;
  if (!decode && isIdentity(o) && (channels === 1 || channels === 3) && !exifTurned) {
    // Decode (at 1/8 scale: every entropy-coded byte is still read) to catch truncation, keep the bytes.
    try {
      await input.resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    } catch (error) {
      throw jpegError(error);
    }
    return { data: jpeg, width: meta.width, height: meta.height };
  }
  if (!decode && channels !== 4) {
    try {
      return await uprightPng(input, channels === 1 ? 1 : 3, o);
    } catch (error) {
      throw jpegError(error);
    }
  }
  let raw: Buffer;
  let info: OutputInfo;
  try {
    const pipeline = channels === 4 ? input.pipelineColourspace('cmyk').toColourspace('cmyk') : input.toColourspace(channels === 1 ? 'b-w' : 'srgb');
    ({ data: raw, info } = await pipeline.raw().toBuffer({ resolveWithObject: true }));
  } catch (error) {
    throw jpegError(error);
  }
  let pixels = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  let outChannels: 1 | 3;
  if (info.channels === 4) {
    // PDF semantics: the Adobe APP14 marker does not invert CMYK (libjpeg/libvips does), /Decode does.
    const undoAdobe = hasAdobeMarker(jpeg);
    const flip = [0, 1, 2, 3].map((c) => (undoAdobe !== Boolean(decode && decode[c]![0] > decode[c]![1]) ? 255 : 0));
    const [f0, f1, f2, f3] = flip as [number, number, number, number];
    const rgb = new Uint8Array(info.width * info.height * 3);
    for (let p = 0, q = 0; p < pixels.length; p += 4, q += 3) {
      const k = 255 - (pixels[p + 3]! ^ f3);
      rgb[q] = ((255 - (pixels[p]! ^ f0)) * k) / 255;
      rgb[q + 1] = ((255 - (pixels[p + 1]! ^ f1)) * k) / 255;
      rgb[q + 2] = ((255 - (pixels[p + 2]! ^ f2)) * k) / 255;
    }
    pixels = rgb;
    outChannels = 3;
  } else if (info.channels === channels) {
    outChannels = channels === 1 ? 1 : 3;
    // (decode is set here: the plain case went through uprightPng above)
    pixels = samplesToPixels(pixels, info.width, info.height, 8, model, decode).data;
  } else {
    throw new StreamError(`JPEG decoded to ${info.channels} channels`, 'unsupported');
  }
  return uprightPng(rawInput(pixels, info.width, info.height, outChannels), outChannels, o);
}

/**
 * Wraps a CCITT Group 4 stream in a one-strip TIFF so libtiff (inside sharp)
 * decodes it: exact pixels, no re-rendering. Group 3 and byte-aligned data are
 * left to the renderer.
 */
function ccittTiff(data: Uint8Array, width: number, height: number): Uint8Array {
  const tags: Array<[tag: number, type: 3 | 4, value: number]> = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 1],
    [259, 3, 4], // CCITT T.6 (Group 4)
    [262, 3, 0], // WhiteIsZero: white-coded runs decode to white
    [273, 4, 0], // strip offset, patched below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, data.length],
    [293, 4, 0],
  ];
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const out = Buffer.alloc(dataOffset + data.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(tag === 273 ? dataOffset : value, at + 8);
  });
  out.set(data, dataOffset);
  return out;
}

async function fromCcitt(data: Uint8Array, parms: PDFDict | undefined, dict: PDFDict, model: ColorModel, placement: Placement): Promise<Extracted> {
  const width = dictNumber(dict, 'Width', 0);
  const height = dictNumber(dict, 'Height', 0);
  const k = dictNumber(parms, 'K', 0);
  const columns = dictNumber(parms, 'Columns', 1728);
  const aligned = parms?.lookup(PDFName.of('EncodedByteAlign')) === PDFBool.True;
  if (k >= 0 || aligned || columns !== width || model.kind !== 'gray') throw new StreamError('CCITT image other than plain Group 4', 'unsupported');
  let pixels: Buffer;
  try {
    const { data: raw, info } = await sharp(ccittTiff(data, width, height), { failOn: 'error' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== 1) throw new Error(`decoded as ${info.width}×${info.height}×${info.channels}`);
    pixels = raw;
  } catch (error) {
    throw new StreamError(`CCITT image does not decode (${(error as Error).message})`, 'corrupt');
  }
  // Shown white where the filter's output bit is 1 after /Decode: BlackIs1 and an inverted /Decode each flip it.
  const blackIs1 = parms?.lookup(PDFName.of('BlackIs1')) === PDFBool.True;
  const decode = decodeRanges(dict, model, 1);
  const inverted = Boolean(decode && decode[0]![0] > decode[0]![1]);
  let input = sharp(pixels, { raw: { width, height, channels: 1 } });
  if (blackIs1 !== inverted) input = input.negate();
  return uprightPng(input, 1, placement.orientation);
}

async function fromSamples(samples: Uint8Array, dict: PDFDict, model: ColorModel, placement: Placement, stencil = false): Promise<Extracted> {
  const width = dictNumber(dict, 'Width', 0);
  const height = dictNumber(dict, 'Height', 0);
  const bpc = stencil ? 1 : dictNumber(dict, 'BitsPerComponent', 8);
  const px = samplesToPixels(samples, width, height, bpc, model, decodeRanges(dict, model, bpc));
  return uprightPng(rawInput(px.data, px.width, px.height, px.channels), px.channels, placement.orientation);
}

/**
 * Resolution to render a page at when its content cannot be read (encrypted
 * streams): that of its only image XObject, if it has exactly one, assuming it
 * fills the page.
 */
export function renderDpiHint(page: PDFPage): number | undefined {
  const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return undefined;
  const images = xobjects
    .values()
    .map((v) => page.doc.context.lookup(v))
    .filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.lookup(PDFName.of('Subtype')) === PDFName.of('Image'));
  if (images.length !== 1) return undefined;
  const { width, height } = uprightSize(pageFrame(page));
  const w = dictNumber(images[0]!.dict, 'Width', 0);
  const h = dictNumber(images[0]!.dict, 'Height', 0);
  const dpi = (Math.max(w, h) * 72) / Math.max(width, height);
  return Number.isFinite(dpi) && dpi > 0 ? Math.round(Math.min(600, Math.max(150, dpi))) : undefined;
}

/** Off by at most this many pixels on each side, the image is taken as the page (scanner rounding). */
const EDGE_TOLERANCE_PX = 3;

/**
 * When the scan does not exactly fill the page (margins, or bleed past the crop
 * box), lay it on white paper of the page's size at the scan's resolution, so
 * that for every PageImage, pixels × 72 / dpi = page size — the OCR boxes and
 * the searchable PDF then line up with the original page.
 */
async function fillPage(img: Extracted, p: Placement, dpiX: number, dpiY: number): Promise<Extracted> {
  const pageW = Math.round((p.pageWidthPt * dpiX) / 72);
  const pageH = Math.round((p.pageHeightPt * dpiY) / 72);
  const left = Math.round((p.leftPt * dpiX) / 72);
  const top = Math.round((p.topPt * dpiY) / 72);
  const right = pageW - (left + img.width);
  const bottom = pageH - (top + img.height);
  if ([left, top, right, bottom].every((d) => Math.abs(d) <= EDGE_TOLERANCE_PX)) return img;
  if (pageW * pageH > MAX_PIXELS) throw new StreamError(`page at the scan's resolution would be ${pageW}×${pageH} pixels`, 'unsupported');
  let s = sharp(img.data);
  const cut = { left: Math.max(0, -left), top: Math.max(0, -top), right: Math.max(0, -right), bottom: Math.max(0, -bottom) };
  if (cut.left || cut.top || cut.right || cut.bottom) {
    const width = img.width - cut.left - cut.right;
    const height = img.height - cut.top - cut.bottom;
    if (width <= 0 || height <= 0) throw new StreamError('image lies outside the page', 'unsupported');
    s = sharp(await s.extract({ left: cut.left, top: cut.top, width, height }).toBuffer());
  }
  const meta = await s.metadata();
  const gray = meta.channels === 1 || meta.space === 'b-w';
  const { data, info } = await s
    .extend({ left: Math.max(0, left), top: Math.max(0, top), right: Math.max(0, right), bottom: Math.max(0, bottom), background: '#ffffff' })
    .toColourspace(gray ? 'b-w' : 'srgb')
    .png(PNG_OPTIONS)
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Native dpi of an image as placed, for rendering it without resampling (clamped to sane values). */
function nativeDpi(dict: PDFDict, placement: Placement, min = 150, max = 600): number | undefined {
  const w = dictNumber(dict, 'Width', 0);
  const h = dictNumber(dict, 'Height', 0);
  const swap = placement.orientation.swap;
  const dpi = (dpiOf(swap ? h : w, placement.widthPt) + dpiOf(swap ? w : h, placement.heightPt)) / 2;
  return Number.isFinite(dpi) && dpi > 0 ? Math.round(Math.min(max, Math.max(min, dpi))) : undefined;
}

/**
 * The page's scan as an upright PageImage, or advice to render the page. Throws
 * VanbanError CORRUPT/TOO_LARGE when the image is there but broken or absurd.
 */
export async function extractPageImage(page: PDFPage, pageNumber: number, file: string): Promise<PageImage | RenderAdvice> {
  const frame = pageFrame(page);
  let found: Candidate | RenderAdvice;
  try {
    found = findPageImage(page, frame);
  } catch (error) {
    if (error instanceof StreamError && error.kind === 'unsupported') return { reason: error.message };
    throw new VanbanError('CORRUPT', `page ${pageNumber}: content stream is damaged (${(error as Error).message})`, { file, cause: error });
  }
  if ('reason' in found) return found;
  const { stream, placement } = found;
  const dict = stream.dict;
  const w = dictNumber(dict, 'Width', 0);
  const h = dictNumber(dict, 'Height', 0);
  if (!(w > 0 && h > 0)) throw new VanbanError('CORRUPT', `page ${pageNumber}: image has no valid /Width and /Height`, { file });
  if (w * h > MAX_PIXELS) {
    throw new VanbanError('TOO_LARGE', `page ${pageNumber}: image is ${w}×${h} pixels, over the ${MAX_PIXELS / 1e6} megapixel limit`, { file });
  }
  const advice = (reason: string): RenderAdvice => {
    const dpi = nativeDpi(dict, placement);
    return dpi ? { reason, dpi } : { reason };
  };
  try {
    // A stencil mask paints its 0 samples in the fill colour (black, on a scan) over white paper:
    // the same pixels as a 1-bit DeviceGray image.
    const stencil = dict.lookup(PDFName.of('ImageMask')) === PDFBool.True;
    if (stencil && dictNumber(dict, 'BitsPerComponent', 1) !== 1) return advice('stencil mask with more than 1 bit');
    const model: ColorModel = stencil ? { kind: 'gray', components: 1 } : colorModel(dict.lookup(PDFName.of('ColorSpace')) ?? dict.lookup(PDFName.of('CS')));
    const decoded = decodeStream(stream);
    let out: Extracted;
    if (decoded.codec === 'DCTDecode') out = await fromJpeg(decoded.data, dict, model, placement);
    else if (decoded.codec === 'CCITTFaxDecode') out = await fromCcitt(decoded.data, decoded.parms, dict, model, placement);
    else if (decoded.codec) return advice(`${decoded.codec} image`);
    else out = await fromSamples(decoded.data, dict, model, placement, stencil);
    const dpiX = dpiOf(out.width, placement.widthPt);
    const dpiY = dpiOf(out.height, placement.heightPt);
    out = await fillPage(out, placement, dpiX, dpiY);
    return {
      pageNumber,
      data: out.data,
      width: out.width,
      height: out.height,
      dpi: Math.round((dpiX + dpiY) / 2),
      origin: 'embedded-image',
      pdfRotate: frame.rotate,
      pageSizePt: { width: placement.pageWidthPt, height: placement.pageHeightPt },
    };
  } catch (error) {
    if (error instanceof StreamError) {
      if (error.kind === 'unsupported') return advice(error.message);
      throw new VanbanError('CORRUPT', `page ${pageNumber}: ${error.message}; the file is damaged — re-scan or re-export it`, { file, cause: error });
    }
    throw error;
  }
}
