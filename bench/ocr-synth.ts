/**
 * Synthetic administrative pages drawn with sharp + Tinos (Times-metric, like the
 * Times New Roman of real documents), with exact ground truth and the box of
 * every drawn item. Used by the OCR tests and bench; no fixture files needed.
 */
import sharp, { type OverlayOptions } from 'sharp';
import { fileURLToPath } from 'node:url';
import type { BBox, PreparedImage } from '../src/types.js';

export const FONT_FILE = fileURLToPath(new URL('../node_modules/@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf', import.meta.url));

export interface SynthItem {
  text: string;
  /** Font size in points. */
  size: number;
  bold?: boolean;
  italic?: boolean;
  /** 'justify' wraps the text into the column as a paragraph. */
  align: 'left' | 'centre' | 'justify';
  /** Extra space before, in points. */
  before?: number;
}

export type SynthBand = { full: SynthItem[] } | { left: SynthItem[]; right: SynthItem[]; split?: number };

export interface DrawnItem {
  text: string;
  bbox: BBox;
  column: 'full' | 'left' | 'right';
}

export interface SynthPage {
  png: Buffer;
  width: number;
  height: number;
  dpi: number;
  items: DrawnItem[];
  /** Reading order: left column then right column inside side-by-side bands. */
  groundTruth: string;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function renderItem(item: SynthItem, widthPx: number, dpi: number): Promise<{ data: Buffer; width: number; height: number }> {
  let markup = escape(item.text);
  if (item.bold) markup = `<b>${markup}</b>`;
  if (item.italic) markup = `<i>${markup}</i>`;
  const img = sharp({
    text: {
      text: `<span font_desc="Tinos ${item.size}">${markup}</span>`,
      fontfile: FONT_FILE,
      dpi,
      width: widthPx,
      wrap: 'word',
      justify: item.align === 'justify',
      align: item.align === 'centre' ? 'centre' : 'left',
      spacing: Math.round(item.size * 0.35),
    },
  });
  // sharp renders white-on-black glyph coverage: invert to black ink on white paper.
  const { data, info } = await img.greyscale().negate().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Draws bands top to bottom on a page `widthPx` wide with `marginPx` margins. */
export async function renderPage(bands: SynthBand[], options: { widthPx?: number; dpi?: number; marginPx?: number } = {}): Promise<SynthPage> {
  const dpi = options.dpi ?? 300;
  const width = options.widthPx ?? Math.round((210 / 25.4) * dpi);
  const margin = options.marginPx ?? Math.round(dpi * 0.8);
  const pt = dpi / 72;
  const composites: OverlayOptions[] = [];
  const items: DrawnItem[] = [];
  const truth: string[] = [];
  let y = margin;

  const column = async (list: SynthItem[], x0: number, x1: number, top: number, col: DrawnItem['column']): Promise<number> => {
    let cy = top;
    for (const item of list) {
      cy += Math.round((item.before ?? 0) * pt);
      const r = await renderItem(item, x1 - x0, dpi);
      const left = item.align === 'centre' ? x0 + Math.round((x1 - x0 - r.width) / 2) : x0;
      composites.push({ input: r.data, raw: { width: r.width, height: r.height, channels: 1 }, left, top: cy, blend: 'multiply' });
      items.push({ text: item.text, bbox: [left, cy, left + r.width, cy + r.height], column: col });
      truth.push(item.text);
      cy += r.height + Math.round(item.size * pt * 0.25);
    }
    return cy;
  };

  for (const band of bands) {
    if ('full' in band) {
      y = await column(band.full, margin, width - margin, y, 'full');
    } else {
      const split = margin + Math.round((width - 2 * margin) * (band.split ?? 0.4));
      const yl = await column(band.left, margin, split, y, 'left');
      const yr = await column(band.right, split, width - margin, y, 'right');
      y = Math.max(yl, yr);
    }
  }
  const height = y + margin;
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .greyscale()
    .png()
    .toBuffer();
  return { png, width, height, dpi, items, groundTruth: truth.join('\n') };
}

/** A PreparedImage for a synthetic page, identity mapping (no preprocessing). */
export function asPrepared(page: SynthPage, pageNumber = 1): PreparedImage {
  return {
    pageNumber,
    png: page.png,
    width: page.width,
    height: page.height,
    dpi: page.dpi,
    skew: 0,
    rotation: 0,
    steps: [],
    toPage: [1, 0, 0, 1, 0, 0],
    pageWidth: page.width,
    pageHeight: page.height,
  };
}

export const HEADER: SynthBand = {
  split: 0.42,
  left: [
    { text: 'ỦY BAN NHÂN DÂN', size: 13, align: 'centre' },
    { text: 'TỈNH QUẢNG BÌNH', size: 13, bold: true, align: 'centre' },
    { text: 'Số: 125/KH-UBND', size: 13, align: 'centre', before: 8 },
  ],
  right: [
    { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', size: 12, bold: true, align: 'centre' },
    { text: 'Độc lập - Tự do - Hạnh phúc', size: 13, bold: true, align: 'centre' },
    { text: 'Quảng Bình, ngày 15 tháng 3 năm 2024', size: 13, italic: true, align: 'centre', before: 8 },
  ],
};

export const TITLE: SynthBand = {
  full: [
    { text: 'KẾ HOẠCH', size: 14, bold: true, align: 'centre', before: 14 },
    { text: 'Triển khai công tác chuyển đổi số năm 2024', size: 14, bold: true, align: 'centre' },
  ],
};

export const BODY: { full: SynthItem[] } = {
  full: [
    {
      text: 'Thực hiện Nghị quyết số 52/NQ-CP ngày 22 tháng 4 năm 2022 của Chính phủ về đẩy mạnh phát triển nguồn nhân lực, Ủy ban nhân dân tỉnh ban hành kế hoạch triển khai như sau, yêu cầu các sở, ban, ngành và địa phương nghiêm túc thực hiện.',
      size: 13,
      align: 'justify',
      before: 8,
    },
    {
      text: 'Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các đơn vị liên quan hướng dẫn, đôn đốc, kiểm tra việc thực hiện; định kỳ báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 30 tháng 11 hằng năm.',
      size: 13,
      align: 'justify',
      before: 4,
    },
  ],
};

export const CLOSING: SynthBand = {
  split: 0.5,
  left: [
    { text: 'Nơi nhận:', size: 12, bold: true, italic: true, align: 'left', before: 10 },
    { text: '- Như trên;', size: 11, align: 'left' },
    { text: '- Chủ tịch, các Phó Chủ tịch UBND tỉnh;', size: 11, align: 'left' },
    { text: '- Lưu: VT, KGVX.', size: 11, align: 'left' },
  ],
  right: [
    { text: 'TM. ỦY BAN NHÂN DÂN', size: 13, bold: true, align: 'centre', before: 10 },
    { text: 'KT. CHỦ TỊCH', size: 13, bold: true, align: 'centre' },
    { text: 'PHÓ CHỦ TỊCH', size: 13, bold: true, align: 'centre' },
    { text: 'Nguyễn Văn Thành', size: 13, bold: true, align: 'centre', before: 60 },
  ],
};
