import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { orientPixels, placeImage, sharpOps, type Orientation } from '../src/pdf/placement.js';

const ALL: Orientation[] = [false, true].flatMap((swap) =>
  [false, true].flatMap((flipX) => [false, true].map((flipY) => ({ swap, flipX, flipY }))),
);

describe('placement', () => {
  it('sharpOps reproduces orientPixels for all eight orientations', async () => {
    const w = 7;
    const h = 5;
    for (const channels of [1, 3] as const) {
      const src = Uint8Array.from({ length: w * h * channels }, (_, i) => (i * 37 + 11) % 251);
      for (const o of ALL) {
        const ref = orientPixels(src, w, h, channels, o);
        const { angle, flop } = sharpOps(o);
        let s = sharp(src, { raw: { width: w, height: h, channels } }).rotate(angle);
        if (flop) s = s.flop();
        const { data, info } = await s.toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
        expect([info.width, info.height], JSON.stringify(o)).toEqual([ref.width, ref.height]);
        expect(Buffer.from(data).equals(Buffer.from(ref.data)), JSON.stringify(o)).toBe(true);
      }
    }
  });

  it('places an A4 scan under /Rotate 90 and a quarter-turned cm', () => {
    const a4 = { box: [0, 0, 595, 842] as [number, number, number, number], rotate: 90 as const };
    const plain = placeImage([595, 0, 0, 842, 0, 0], a4)!;
    expect(plain.orientation).toEqual({ swap: true, flipX: true, flipY: false });
    expect([plain.pageWidthPt, plain.pageHeightPt, plain.widthPt, plain.heightPt]).toEqual([842, 595, 842, 595]);
    expect(plain.coverage).toBeCloseTo(1, 6);
    // half the page: coverage 0.5
    const half = placeImage([297.5, 0, 0, 842, 0, 0], { box: [0, 0, 595, 842], rotate: 0 })!;
    expect(half.coverage).toBeCloseTo(0.5, 6);
    // skewed by 10°: not axis-aligned
    const r = (10 * Math.PI) / 180;
    expect(placeImage([595 * Math.cos(r), 595 * Math.sin(r), -842 * Math.sin(r), 842 * Math.cos(r), 0, 0], { box: [0, 0, 595, 842], rotate: 0 })).toBeUndefined();
  });
});
