/** 8-connected ink components of a grey image, for measures that look at print shape by shape. */
import type { GrayImage } from './gray.js';

/** A component's bounding box (inclusive) and its pixel count. */
export interface InkComponent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/**
 * Calls `visit` with every 8-connected component of the pixels at or below `inkMax`, and
 * with up to `keep` of its pixel indices (row-major): the rest are only counted, so a page
 * of solid ink costs no more memory than a page of letters.
 */
export function forEachInkComponent(img: GrayImage, inkMax: number, visit: (c: InkComponent, pixels: readonly number[]) => void, keep = 0): void {
  const { data, width: w, height: h } = img;
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  const pixels: number[] = [];
  for (let start = 0; start < data.length; start++) {
    if (seen[start] || data[start]! > inkMax) continue;
    seen[start] = 1;
    stack.length = 0;
    pixels.length = 0;
    stack.push(start);
    const c: InkComponent = { x0: w, y0: h, x1: -1, y1: -1, area: 0 };
    while (stack.length) {
      const p = stack.pop()!;
      if (c.area < keep) pixels.push(p);
      c.area++;
      const px = p % w;
      const py = (p - px) / w;
      if (px < c.x0) c.x0 = px;
      if (px > c.x1) c.x1 = px;
      if (py < c.y0) c.y0 = py;
      if (py > c.y1) c.y1 = py;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = py + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = px + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (!seen[q] && data[q]! <= inkMax) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    visit(c, pixels);
  }
}
