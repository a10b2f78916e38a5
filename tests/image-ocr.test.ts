/**
 * Preprocessing judged by the OCR engine itself: real tesseract.js (vie) on a
 * rendered Vietnamese text block that was skewed, shaded and speckled.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGray, flattenBackground, prepare, speckleRatio, SPECKLE_THRESHOLD } from '../src/image/index.js';
import { cer } from '../src/quality/index.js';
import { degrade, renderText, skewImage, toPageImage } from './image-render.js';

const require = createRequire(import.meta.url);
const TEXT = [
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác',
  'văn thư; Sở Giáo dục và Đào tạo xây dựng kế hoạch triển khai thực hiện như sau:',
  '1. Nâng cao hiệu quả quản lý, lưu trữ và khai thác hồ sơ, tài liệu của cơ quan.',
  '2. Các phòng, ban chuyên môn phối hợp chặt chẽ trong quá trình tổ chức thực hiện.',
].join('\n');

let worker: Worker;

beforeAll(async () => {
  const langPath = join(dirname(require.resolve('@tesseract.js-data/vie/package.json')), '4.0.0_best_int');
  worker = await createWorker('vie', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
  await worker.setParameters({ user_defined_dpi: '300' });
});

afterAll(async () => {
  await worker?.terminate();
});

describe('prepare before OCR', () => {
  it('lowers the character error rate on a skewed, shaded, speckled scan', async () => {
    const clean = await renderText(TEXT, { pageInches: [8.27, 2.2], margin: 120 });
    const scan = await degrade(await skewImage(clean, 4), { shade: 0.5, speckle: 0.006 });
    // Speckle is judged after flattening, as prepare() does (shading would skew the ink/paper split).
    expect(speckleRatio(flattenBackground(await decodeGray(scan)))).toBeGreaterThan(SPECKLE_THRESHOLD);
    expect(speckleRatio(await decodeGray(clean))).toBeLessThan(SPECKLE_THRESHOLD);

    const prepared = await prepare(await toPageImage(scan));
    expect(prepared.steps).toEqual(['grayscale', 'flatten', 'normalize', 'denoise', 'deskew']);
    const before = cer((await worker.recognize(scan)).data.text, TEXT);
    const after = cer((await worker.recognize(Buffer.from(prepared.png))).data.text, TEXT);
    expect(after).toBeLessThan(0.03);
    expect(before - after).toBeGreaterThan(0.1);
  });

  it('needs background flattening on a shaded scan', async () => {
    const clean = await renderText(TEXT, { pageInches: [8.27, 2.2], margin: 120 });
    const scan = await toPageImage(await degrade(await skewImage(clean, 1.5), { shade: 0.6, speckle: 0 }));
    const flat = await prepare(scan);
    const unflat = await prepare(scan, { flatten: false });
    expect(flat.steps).toContain('flatten');
    const withFlatten = cer((await worker.recognize(Buffer.from(flat.png))).data.text, TEXT);
    const without = cer((await worker.recognize(Buffer.from(unflat.png))).data.text, TEXT);
    expect(withFlatten).toBeLessThan(0.03);
    expect(without - withFlatten).toBeGreaterThan(0.1);
  });
});
