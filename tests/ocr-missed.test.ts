import { describe, expect, it } from 'vitest';
import { findMissedInk, findPageNumberInk, type InkImage } from '../src/ocr/missed.js';
import type { BBox } from '../src/types.js';

/** White page with "words": 2 px strokes every 8 px (a quarter of the box is ink, as in print), in the given boxes. */
function page(width: number, height: number, words: BBox[], solid: BBox[] = []): InkImage {
  const data = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, x1, y1] of words) {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if ((x - x0) % 8 < 2) data[y * width + x] = 0;
  }
  for (const [x0, y0, x1, y1] of solid) for (let y = y0; y < y1; y++) data.fill(0, y * width + x0, y * width + x1);
  return { data, width, height };
}

describe('findMissedInk', () => {
  const line = (y: number, x0 = 100, x1 = 700): BBox[] => [
    [x0, y, x0 + (x1 - x0) / 2 - 8, y + 24],
    [x0 + (x1 - x0) / 2 + 8, y, x1, y + 24],
  ];

  it('returns the lines no engine box covers and nothing where every line was read', () => {
    const body = [...line(100), ...line(140), ...line(180)];
    const signer = [...line(400, 450, 700), ...line(440, 470, 680)];
    const img = page(800, 600, [...body, ...signer]);
    const read: BBox[] = [
      [100, 100, 700, 124],
      [100, 140, 700, 164],
      [100, 180, 700, 204],
    ];
    const regions = findMissedInk(img, read, { lineHeight: 24 });
    expect(regions).toHaveLength(1);
    const [x0, y0, x1, y1] = regions[0]!;
    // One region holding both signer lines, padded, not reaching the body.
    expect(x0).toBeLessThanOrEqual(450);
    expect(x1).toBeGreaterThanOrEqual(700);
    expect(y0).toBeLessThanOrEqual(400);
    expect(y1).toBeGreaterThanOrEqual(464);
    expect(y0).toBeGreaterThan(204);
    expect(findMissedInk(img, [...read, [450, 400, 700, 464]], { lineHeight: 24 })).toEqual([]);
  });

  it('ignores a thin rule, specks and a solid black border', () => {
    const img = page(800, 600, [], [
      [100, 300, 700, 303], // underline-like rule
      [0, 0, 800, 40], // scanner's black edge
      [400, 500, 403, 503], // speck
    ]);
    expect(findMissedInk(img, [], { lineHeight: 24 })).toEqual([]);
  });
});

describe('findPageNumberInk', () => {
  const body: BBox[] = [
    [100, 100, 700, 124],
    [100, 140, 700, 164],
    [100, 180, 700, 204],
  ];

  it('finds a lone figure at the top centre above the first line read, and nothing else', () => {
    const img = page(800, 300, [...body, [392, 40, 408, 62]]);
    const box = findPageNumberInk(img, body, { lineHeight: 24 });
    expect(box).not.toBeNull();
    const [x0, y0, x1, y1] = box!;
    expect(x0).toBeLessThanOrEqual(392);
    expect(x1).toBeGreaterThanOrEqual(408);
    expect(y0).toBeLessThanOrEqual(40);
    expect(y1).toBeGreaterThanOrEqual(62);
    expect(y1).toBeLessThan(100);
    // Read already (a line covers it), off centre, or a rule across the margin: not a page number.
    expect(findPageNumberInk(img, [[392, 40, 408, 62], ...body], { lineHeight: 24 })).toBeNull();
    expect(findPageNumberInk(page(800, 300, [...body, [120, 40, 136, 62]]), body, { lineHeight: 24 })).toBeNull();
    expect(findPageNumberInk(page(800, 300, body, [[200, 50, 600, 53]]), body, { lineHeight: 24 })).toBeNull();
    expect(findPageNumberInk(page(800, 300, body), body, { lineHeight: 24 })).toBeNull();
  });
});
