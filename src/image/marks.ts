/**
 * Non-print marks found by colour: red stamps and round seals (con dấu), and
 * blue pen (handwritten notes, signatures). Print is black or dark grey, so a
 * pixel of strong red or blue chroma is not print; it is turned to paper before
 * OCR (black print under a stamp stays dark and unsaturated, so it survives) and
 * the connected regions are listed as marks with their boxes.
 */
import sharp from 'sharp';
import type { BBox, PageMark } from '../types.js';
import type { GrayImage } from './gray.js';

export interface ColourMarks {
  /** Per pixel of the page: 1 where the pixel is stamp or pen colour. */
  mask: Uint8Array;
  width: number;
  height: number;
  marks: PageMark[];
}

/** Chroma (max − min of R, G, B) above which a pixel is coloured ink, not black print or paper. */
const MIN_CHROMA = 70;

type Hue = 0 | 1 | 2; // none, red, blue

function hueOf(r: number, g: number, b: number): Hue {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  // Dark red is black print under a stamp: keep it as print.
  if (max - min < MIN_CHROMA || max < 110) return 0;
  // Red to magenta (stamp ink): red dominates; blue to violet (ballpoint): blue dominates and is not pale.
  if (r === max && r - g >= MIN_CHROMA && b < r - 30) return 1;
  if (b === max && b - r >= 40 && b - g >= 20 && min < 170) return 2;
  return 0;
}

/**
 * Finds coloured marks in an encoded page image; undefined for grey or bilevel
 * inputs (nothing to tell stamp ink from print by).
 */
export async function findColourMarks(bytes: Uint8Array, dpi: number): Promise<ColourMarks | undefined> {
  const meta = await sharp(bytes).metadata();
  if ((meta.channels ?? 1) < 3 || meta.space === 'b-w') return undefined;
  const { data, info } = await sharp(bytes, { limitInputPixels: 400_000_000 }).flatten({ background: '#ffffff' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const c = info.channels;
  const mask = new Uint8Array(w * h);
  // Marks are grouped on a grid of ~1 mm cells: strokes of one stamp or one note are close.
  const cell = Math.max(2, Math.round(dpi / 25));
  const gw = Math.ceil(w / cell);
  const gh = Math.ceil(h / cell);
  const red = new Uint16Array(gw * gh);
  const blue = new Uint16Array(gw * gh);
  let any = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * c;
      const hue = hueOf(data[p]!, data[p + 1]!, data[p + 2]!);
      if (hue === 0) continue;
      mask[y * w + x] = 1;
      any++;
      const g = Math.floor(y / cell) * gw + Math.floor(x / cell);
      if (hue === 1) red[g]!++;
      else blue[g]!++;
    }
  }
  if (any === 0) return { mask, width: w, height: h, marks: [] };
  const marks: PageMark[] = [];
  const minCell = Math.max(2, Math.round(cell * cell * 0.02));
  for (const [grid, kind] of [
    [red, 'red'],
    [blue, 'blue'],
  ] as const) {
    for (const box of mergeOverlapping(components(grid, gw, gh, minCell, 2))) {
      const bbox: BBox = [box.x0 * cell, box.y0 * cell, Math.min(w, (box.x1 + 1) * cell), Math.min(h, (box.y1 + 1) * cell)];
      const bw = (bbox[2] - bbox[0]) / dpi;
      const bh = (bbox[3] - bbox[1]) / dpi;
      // Specks of colour noise (JPEG fringes, a coloured letterhead dot) are not marks.
      if (Math.max(bw, bh) < 0.15 || box.pixels < 40) continue;
      const aspect = Math.max(bw, bh) / Math.max(1e-6, Math.min(bw, bh));
      const fill = box.cells / ((box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1));
      let markKind: PageMark['kind'];
      let confidence: number;
      if (kind === 'red') {
        // A round seal is 1.3–2 in across and about as tall as wide; other red ink is a stamp.
        const round = aspect < 1.25 && Math.min(bw, bh) > 0.9;
        markKind = round ? 'seal' : 'stamp';
        confidence = round ? 0.9 : 0.75;
      } else {
        // Pen: a signature is a wide, loose scrawl in the lower half of the page; else a note.
        const lower = (bbox[1] + bbox[3]) / 2 > 0.45 * h;
        const signature = lower && bw > 0.6 && aspect > 1.3 && fill < 0.6;
        markKind = signature ? 'signature' : 'handwriting';
        confidence = signature ? 0.6 : 0.7;
      }
      marks.push({ kind: markKind, bbox, confidence });
    }
  }
  return { mask, width: w, height: h, marks };
}

interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cells: number;
  pixels: number;
}

/** 8-connected components of grid cells holding at least `min` pixels, joined across gaps of `bridge` cells. */
function components(grid: Uint16Array, gw: number, gh: number, min: number, bridge: number): Component[] {
  const seen = new Uint8Array(gw * gh);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < grid.length; start++) {
    if (seen[start] || grid[start]! < min) continue;
    const comp: Component = { x0: gw, y0: gh, x1: -1, y1: -1, cells: 0, pixels: 0 };
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % gw;
      const y = (i - x) / gw;
      comp.x0 = Math.min(comp.x0, x);
      comp.y0 = Math.min(comp.y0, y);
      comp.x1 = Math.max(comp.x1, x);
      comp.y1 = Math.max(comp.y1, y);
      comp.cells++;
      comp.pixels += grid[i]!;
      for (let dy = -bridge; dy <= bridge; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= gh) continue;
        for (let dx = -bridge; dx <= bridge; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= gw) continue;
          const j = ny * gw + nx;
          if (!seen[j] && grid[j]! >= min) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    out.push(comp);
  }
  return out;
}

/** A seal's inner ring, star and lettering are separate strokes inside its outer ring: one mark. */
function mergeOverlapping(list: Component[]): Component[] {
  const out = [...list];
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length && !merged; j++) {
        const a = out[i]!;
        const b = out[j]!;
        if (a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1) {
          out[i] = { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1), cells: a.cells + b.cells, pixels: a.pixels + b.pixels };
          out.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return out;
}

/** Turns the marked pixels to paper (the gray image must have the mask's size). */
export function eraseMarks(img: GrayImage, marks: ColourMarks): GrayImage {
  if (img.width !== marks.width || img.height !== marks.height) return img;
  const data = new Uint8Array(img.data);
  // Widen by one pixel: JPEG fringes around coloured strokes are darker than paper but not coloured.
  const { width: w, height: h, mask } = marks;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w && img.data[yy * w + xx]! > 60) data[yy * w + xx] = 255;
        }
      }
    }
  }
  return { data, width: w, height: h };
}
