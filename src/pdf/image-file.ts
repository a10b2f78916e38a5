/**
 * PNG, JPEG and TIFF inputs. A single upright PNG/JPEG is passed on byte for
 * byte; EXIF-rotated images and TIFF pages are decoded and re-encoded as PNG
 * (lossless) so every PageImage is upright and opens as one page.
 */
import sharp, { type Metadata } from 'sharp';
import { VanbanError } from '../errors.js';
import type { PageImage } from '../types.js';
import { truncationOf } from './complete.js';
import { MAX_PIXELS, oneLine } from './limits.js';
import type { InputKind } from './sniff.js';

const MIN_PLAUSIBLE_DPI = 70;
const MAX_PLAUSIBLE_DPI = 4800;
/** Longest side of a plausible document page, in inches (A2 is 23.4). */
const MAX_PAGE_INCHES = 24;
/** Long side of A4 in inches: most administrative documents are A4. */
const A4_LONG_INCHES = 11.69;
/** Densities that writers stamp by default (JFIF, sharp, phone apps, screenshots): not a measurement. */
const PLACEHOLDER_DPI = new Set([72, 96]);

export type DpiSource = NonNullable<PageImage['dpiSource']>;

/**
 * The image's resolution: the file's density when it is believable; else
 * `fallback` (ReadPagesOptions.imageDpi); else assume the long side is an A4
 * page's (11.69 in), which puts an A4 scan at its true dpi and any other page
 * at a size a viewer shows sensibly — never 72 dpi, which makes a phone photo
 * a 13-inch page.
 */
export function imageDpi(density: number | undefined, width: number, height: number, fallback?: number): { dpi: number; source: DpiSource } {
  const usable =
    density !== undefined &&
    density >= MIN_PLAUSIBLE_DPI &&
    density <= MAX_PLAUSIBLE_DPI &&
    !PLACEHOLDER_DPI.has(Math.round(density)) &&
    Math.max(width, height) / density <= MAX_PAGE_INCHES;
  if (usable) return { dpi: Math.round(density), source: 'file' };
  if (fallback !== undefined) return { dpi: fallback, source: 'option' };
  const assumed = Math.round(Math.max(width, height) / A4_LONG_INCHES);
  return { dpi: Math.min(MAX_PLAUSIBLE_DPI, Math.max(MIN_PLAUSIBLE_DPI, assumed)), source: 'assumed-a4' };
}

async function metadata(bytes: Uint8Array, file: string, page?: number): Promise<Metadata> {
  try {
    // Headers only: no pixel limit here, so an over-limit image is reported with its size (TOO_LARGE), not as unreadable.
    return await sharp(bytes, { limitInputPixels: false, ...(page === undefined ? {} : { page }) }).metadata();
  } catch (error) {
    throw new VanbanError('CORRUPT', `the image cannot be read (${oneLine((error as Error).message)})`, { file, cause: error });
  }
}

export async function imagePageCount(bytes: Uint8Array, kind: InputKind, file: string): Promise<number> {
  const meta = await metadata(bytes, file);
  return kind === 'tiff' ? Math.max(1, meta.pages ?? 1) : 1;
}

/** One page of an image file as an upright PageImage. */
export async function readImagePage(bytes: Uint8Array, kind: InputKind, pageNumber: number, file: string, fallbackDpi?: number): Promise<PageImage> {
  const multi = kind === 'tiff';
  const meta = await metadata(bytes, file, multi ? pageNumber - 1 : undefined);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!(width > 0 && height > 0)) throw new VanbanError('CORRUPT', 'the image has no size', { file });
  if (width * height > MAX_PIXELS) {
    throw new VanbanError(
      'TOO_LARGE',
      `${multi ? `page ${pageNumber}: ` : ''}image is ${width}×${height} pixels, over the ${MAX_PIXELS / 1e6} megapixel limit; scale it down (e.g. to 300 dpi) before converting`,
      { file },
    );
  }
  const cut = await truncationOf(bytes, multi ? pageNumber - 1 : undefined);
  if (cut) {
    throw new VanbanError('CORRUPT', `${multi ? `page ${pageNumber}: ` : ''}the image is truncated: its data ends before its last row (${cut}); copy or scan it again`, { file });
  }
  const { dpi, source: dpiSource } = imageDpi(meta.density, width, height, fallbackDpi);
  const orientation = meta.orientation ?? 1;
  const input = sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_PIXELS, ...(multi ? { page: pageNumber - 1 } : {}) });
  try {
    if (!multi && orientation === 1 && !meta.hasAlpha) {
      // truncationOf decoded it once already: keep the original bytes.
      return { pageNumber, data: bytes, width, height, dpi, dpiSource, origin: 'image-file', pdfRotate: 0 };
    }
    // Transparent areas are paper: flatten on white so later grayscale steps do not see black.
    const { data, info } = await (meta.hasAlpha ? input.autoOrient().flatten({ background: '#ffffff' }) : input.autoOrient())
      .png({ compressionLevel: 2, adaptiveFiltering: false })
      .toBuffer({ resolveWithObject: true });
    return {
      pageNumber,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      dpi,
      dpiSource,
      origin: 'image-file',
      pdfRotate: 0,
    };
  } catch (error) {
    const message = oneLine((error as Error).message);
    if (/pixel limit/i.test(message)) {
      throw new VanbanError('TOO_LARGE', `${multi ? `page ${pageNumber}: ` : ''}image is over the ${MAX_PIXELS / 1e6} megapixel limit (${message})`, { file, cause: error });
    }
    throw new VanbanError('CORRUPT', `${multi ? `page ${pageNumber}: ` : ''}the image is truncated or damaged (${message})`, { file, cause: error });
  }
}
