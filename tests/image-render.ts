/**
 * Renders synthetic Vietnamese administrative pages with sharp + Tinos, for the
 * image tests and bench. Text is written for this project (not from any corpus).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { PageImage } from '../src/types.js';

const require = createRequire(import.meta.url);
export const TINOS = join(dirname(require.resolve('@expo-google-fonts/tinos/package.json')), '400Regular', 'Tinos_400Regular.ttf');

export const SAMPLE_TEXT = [
  'ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'SỞ GIÁO DỤC VÀ ĐÀO TẠO                         Độc lập - Tự do - Hạnh phúc',
  '',
  'KẾ HOẠCH',
  'Triển khai nhiệm vụ chuyển đổi số trong công tác văn thư, lưu trữ năm 2024',
  '',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác',
  'văn thư; căn cứ tình hình thực tế của đơn vị, Sở Giáo dục và Đào tạo xây dựng kế hoạch',
  'triển khai thực hiện với những nội dung cụ thể như sau:',
  'I. MỤC ĐÍCH, YÊU CẦU',
  '1. Nâng cao hiệu quả quản lý, lưu trữ và khai thác hồ sơ, tài liệu của cơ quan; bảo đảm',
  'việc số hóa được thực hiện đúng quy trình, đầy đủ, chính xác và kịp thời.',
  '2. Các phòng, ban chuyên môn phối hợp chặt chẽ trong quá trình tổ chức thực hiện; định kỳ',
  'báo cáo kết quả về Văn phòng Sở trước ngày 15 hằng tháng để tổng hợp, theo dõi.',
  'II. NỘI DUNG THỰC HIỆN',
  'Rà soát, thống kê toàn bộ hồ sơ giấy hiện có; phân loại theo thời hạn bảo quản; lập danh',
  'mục tài liệu cần số hóa; bố trí kinh phí, nhân lực và trang thiết bị phù hợp với yêu cầu.',
].join('\n');

/**
 * Black-on-white text placed at the top-left margin of a white page (A4 by
 * default: 8.27 × 11.69 in), single channel PNG.
 */
export async function renderText(text = SAMPLE_TEXT, options: { dpi?: number; margin?: number; pageInches?: [number, number] } = {}): Promise<Buffer> {
  const dpi = options.dpi ?? 300;
  const margin = options.margin ?? Math.round(dpi * 0.8);
  const [pw, ph] = options.pageInches ?? [8.27, 11.69];
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const glyphs = await sharp({ text: { text: escaped, font: 'Tinos 13', fontfile: TINOS, dpi, spacing: Math.round(dpi / 10) } })
    .negate()
    .png()
    .toBuffer();
  return sharp({ create: { width: Math.round(pw * dpi), height: Math.round(ph * dpi), channels: 3, background: '#ffffff' } })
    .composite([{ input: glyphs, top: margin, left: margin }])
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/**
 * Turns the image so its text rises to the right by `skewDeg` (sharp rotates
 * clockwise for positive angles, so we pass −skew), on a white background.
 */
export async function skewImage(png: Buffer, skewDeg: number): Promise<Buffer> {
  return sharp(png).rotate(-skewDeg, { background: '#ffffff' }).toColourspace('b-w').png().toBuffer();
}

export async function toPageImage(png: Buffer, dpi = 300, pageNumber = 1): Promise<PageImage> {
  const m = await sharp(png).metadata();
  return { pageNumber, data: new Uint8Array(png), width: m.width ?? 0, height: m.height ?? 0, dpi, origin: 'image-file', pdfRotate: 0 };
}

/**
 * Degrades a page like a poor scan: a left-to-right shading (paper brightness
 * falls to 1 − shade) and salt-and-pepper specks (each pixel becomes a dark
 * 1–2 px speck with probability `speckle`). Deterministic (seeded).
 */
export async function degrade(png: Buffer, options: { shade?: number; speckle?: number; seed?: number } = {}): Promise<Buffer> {
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const shade = options.shade ?? 0.35;
  const speckle = options.speckle ?? 0.004;
  let seed = options.seed ?? 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const w = info.width;
  const out = Buffer.alloc(data.length);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] = Math.round(data[i]! * (1 - (shade * x) / w));
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (rnd() < speckle) {
      const v = Math.round(rnd() * 60);
      out[i] = v;
      if (rnd() < 0.5 && i + 1 < out.length) out[i + 1] = v;
    }
  }
  return sharp(out, { raw: { width: w, height: info.height, channels: 1 } }).png().toBuffer();
}
