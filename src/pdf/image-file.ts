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
export const DEFAULT_DPI = 300;

/**
 * The file's density when it is believable, else 300. Writers stamp 72 or 96
 * by default (sharp, many phone apps), so a density that makes a 2480-pixel
 * scan 34 inches wide is a placeholder, not a measurement.
 */
export function plausibleDpi(density: number | undefined, width: number, height: number): number {
  if (density === undefined || !(density >= MIN_PLAUSIBLE_DPI && density <= MAX_PLAUSIBLE_DPI)) return DEFAULT_DPI;
  if (Math.max(width, height) / density > MAX_PAGE_INCHES) return DEFAULT_DPI;
  return Math.round(density);
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
export async function readImagePage(bytes: Uint8Array, kind: InputKind, pageNumber: number, file: string): Promise<PageImage> {
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
  const dpi = plausibleDpi(meta.density, width, height);
  const orientation = meta.orientation ?? 1;
  const input = sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_PIXELS, ...(multi ? { page: pageNumber - 1 } : {}) });
  try {
    if (!multi && orientation === 1 && !meta.hasAlpha) {
      // truncationOf decoded it once already: keep the original bytes.
      return { pageNumber, data: bytes, width, height, dpi, origin: 'image-file', pdfRotate: 0 };
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
