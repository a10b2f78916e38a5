/**
 * A header drawn at office-scanner settings (200 dpi, 1-bit) with the underlines
 * the standard puts under the agency name and the motto, placed so they touch the
 * descenders and dots below, as on real scans.
 */
import sharp, { type OverlayOptions } from 'sharp';
import { HEADER, renderPage } from '../../bench/ocr-synth.js';
import type { PageImage } from '../../src/types.js';

export async function underlinedHeader(options: { dpi?: number; underline?: boolean; overlap?: number } = {}): Promise<{ page: PageImage; truth: string }> {
  const dpi = options.dpi ?? 200;
  const drawn = await renderPage([HEADER], { dpi, marginPx: Math.round(dpi * 0.4) });
  const { data, info } = await sharp(drawn.png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const lines: OverlayOptions[] = [];
  const thick = Math.max(2, Math.round(dpi / 100));
  for (const text of ['Độc lập - Tự do - Hạnh phúc', 'TỈNH QUẢNG BÌNH']) {
    const item = drawn.items.find((i) => i.text === text)!;
    let bottom = item.bbox[1];
    let x0 = Infinity;
    let x1 = -Infinity;
    for (let y = item.bbox[1]; y < item.bbox[3]; y++) {
      for (let x = item.bbox[0]; x < item.bbox[2]; x++) {
        if (data[y * w + x]! < 128) {
          bottom = Math.max(bottom, y);
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
        }
      }
    }
    // Overlap the lowest ink by one pixel: the rule touches the descenders.
    const top = bottom - (options.overlap ?? 1);
    const width = text.startsWith('Độc') ? x1 - x0 : Math.round((x1 - x0) / 2);
    const left = text.startsWith('Độc') ? x0 : Math.round((x0 + x1 - width) / 2);
    lines.push({ input: { create: { width, height: thick, channels: 3, background: '#000000' } }, left, top });
  }
  let img = sharp(drawn.png);
  if (options.underline !== false) img = sharp(await img.composite(lines).png().toBuffer());
  const png = await img.greyscale().threshold(128).withMetadata({ density: dpi }).png().toBuffer();
  return {
    page: { pageNumber: 1, data: new Uint8Array(png), width: drawn.width, height: drawn.height, dpi, origin: 'image-file', pdfRotate: 0 },
    truth: drawn.groundTruth,
  };
}
