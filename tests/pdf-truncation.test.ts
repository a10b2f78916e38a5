import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { truncationOf } from '../src/pdf/complete.js';

describe('a truncated JPEG is caught however busy the decoder is', () => {
  it('finds the cut in every one of many checks run beside good decodes', async () => {
    const svg = `<svg width="600" height="840"><rect width="600" height="840" fill="#fff"/><text x="40" y="80" font-size="36">Kế hoạch</text><rect x="0" y="450" width="600" height="390" fill="#333"/></svg>`;
    const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
    // The first half of the scan and an end marker: a structurally valid file with half a page.
    const half = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? truncationOf(half) : sharp(jpeg).resize(100).toBuffer().then(() => 'good decode'))),
    );
    const checks = results.filter((_, i) => i % 2 === 1);
    expect(checks.every((m) => typeof m === 'string' && /premature end/.test(m))).toBe(true);
    expect(await truncationOf(jpeg)).toBeUndefined();
  });
});
