/** The page as a viewer shows it: crop box (within the media box) and /Rotate, inherited values included. */
import { PDFNumber, type PDFArray, type PDFPage } from 'pdf-lib';
import type { PageFrame } from './placement.js';

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
