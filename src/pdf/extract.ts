/**
 * The fast, lossless path: a page that is just one scanned image gives that
 * image back at its own resolution — JPEG bytes untouched when no turn is
 * needed — instead of rasterizing it again.
 */
import sharp from 'sharp';
import { PDFBool, PDFDict, PDFName, PDFRawStream, type PDFPage } from 'pdf-lib';
import { VanbanError } from '../errors.js';
import type { PageImage } from '../types.js';
import { fromCcitt } from './ccitt.js';
import { contentBytes, scanContent, type PaintEvent } from '../pdfdoc/content.js';
import { PNG_OPTIONS, rawInput, uprightPng, type Extracted } from './encode.js';
import { pageFrame } from './frame.js';
import { truncationOf } from './complete.js';
import { fromJpeg } from './jpeg.js';
import { MAX_PIXELS, oneLine } from './limits.js';
import { placeImage, uprightSize, type PageFrame, type Placement } from './placement.js';
import { colorModel, decodeRanges, samplesToPixels, type ColorModel } from './pixels.js';
import { StreamError, decodeStream, dictNumber } from '../pdfdoc/streams.js';

export { MAX_PIXELS } from './limits.js';

/** Minimum share of the page a lone image must cover to count as "the scan". */
export const MIN_COVERAGE = 0.85;

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

/** Finds the page's single full-page image, or says why the page must be rendered. */
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

function dpiOf(pixels: number, points: number): number {
  return points > 0 ? (pixels * 72) / points : 300;
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
    throw new VanbanError('CORRUPT', `page ${pageNumber}: content stream is damaged (${oneLine((error as Error).message)})`, { file, cause: error });
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
      if (error.kind === 'too-large') {
        throw new VanbanError('TOO_LARGE', `page ${pageNumber}: ${error.message}; leave the page out (ReadPagesOptions.pages) or scale the scan down`, { file, cause: error });
      }
      throw new VanbanError('CORRUPT', `page ${pageNumber}: ${error.message}; the file is damaged — re-scan or re-export it`, { file, cause: error });
    }
    throw error;
  }
}

/**
 * Before a page is rendered: a renderer draws a cut-off JPEG as a grey lower
 * half without complaint, so every JPEG image the page's resources hold is
 * checked for completeness first (CORRUPT naming the page if one is cut off).
 */
export async function checkPageJpegs(page: PDFPage, pageNumber: number, file: string): Promise<void> {
  const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return;
  for (const value of xobjects.values()) {
    const stream = page.doc.context.lookup(value);
    if (!(stream instanceof PDFRawStream) || stream.dict.lookup(PDFName.of('Subtype')) !== PDFName.of('Image')) continue;
    let decoded;
    try {
      decoded = decodeStream(stream);
    } catch {
      continue; // the renderer reports what it cannot read
    }
    if (decoded.codec !== 'DCTDecode') continue;
    const cut = await truncationOf(decoded.data);
    if (cut) throw new VanbanError('CORRUPT', `page ${pageNumber}: JPEG image is truncated: its data ends before its last row (${cut}); the file is damaged — re-scan or re-export it`, { file });
  }
}
