/**
 * Phone photos: a rendered page is photographed synthetically (perspective onto a
 * dark desk, a sagging curl, shading) and must come back flat, level and readable.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import sharp from 'sharp';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPageQuad, homography, type Quad, straightenLines, warpQuad } from '../src/image/dewarp.js';
import { createGray, decodeGray, type GrayImage } from '../src/image/gray.js';
import { prepare } from '../src/image/prepare.js';
import { renderText, toPageImage } from './image-render.js';

const require = createRequire(import.meta.url);

const TEXT = [
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác',
  'văn thư; Sở Giáo dục và Đào tạo xây dựng kế hoạch triển khai thực hiện như sau:',
  '1. Nâng cao hiệu quả quản lý, lưu trữ và khai thác hồ sơ, tài liệu của cơ quan; bảo đảm',
  'việc số hóa được thực hiện đúng quy trình, đầy đủ, chính xác và kịp thời.',
  '2. Các phòng, ban chuyên môn phối hợp chặt chẽ trong quá trình tổ chức thực hiện; định kỳ',
  'báo cáo kết quả về Văn phòng Sở trước ngày 15 hằng tháng để tổng hợp, theo dõi.',
].join('\n');

function cer(hyp: string, ref: string): number {
  const norm = (s: string): string => s.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return distance(norm(hyp), norm(ref)) / norm(ref).length;
}

/**
 * Photographs `page`: its corners land on `quad` of a w×h frame, lines sag by
 * `curl` px in the middle, the desk is dark grey, the light falls off to one side
 * and the sensor adds noise (deterministic).
 */
function photograph(page: GrayImage, quad: Quad, w: number, h: number, curl: number): GrayImage {
  const rect: Quad = [
    [0, 0],
    [page.width, 0],
    [page.width, page.height],
    [0, page.height],
  ];
  const inv = homography(quad, rect);
  const out = createGray(w, h, 0);
  let seed = 2024;
  const noise = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return ((seed >>> 8) % 25) - 12;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const yy = y - curl * Math.sin((Math.PI * x) / w);
      const d = inv[6] * x + inv[7] * yy + inv[8];
      const sx = Math.round((inv[0] * x + inv[1] * yy + inv[2]) / d);
      const sy = Math.round((inv[3] * x + inv[4] * yy + inv[5]) / d);
      const light = 1 - 0.3 * (x / w);
      const v = sx >= 0 && sy >= 0 && sx < page.width && sy < page.height ? page.data[sy * page.width + sx]! : 70;
      out.data[y * w + x] = Math.max(0, Math.min(255, Math.round(v * light + noise())));
    }
  }
  return out;
}

async function png(img: GrayImage): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).png().toBuffer();
}

const QUAD: Quad = [
  [90, 140],
  [1420, 60],
  [1460, 1880],
  [40, 1950],
];

let page: GrayImage;
let photo: GrayImage;

beforeAll(async () => {
  page = await decodeGray(await renderText(TEXT, { dpi: 150, margin: 110 }));
  photo = photograph(page, QUAD, 1500, 2000, 18);
});

describe('findPageQuad', () => {
  it('finds the sheet on a darker desk within a few pixels of its corners', () => {
    const q = findPageQuad(photo);
    expect(q).toBeDefined();
    for (let i = 0; i < 4; i++) {
      expect(Math.hypot(q![i]![0] - QUAD[i]![0], q![i]![1] - QUAD[i]![1])).toBeLessThan(25);
    }
  });

  it('leaves a scan, paper to its edges, alone', () => {
    expect(findPageQuad(page)).toBeUndefined();
    // A scan with a dark copier edge along one side is not a sheet on a desk either.
    const edged = createGray(page.width, page.height);
    edged.data.set(page.data);
    for (let y = 0; y < page.height; y++) for (let x = 0; x < 30; x++) edged.data[y * page.width + x] = 40;
    expect(findPageQuad(edged)).toBeUndefined();
  });
});

describe('warpQuad and straightenLines', () => {
  it('undo a perspective and a curl so each text line sits on one level', () => {
    const q = findPageQuad(photo)!;
    const flat = warpQuad(photo, q);
    // The sheet's mean side lengths.
    expect(Math.abs(flat.image.width - 1377)).toBeLessThan(25);
    expect(Math.abs(flat.image.height - 1816)).toBeLessThan(25);
    const s = straightenLines(flat.image, { dpi: 150 });
    // The curl was 18 px in the frame, about 16 px on the flattened sheet.
    expect(s.range).toBeGreaterThan(8);
    expect(s.range).toBeLessThan(26);
    // The first text line's ink centre in strips across the page: how much it wanders before and after.
    const wander = (img: GrayImage): number => {
      const ink = (x: number, y: number): boolean => img.data[y * img.width + x]! < 110;
      // The first row with a fair amount of ink, clear of the sheet's rim.
      let top = Math.round(0.03 * img.height);
      const rowInk = (y: number): number => {
        let n = 0;
        for (let x = Math.round(0.1 * img.width); x < 0.85 * img.width; x++) if (ink(x, y)) n++;
        return n;
      };
      while (top < img.height && rowInk(top) < 10) top++;
      const centres: number[] = [];
      for (let x0 = Math.round(0.1 * img.width); x0 + 80 < 0.85 * img.width; x0 += 80) {
        let sum = 0;
        let n = 0;
        for (let y = top; y < top + 40; y++) for (let x = x0; x < x0 + 80; x++) if (ink(x, y)) (sum += y), n++;
        if (n > 20) centres.push(sum / n);
      }
      return Math.max(...centres) - Math.min(...centres);
    };
    expect(wander(flat.image)).toBeGreaterThanOrEqual(6);
    expect(wander(s.image)).toBeLessThanOrEqual(0.5 * wander(flat.image));
  });
});

describe('prepare on a phone photo', () => {
  let worker: Worker;
  beforeAll(async () => {
    const langPath = join(dirname(require.resolve('@tesseract.js-data/vie/package.json')), '4.0.0_best_int');
    worker = await createWorker('vie', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
  });
  afterAll(async () => {
    await worker?.terminate();
  });

  it('reads the curled, slanted lines in order once the sheet is flattened', async () => {
    const input = await toPageImage(await png(photo), 150);
    const flat = await prepare(input);
    expect(flat.steps).toContain('perspective');
    expect(flat.steps).toContain('straighten');
    const asIs = await prepare(input, { dewarp: false });
    expect(asIs.steps).not.toContain('perspective');
    const read = async (png: Uint8Array, dpi: number): Promise<string> => {
      await worker.setParameters({ user_defined_dpi: String(Math.round(dpi)) });
      return (await worker.recognize(Buffer.from(png))).data.text;
    };
    const after = cer(await read(flat.png, flat.dpi), TEXT);
    const before = cer(await read(asIs.png, asIs.dpi), TEXT);
    expect(after).toBeLessThan(0.03);
    // Unflattened, the desk's noise is read as lines of garbage around the text.
    expect(before - after).toBeGreaterThan(0.2);
  }, 60_000);
});
