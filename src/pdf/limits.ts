/**
 * Limits shared by the input modules: the pixel budget every page is checked
 * against before anything expensive is decoded or allocated.
 *
 * - A decoded image (scan inside a PDF, PNG/JPEG/TIFF file) may have up to
 *   MAX_PIXELS pixels (A0 at 400 dpi is 218 Mpx; an A3 at 600 dpi 70 Mpx).
 * - A rendered page (vector content, pages we cannot take directly) costs
 *   about 9 bytes a pixel while it is drawn (RGBA canvas, its copy, the
 *   flattened RGB), so it gets a smaller budget: above MAX_RENDER_PIXELS the
 *   dpi is lowered (and the PageImage says so), down to MIN_RENDER_DPI;
 *   a page still over the budget there is refused as TOO_LARGE.
 */

/** Above this many pixels per decoded page image we refuse (TOO_LARGE). */
export const MAX_PIXELS = 200_000_000;
/** Pixels a rendered page may have (A4 at 600 dpi is 34.8 Mpx; A3 at 400 dpi 31 Mpx). */
export const MAX_RENDER_PIXELS = 40_000_000;
/** Never render below this resolution to stay within MAX_RENDER_PIXELS: text would be unreadable. */
export const MIN_RENDER_DPI = 100;

/** libvips and other native libraries report multi-line messages; an error report gets one line. */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter(Boolean)
    .join('; ');
}
