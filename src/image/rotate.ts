/** Small-angle rotation (deskew) with bilinear resampling onto a white, enlarged canvas. */
import type { Affine } from '../types.js';
import type { GrayImage } from './gray.js';

export interface Rotated {
  image: GrayImage;
  /** Forward map: input pixel → output pixel. */
  forward: Affine;
}

/**
 * Rotates clockwise (as seen on screen) by `angleDeg`; a page whose lines rise
 * to the right by s° is levelled by rotate(img, s). The canvas grows to hold
 * the whole input; uncovered area is white.
 */
export function rotateGray(img: GrayImage, angleDeg: number): Rotated {
  const { width: w, height: h, data } = img;
  const r = (angleDeg * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  const W = Math.ceil(w * Math.abs(cos) + h * Math.abs(sin) - 1e-6);
  const H = Math.ceil(w * Math.abs(sin) + h * Math.abs(cos) - 1e-6);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cX = (W - 1) / 2;
  const cY = (H - 1) / 2;
  // Forward: X = cX + cos·(x−cx) − sin·(y−cy);  Y = cY + sin·(x−cx) + cos·(y−cy).
  const forward: Affine = [cos, sin, -sin, cos, cX - cos * cx + sin * cy, cY - sin * cx - cos * cy];
  const out = new Uint8Array(W * H);
  out.fill(255);
  for (let Y = 0; Y < H; Y++) {
    const dy = Y - cY;
    // Inverse: x = cx + cos·dX + sin·dY;  y = cy − sin·dX + cos·dY.
    let x = cx - cos * cX + sin * dy;
    let y = cy + sin * cX + cos * dy;
    const o = Y * W;
    for (let X = 0; X < W; X++, x += cos, y -= sin) {
      if (x <= -1 || y <= -1 || x >= w || y >= h) continue;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const i = y0 * w + x0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // Interior fast path.
        const p00 = data[i]!;
        const p10 = data[i + 1]!;
        const p01 = data[i + w]!;
        const p11 = data[i + w + 1]!;
        const top = p00 + (p10 - p00) * fx;
        const bot = p01 + (p11 - p01) * fx;
        out[o + X] = (top + (bot - top) * fy + 0.5) | 0;
        continue;
      }
      const inX0 = x0 >= 0;
      const inX1 = x0 + 1 < w;
      const inY0 = y0 >= 0;
      const inY1 = y0 + 1 < h;
      const p00 = inX0 && inY0 ? data[i]! : 255;
      const p10 = inX1 && inY0 ? data[i + 1]! : 255;
      const p01 = inX0 && inY1 ? data[i + w]! : 255;
      const p11 = inX1 && inY1 ? data[i + w + 1]! : 255;
      const top = p00 + (p10 - p00) * fx;
      const bot = p01 + (p11 - p01) * fx;
      out[o + X] = (top + (bot - top) * fy + 0.5) | 0;
    }
  }
  return { image: { data: out, width: W, height: H }, forward };
}
