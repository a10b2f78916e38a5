import { describe, expect, it } from 'vitest';
import { createGray, type GrayImage } from '../src/image/gray.js';
import { blurGray } from '../src/image/sharpness.js';
import { imageStats } from '../src/image/stats.js';
import { extractFeatures } from '../src/quality/features.js';
import { predictCer, type QualityModelFile } from '../src/quality/model.js';
import type { ImageStats } from '../src/types.js';

/** A page of vertical bars (strokes `stroke` px wide every 12 px) on rows of "text lines", ink `ink`. */
function bars(stroke: number, ink = 20): GrayImage {
  const img = createGray(600, 400, 235);
  for (let line = 0; line < 8; line++) {
    for (let y = 30 + line * 45; y < 30 + line * 45 + 25; y++) {
      for (let x = 20; x < 580; x += 12) for (let d = 0; d < stroke; d++) img.data[y * 600 + x + d] = ink;
    }
  }
  return img;
}

describe('image stats (issue 15)', () => {
  it('measures blur as a wider ink edge, and resolution-independent widths', async () => {
    // Strokes 5 px wide: print at 300 dpi.
    const sharp = imageStats(bars(5), 300, false);
    const soft = imageStats(await blurGray(bars(5), 1.5), 300, false);
    expect(sharp.edgeWidth).toBeLessThan(1.2);
    expect(soft.edgeWidth).toBeGreaterThan(sharp.edgeWidth + 0.8);
    // The same strokes scanned at 150 dpi are twice as thick in 300-dpi pixels.
    expect(imageStats(bars(5), 150, false).strokeWidth).toBeCloseTo(2 * sharp.strokeWidth, 5);
    expect(sharp.strokeWidth).toBeCloseTo(5, 0);
  });

  it('measures a closing page with a few lines of print (well under 1 % ink) like a full one', () => {
    const sparse = createGray(600, 2000, 235);
    for (let y = 100; y < 125; y++) for (let x = 20; x < 300; x += 12) for (let d = 0; d < 3; d++) sparse.data[y * 600 + x + d] = 20;
    const s = imageStats(sparse, 300, false);
    expect(s.contrast).toBeGreaterThan(0.8);
    expect(s.edgeWidth).toBeGreaterThan(0);
    expect(s.strokeWidth).toBeCloseTo(3, 0);
  });

  it('sees faint print as low contrast', () => {
    expect(imageStats(bars(3, 20), 300, false).contrast).toBeGreaterThan(0.8);
    expect(imageStats(bars(3, 160), 300, false).contrast).toBeLessThan(0.35);
  });
});

describe('quality features from image stats', () => {
  const stats = (o: Partial<ImageStats>): ImageStats => ({ dpi: 300, bilevel: false, edgeWidth: 1, strokeWidth: 5, contrast: 0.7, speckle: 0.02, ...o });
  const text = 'Ủy ban nhân dân tỉnh quyết định giao Sở Nội vụ chủ trì thực hiện.';

  it('turns the measurements into features, 1-bit low resolution as a loss', () => {
    const grey = extractFeatures({ text, image: stats({ dpi: 150 }) });
    expect(grey.imgDpiLog).toBeCloseTo(-1, 6);
    expect(grey.imgBilevel).toBe(0);
    expect(grey.imgBilevelLoss).toBe(0);
    const fax = extractFeatures({ text, image: stats({ dpi: 150, bilevel: true }) });
    expect(fax.imgBilevel).toBe(1);
    expect(fax.imgBilevelLoss).toBeCloseTo(1, 6);
    expect(extractFeatures({ text, image: stats({ dpi: 300, bilevel: true }) }).imgBilevelLoss).toBe(0);
    expect(extractFeatures({ text }).imgEdgeWidth).toBeUndefined();
  });

  it('counts restored words that are still not syllables, and stray punctuation', () => {
    const tokens = ['Ủy', 'bxn', 'nhân', 'dqn'].map((t, i) => ({ original: t, text: t, source: [i], alternatives: [], confidence: i % 2 ? 0.3 : 0.9, changed: false }));
    const f = extractFeatures({ text: 'Ủy bxn nhân dqn ~ | .', restored: { tokens } });
    expect(f.restoredInvalidShare).toBeCloseTo(0.5, 6);
    expect(f.restoreLowConfShare).toBeCloseTo(0.5, 6);
    // "~" and "|" are stray, "." is ordinary punctuation.
    expect(f.strayPunctShare).toBeCloseTo(2 / 7, 6);
  });

  it('a model term "a*b" is the product of two features, and missing when either is', () => {
    const file: QualityModelFile = {
      version: 1,
      threshold: 0.99,
      models: [{ name: 'p', terms: ['confMean*imgBilevel'], mean: [0], scale: [1], weights: [1], bias: -0.5, target: 'cer' }],
    };
    const words = [{ text: 'Ủy', conf: 80 }];
    expect(predictCer(file, extractFeatures({ text, words, image: stats({ bilevel: true }) }))?.cer).toBeCloseTo(0.3, 6);
    expect(predictCer(file, extractFeatures({ text, words, image: stats({}) }))?.cer).toBe(0);
    expect(predictCer(file, extractFeatures({ text, words }))).toBeUndefined();
  });
});
