/**
 * Print the engine's page segmentation left out. Tesseract classes a region crossed
 * by a seal or a signature as a picture and returns no line there, so the signer's
 * title and name under a round seal vanish from the text (on the dev split, most
 * grey and 1-bit pages with a seal lost their whole signer block). This finds ink
 * that no engine line covers, so that only those regions are read again.
 */
import type { BBox } from '../types.js';

export interface InkImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface MissedInkOptions {
  /** Median printed line height in pixels, the unit of every size here. */
  lineHeight: number;
  /** Pixels at or below this grey are ink (prepared pages are normalized: ink near 0). Default 110. */
  inkLevel?: number;
  /** Most regions returned, largest first (each costs one small OCR call). Default 3. */
  maxRegions?: number;
}

/**
 * Regions of ink outside every box in `covered` (boxes in the image's pixels), at least
 * two line heights wide and half a line high, padded by half a line and clipped to the image.
 * Thin rules, specks and solid black borders are not returned.
 */
export function findMissedInk(img: InkImage, covered: readonly BBox[], options: MissedInkOptions): BBox[] {
  const { width: w, height: h, data } = img;
  const lh = Math.max(6, options.lineHeight);
  const level = options.inkLevel ?? 110;
  const c = Math.max(3, Math.round(lh / 3));
  const gw = Math.ceil(w / c);
  const gh = Math.ceil(h / c);
  const ink = new Uint16Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const gy = Math.floor(y / c) * gw;
    for (let x = 0; x < w; x++) if (data[row + x]! <= level) ink[gy + Math.floor(x / c)]!++;
  }
  const minInk = Math.max(2, Math.round(0.04 * c * c));
  const on = new Uint8Array(gw * gh);
  for (let i = 0; i < on.length; i++) on[i] = ink[i]! >= minInk ? 1 : 0;
  // Cells under an engine line (grown by a fraction of a line: accents and descenders) are read.
  for (const [x0, y0, x1, y1] of covered) {
    const cx0 = Math.max(0, Math.floor((x0 - 0.5 * lh) / c));
    const cx1 = Math.min(gw - 1, Math.floor((x1 + 0.5 * lh) / c));
    const cy0 = Math.max(0, Math.floor((y0 - 0.3 * lh) / c));
    const cy1 = Math.min(gh - 1, Math.floor((y1 + 0.3 * lh) / c));
    for (let gy = cy0; gy <= cy1; gy++) on.fill(0, gy * gw + cx0, gy * gw + cx1 + 1);
  }
  // Components joined across word gaps (one line height) and the leading between lines of one block.
  const rx = Math.max(1, Math.ceil(lh / c));
  const ry = Math.max(1, Math.ceil((0.75 * lh) / c));
  const seen = new Uint8Array(gw * gh);
  const found: Array<{ box: BBox; cells: number }> = [];
  const stack: number[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    let cx0 = gw;
    let cy0 = gh;
    let cx1 = -1;
    let cy1 = -1;
    let cells = 0;
    let pixels = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const gx = i % gw;
      const gy = (i - gx) / gw;
      cells++;
      pixels += ink[i]!;
      cx0 = Math.min(cx0, gx);
      cx1 = Math.max(cx1, gx);
      cy0 = Math.min(cy0, gy);
      cy1 = Math.max(cy1, gy);
      for (let dy = -ry; dy <= ry; dy++) {
        const ny = gy + dy;
        if (ny < 0 || ny >= gh) continue;
        for (let dx = -rx; dx <= rx; dx++) {
          const nx = gx + dx;
          if (nx < 0 || nx >= gw) continue;
          const j = ny * gw + nx;
          if (on[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    const bw = (cx1 - cx0 + 1) * c;
    const bh = (cy1 - cy0 + 1) * c;
    if (bw < 2 * lh || bh < 0.6 * lh || cells < 6) continue;
    // Text covers a few to a third of its box; a solid border or a photo much more.
    const density = pixels / (bw * bh);
    if (density > 0.45) continue;
    const pad = Math.round(0.5 * lh);
    found.push({
      box: [Math.max(0, cx0 * c - pad), Math.max(0, cy0 * c - pad), Math.min(w, (cx1 + 1) * c + pad), Math.min(h, (cy1 + 1) * c + pad)],
      cells,
    });
  }
  return found
    .sort((a, b) => b.cells - a.cells)
    .slice(0, options.maxRegions ?? 3)
    .map((f) => f.box);
}

/**
 * Where a page number stands that the engine did not read: a small block of ink
 * (a third of a line to three lines wide, half a line to a line and a half high)
 * in the top margin, above every line read, centred on the page (Vietnamese
 * administrative documents number their pages from the second at the top centre).
 * Tesseract's page segmentation often drops such a lone figure. Returns the box,
 * padded by half a line, or null.
 */
export function findPageNumberInk(img: InkImage, covered: readonly BBox[], options: MissedInkOptions): BBox | null {
  const { width: w, data } = img;
  const lh = Math.max(6, options.lineHeight);
  const level = options.inkLevel ?? 110;
  if (covered.length === 0) return null;
  const top = Math.min(...covered.map((b) => b[1]));
  const y1 = Math.round(top - 0.3 * lh);
  if (y1 < lh) return null;
  // Only the middle fifth of the width: a header's left and right columns start further out.
  const x0 = Math.round(0.4 * w);
  const x1 = Math.round(0.6 * w);
  let bx0 = w;
  let by0 = y1;
  let bx1 = -1;
  let by1 = -1;
  let ink = 0;
  for (let y = 0; y < y1; y++) {
    const row = y * w;
    for (let x = x0; x < x1; x++) {
      if (data[row + x]! > level) continue;
      ink++;
      if (x < bx0) bx0 = x;
      if (x > bx1) bx1 = x;
      if (y < by0) by0 = y;
      if (y > by1) by1 = y;
    }
  }
  if (ink === 0) return null;
  const bw = bx1 - bx0 + 1;
  const bh = by1 - by0 + 1;
  // One to three figures; not a speck, a rule or a band of dirt.
  if (bw < 0.25 * lh || bw > 3 * lh || bh < 0.4 * lh || bh > 1.5 * lh || ink < 0.05 * bw * bh) return null;
  const pad = Math.round(0.5 * lh);
  return [Math.max(0, bx0 - pad), Math.max(0, by0 - pad), Math.min(w, bx1 + 1 + pad), Math.min(img.height, by1 + 1 + pad)];
}
