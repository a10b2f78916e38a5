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
  // Bilinear sample at (x, y); neighbours outside the image count as white paper.
  const sampleEdge = (x: number, y: number): number => {
    if (x <= -1 || y <= -1 || x >= w || y >= h) return 255;
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const i = y0 * w + x0;
    const p00 = x0 >= 0 && y0 >= 0 ? data[i]! : 255;
    const p10 = x0 + 1 < w && y0 >= 0 ? data[i + 1]! : 255;
    const p01 = x0 >= 0 && y0 + 1 < h ? data[i + w]! : 255;
    const p11 = x0 + 1 < w && y0 + 1 < h ? data[i + w + 1]! : 255;
    const top = p00 + (p10 - p00) * fx;
    const bot = p01 + (p11 - p01) * fx;
    return (top + (bot - top) * fy + 0.5) | 0;
  };
  for (let Y = 0; Y < H; Y++) {
    const dy = Y - cY;
    // Inverse: x = cx + cos·dX + sin·dY;  y = cy − sin·dX + cos·dY, stepping X by one.
    const xStart = cx - cos * cX + sin * dy;
    const yStart = cy + sin * cX + cos * dy;
    // X range whose four neighbours are all inside: 0 ≤ x ≤ w−2 and 0 ≤ y ≤ h−2.
    let lo = 0;
    let hi = W - 1;
    const clip = (start: number, step: number, min: number, max: number): void => {
      if (Math.abs(step) < 1e-12) {
        if (start < min || start > max) hi = -1;
        return;
      }
      const a = (min - start) / step;
      const b = (max - start) / step;
      lo = Math.max(lo, Math.ceil(Math.min(a, b) + 1e-9));
      hi = Math.min(hi, Math.floor(Math.max(a, b) - 1e-9));
    };
    clip(xStart, cos, 0, w - 2);
    clip(yStart, -sin, 0, h - 2);
    const o = Y * W;
    const edgeEnd = hi >= lo ? lo : W;
    for (let X = 0; X < edgeEnd; X++) out[o + X] = sampleEdge(xStart + X * cos, yStart - X * sin);
    if (hi >= lo) {
      let x = xStart + lo * cos;
      let y = yStart - lo * sin;
      for (let X = lo; X <= hi; X++, x += cos, y -= sin) {
        const x0 = x | 0;
        const y0 = y | 0;
        const fx = x - x0;
        const fy = y - y0;
        const i = y0 * w + x0;
        const p00 = data[i]!;
        const p10 = data[i + 1]!;
        const p01 = data[i + w]!;
        const p11 = data[i + w + 1]!;
        const top = p00 + (p10 - p00) * fx;
        const bot = p01 + (p11 - p01) * fx;
        out[o + X] = (top + (bot - top) * fy + 0.5) | 0;
      }
      for (let X = hi + 1; X < W; X++) out[o + X] = sampleEdge(xStart + X * cos, yStart - X * sin);
    }
  }
  return { image: { data: out, width: W, height: H }, forward };
}
