/**
 * Orientation and skew on the fixture scans (noisy, skewed, 200 dpi "heavy" set
 * and the vector-rendered page), each turned by 0/90/180/270°.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGray, detectOrientation, flattenAndNormalize, flattenBackground, rotateRight, speckleRatio, SPECKLE_THRESHOLD } from '../src/image/index.js';
import { readPages } from '../src/pdf/index.js';

const list = (dir: string, keep: (f: string) => boolean): string[] =>
  existsSync(join('fixtures', dir)) ? readdirSync(join('fixtures', dir)).filter(keep).map((f) => join('fixtures', dir, f)) : [];
const files = [...list('heavy', (f) => f.endsWith('.pdf')), ...list('special', (f) => f.startsWith('vector-') && f.endsWith('.pdf'))];

describe.skipIf(files.length === 0)('orientation on fixture scans', () => {
  it.each(files)('%s: every quarter turn is undone, skew is unchanged by the turn', async (file) => {
    for await (const page of readPages(file)) {
      const gray = flattenBackground(await decodeGray(page.data), { dpi: page.dpi });
      const skews: number[] = [];
      for (const q of [0, 1, 2, 3] as const) {
        const o = detectOrientation(rotateRight(gray, q), { dpi: page.dpi });
        expect(o.rotation, `turned ${q * 90}°`).toBe(((4 - q) % 4) * 90);
        skews.push(o.skew.angle);
      }
      // The same page measured four ways agrees to within 0.1°.
      expect(Math.max(...skews) - Math.min(...skews)).toBeLessThanOrEqual(0.1);
    }
  });
});

const graded = [...list('moderate', (f) => f.endsWith('.pdf')), ...list('heavy', (f) => f.endsWith('.pdf'))];

describe.skipIf(graded.length === 0)('auto denoise on fixture scans', () => {
  it('fires on the speckled "heavy" scans and not on the "moderate" ones', async () => {
    for (const file of graded) {
      for await (const page of readPages(file)) {
        const ratio = speckleRatio(flattenAndNormalize(await decodeGray(page.data), { dpi: page.dpi }).image);
        if (file.includes('/heavy/')) expect(ratio, file).toBeGreaterThan(SPECKLE_THRESHOLD);
        else expect(ratio, file).toBeLessThan(SPECKLE_THRESHOLD);
      }
    }
  });
});
