import { describe, expect, it } from 'vitest';
import { createGray, type GrayImage } from '../src/image/gray.js';
import { blurGray } from '../src/image/sharpness.js';
import { imageStats } from '../src/image/stats.js';
import { extractFeatures, fragmentShare, signerGap } from '../src/quality/features.js';
import { estimate } from '../src/quality/estimate.js';
import { loadQualityModel, predictCer, type QualityModelFile } from '../src/quality/model.js';
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

describe('closing-page features (issue 15)', () => {
  const closing = (block: string): string =>
    ['Điều 3. Các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.', 'Nơi nhận:', '- Như Điều 3;', '- Lưu: VT, TH.', block].join('\n');

  it('signerGap: 0 for a whole signature block, ½ without the title or the name, 1 without both, 0 off closing pages', () => {
    expect(signerGap(closing('KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nTrương Thanh Thảo'))).toBe(0);
    expect(signerGap(closing('GIÁM ĐỐC\n4" M ĐỐC\nhanh Thảo'))).toBe(0.5);
    expect(signerGap(closing('ĐỐC\n5 á Thắng'))).toBe(1);
    expect(signerGap(closing(''))).toBe(1);
    // Read right column first: the block above the list counts.
    expect(signerGap(['CHỦ TỊCH', 'Cao Hồng Quân', 'Nơi nhận:', '- Như trên;', '- Lưu: VT, NC.'].join('\n'))).toBe(0);
    expect(signerGap('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;')).toBe(0);
  });

  it('fragmentShare counts lines of one or two short words without digits', () => {
    // "Nơi nhận:" (two words, 7 letters) counts too: it is on every closing page alike.
    expect(fragmentShare('Nơi nhận:\n- Như trên;\nĐỐC\nông Dũng\n:\n2')).toBeCloseTo(4 / 6, 6);
    expect(fragmentShare('Điều 1. Phê duyệt\nCăn cứ Luật Tổ chức chính quyền')).toBe(0);
  });

  it('names an unread signature block as a reason, and gives a short page a wider interval', () => {
    const words = (t: string) => t.split(/\s+/u).filter((w) => w !== '').map((w) => ({ text: w, conf: 95 }));
    const text = closing('ĐỐC\n5 á Thắng');
    const e = estimate({ text, words: words(text) });
    expect(e.reasons.some((r) => r.startsWith('signature block not read in full'))).toBe(true);
    const file = loadQualityModel();
    const short = file.interval?.short;
    expect(short).toBeDefined();
    const model: QualityModelFile = { ...file, interval: { lower: -0.01, upper: 0.01, short: { words: 100, lower: -0.05, upper: 0.2 } } };
    const a = estimate({ text, words: words(text) }, { model });
    const long = `${'Ủy ban nhân dân tỉnh quyết định giao Sở Nội vụ chủ trì thực hiện. '.repeat(12)}`;
    const b = estimate({ text: long, words: words(long) }, { model });
    const width = (x: typeof a) => Math.sqrt(x.cerInterval[1]) - Math.sqrt(x.cer);
    expect(width(a)).toBeGreaterThan(0.1);
    expect(width(b)).toBeLessThan(0.02);
  });
});
