import { describe, expect, it } from 'vitest';
import { blocksToText, orderReading, type LayoutLine } from '../src/ocr/layout.js';
import type { OcrWord } from '../src/types.js';

/** Words laid out like Times 13 pt at 300 dpi: 50 px tall rows, ~22 px per char + 15 px spaces. */
function words(text: string, x: number, y: number, charW = 22, space = 15): OcrWord[] {
  const out: OcrWord[] = [];
  for (const t of text.split(' ')) {
    const w = t.length * charW;
    out.push({ text: t, conf: 90, bbox: [x, y, x + w, y + 50] });
    x += w + space;
  }
  return out;
}

function line(ws: OcrWord[], group?: number): LayoutLine {
  const bbox: [number, number, number, number] = [
    Math.min(...ws.map((w) => w.bbox[0])),
    Math.min(...ws.map((w) => w.bbox[1])),
    Math.max(...ws.map((w) => w.bbox[2])),
    Math.max(...ws.map((w) => w.bbox[3])),
  ];
  return { text: ws.map((w) => w.text).join(' '), conf: 90, bbox, words: ws, ...(group === undefined ? {} : { group }) };
}

/** A justified line: words spread so they fill [x0, x1] exactly. */
function justified(text: string, x0: number, x1: number, y: number): OcrWord[] {
  const tokens = text.split(' ');
  const inked = tokens.reduce((s, t) => s + t.length * 22, 0);
  const gap = (x1 - x0 - inked) / (tokens.length - 1);
  let x = x0;
  return tokens.map((t) => {
    const w: OcrWord = { text: t, conf: 90, bbox: [Math.round(x), y, Math.round(x + t.length * 22), y + 50] };
    x += t.length * 22 + gap;
    return w;
  });
}

describe('orderReading', () => {
  it('reads a two-column header that the engine merged line by line column by column', () => {
    // What PSM 6 gives: each row one line spanning both columns.
    const rows = [
      [...words('ỦY BAN NHÂN DÂN', 300, 100), ...words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 1200, 100)],
      [...words('TỈNH QUẢNG BÌNH', 310, 170), ...words('Độc lập - Tự do - Hạnh phúc', 1350, 170)],
      [...words('Số: 125/KH-UBND', 300, 260), ...words('Quảng Bình, ngày 15 tháng 3 năm 2024', 1250, 260)],
    ].map((ws) => line(ws));
    const blocks = orderReading(rows);
    expect(blocks.map((b) => b.column)).toEqual(['left', 'right']);
    expect(blocksToText(blocks)).toBe(
      'ỦY BAN NHÂN DÂN\nTỈNH QUẢNG BÌNH\nSố: 125/KH-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQuảng Bình, ngày 15 tháng 3 năm 2024',
    );
  });

  it('groups engine lines found separately per column (PSM 3 style), whatever their input order', () => {
    const input = [
      line(words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 1200, 104)),
      line(words('Độc lập - Tự do - Hạnh phúc', 1350, 174)),
      line(words('ỦY BAN NHÂN DÂN', 300, 100)),
      line(words('TỈNH QUẢNG BÌNH', 310, 168)),
    ];
    const text = blocksToText(orderReading(input));
    expect(text.indexOf('TỈNH')).toBeLessThan(text.indexOf('CỘNG'));
    expect(text.indexOf('CỘNG')).toBeLessThan(text.indexOf('Độc'));
  });

  it('never splits justified body lines, even with wide word spacing', () => {
    const body = [
      'Thực hiện Nghị quyết số 52/NQ-CP của Chính phủ về đẩy mạnh',
      'phát triển nguồn nhân lực, Ủy ban nhân dân tỉnh ban hành',
      'kế hoạch triển khai như sau, yêu cầu các sở thực hiện',
      'Giao Sở Thông tin và Truyền thông chủ trì phối hợp',
    ].map((t, i) => line(justified(t, 240, 2240, 500 + i * 70), 1));
    const blocks = orderReading(body);
    expect(blocks.map((b) => b.column)).toEqual(['full']);
    expect(blocks[0]!.lines).toHaveLength(4);
    expect(blocks[0]!.lines[1]!.text).toBe('phát triển nguồn nhân lực, Ủy ban nhân dân tỉnh ban hành');
  });

  it('keeps a page-centred title below the header out of the right column', () => {
    const input = [
      line([...words('ỦY BAN NHÂN DÂN', 300, 100), ...words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 1200, 100)]),
      line([...words('TỈNH QUẢNG BÌNH', 310, 170), ...words('Độc lập - Tự do - Hạnh phúc', 1350, 170)]),
      line(words('KẾ HOẠCH', 1130, 330)),
      line(justified('Thực hiện Nghị quyết số 52/NQ-CP của Chính phủ về đẩy mạnh', 240, 2240, 420)),
    ];
    const blocks = orderReading(input);
    expect(blocks.map((b) => b.column)).toEqual(['left', 'right', 'full']);
    expect(blocks[2]!.lines[0]!.text).toBe('KẾ HOẠCH');
  });

  it('keeps a signer name after the signature space in the right column', () => {
    const input = [
      line(justified('Thực hiện Nghị quyết số 52/NQ-CP của Chính phủ về đẩy mạnh', 240, 2240, 100)),
      line([...words('Nơi nhận:', 240, 250), ...words('TM. ỦY BAN NHÂN DÂN', 1450, 250)]),
      line([...words('- Như trên;', 240, 310), ...words('CHỦ TỊCH', 1600, 320)]),
      line(words('- Lưu: VT.', 240, 370)),
      line(words('Nguyễn Văn Thành', 1480, 700)),
    ];
    const blocks = orderReading(input);
    expect(blocks.map((b) => b.column)).toEqual(['full', 'left', 'right']);
    expect(blocks[1]!.lines.map((l) => l.text)).toEqual(['Nơi nhận:', '- Như trên;', '- Lưu: VT.']);
    expect(blocks[2]!.lines.map((l) => l.text)).toEqual(['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', 'Nguyễn Văn Thành']);
  });

  it('reads a three-column table row by row', () => {
    const input = [0, 1, 2].map((i) =>
      line([...words(`${i + 1}`, 240, 100 + i * 70), ...words(`Nội dung ${i}`, 700, 100 + i * 70), ...words('Sở Tài chính', 1700, 100 + i * 70)]),
    );
    const blocks = orderReading(input);
    expect(blocks.every((b) => b.column === 'full')).toBe(true);
    expect(blocksToText(blocks).split('\n')[0]).toBe('1 Nội dung 0 Sở Tài chính');
  });

  it('keeps a baseline on split lines and returns nothing for no words', () => {
    const l = line([...words('ỦY BAN', 300, 100), ...words('CỘNG HÒA', 1200, 100)]);
    l.baseline = [300, 140, 1400, 151];
    const l2 = line([...words('TỈNH', 300, 170), ...words('Độc lập', 1200, 170)]);
    const blocks = orderReading([l, l2]);
    expect(blocks[1]!.lines[0]!.baseline).toEqual([1200, 149, 1369, 151]);
    expect(orderReading([])).toEqual([]);
    expect(orderReading([{ text: ' ', conf: 0, bbox: [0, 0, 5, 5], words: [{ text: ' ', conf: 0, bbox: [0, 0, 5, 5] }] }])).toEqual([]);
  });
});

describe('orderReading, closing blocks', () => {
  it('splits a closing block that shares only its first row', () => {
    const input = [
      line(justified('Phòng Tài chính - Kế hoạch kính trình Ủy ban nhân dân huyện xem xét,', 240, 2240, 100)),
      line(words('quyết định./.', 240, 170)),
      line([...words('Nơi nhận:', 355, 280), ...words('TRƯỞNG PHÒNG', 1495, 280)]),
      line(words('- Như trên;', 355, 345)),
      line(words('- Lưu: VT, TCKH.', 355, 400)),
      line(words('Vi Thị Hoài', 1509, 600)),
    ];
    const blocks = orderReading(input);
    expect(blocks.map((b) => b.column)).toEqual(['full', 'left', 'right']);
    expect(blocks[1]!.lines.map((l) => l.text)).toEqual(['Nơi nhận:', '- Như trên;', '- Lưu: VT, TCKH.']);
    expect(blocks[2]!.lines.map((l) => l.text)).toEqual(['TRƯỞNG PHÒNG', 'Vi Thị Hoài']);
  });

  it('does not split a lone row with a wide gap inside body text', () => {
    const input = [
      line(justified('Thực hiện Nghị quyết số 52/NQ-CP của Chính phủ về đẩy mạnh', 240, 2240, 100)),
      line([...words('Điều 1.', 240, 170), ...words('Ban hành kèm theo', 1400, 170)]),
      line(justified('phát triển nguồn nhân lực, Ủy ban nhân dân tỉnh ban hành', 240, 2240, 240)),
    ];
    expect(orderReading(input).every((b) => b.column === 'full')).toBe(true);
  });
});

describe('orderReading, tight headers', () => {
  it('keeps the first header row when a longer left line narrows the gutter', () => {
    // Measured on a 200 dpi scan: only ~23 px of gutter is blank on every row.
    const input = [
      line([...words('UBND HUYỆN CON CUÔNG', 235, 150, 20, 10), ...words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 731, 150, 20, 10)]),
      line([...words('PHÒNG TÀI CHÍNH - KẾ HOẠCH', 238, 205, 20, 10), ...words('Độc lập - Tự do - Hạnh phúc', 860, 200, 20, 10)]),
      line([...words('Số: 45/TTr-TCKH', 319, 280, 20, 10), ...words('Con Cuông, ngày 03 tháng 10 năm 2023', 771, 270, 20, 10)]),
    ];
    const blocks = orderReading(input);
    expect(blocks.map((b) => b.column)).toEqual(['left', 'right']);
    expect(blocks[0]!.lines.map((l) => l.text)).toEqual(['UBND HUYỆN CON CUÔNG', 'PHÒNG TÀI CHÍNH - KẾ HOẠCH', 'Số: 45/TTr-TCKH']);
  });

  it('takes a first header row whose gap falls short of a gutter into the columns below it', () => {
    // Measured on a phone photo (≈ 170 dpi): the agency name's first line ends 55 px
    // before the motto starts, under the gutter width the page's line height asks for.
    const body = [600, 645, 690].map((y) => line(justified('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và', 250, 1470, y)));
    const input = [
      line([...words('UBND TỈNH LẠNG SƠN', 381, 142, 17, 9), ...words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 718, 142, 17, 9)]),
      line([...words('SỞ VĂN HÓA, THỂ THAO', 377, 190, 17, 9), ...words('Độc lập - Tự do - Hạnh phúc', 864, 190, 17, 9)]),
      line([...words('VÀ DU LỊCH', 433, 238, 17, 9)]),
      line([...words('Số: 1150/QĐ-SVHTTDL', 377, 286, 17, 9), ...words('Lạng Sơn, ngày 02 tháng 11 năm 2026', 798, 286, 17, 9)]),
      ...body,
    ];
    const blocks = orderReading(input);
    expect(blocks.map((b) => b.column)).toEqual(['left', 'right', 'full']);
    expect(blocks[0]!.lines.map((l) => l.text)).toEqual(['UBND TỈNH LẠNG SƠN', 'SỞ VĂN HÓA, THỂ THAO', 'VÀ DU LỊCH', 'Số: 1150/QĐ-SVHTTDL']);
    expect(blocks[1]!.lines[0]!.text).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  });
});

describe('isNoiseWord', () => {
  it('drops unconfident specks but keeps confident punctuation, numbers and words', async () => {
    const { isNoiseWord } = await import('../src/ocr/extract.js');
    expect(isNoiseWord('.', 0)).toBe(true);
    expect(isNoiseWord('^', 30)).toBe(true);
    expect(isNoiseWord('Ệ', 10)).toBe(true);
    expect(isNoiseWord('-', 93)).toBe(false);
    expect(isNoiseWord('./.', 90)).toBe(false);
    expect(isNoiseWord('5', 10)).toBe(false);
    expect(isNoiseWord('Sở', 20)).toBe(true);
    expect(isNoiseWord('Sở', 40)).toBe(false);
    expect(isNoiseWord('pháp;', 5)).toBe(false);
  });
});

describe('orderReading, rows below a header', () => {
  it('leaves a left-aligned "Kính gửi" line that runs under the right column out of the header', () => {
    const input = [
      line([...words('UBND TỈNH NGHỆ AN', 300, 100), ...words('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 1200, 100)]),
      line([...words('SỞ GIÁO DỤC VÀ ĐÀO TẠO', 240, 170), ...words('Độc lập - Tự do - Hạnh phúc', 1350, 170)]),
      line(words('Kính gửi: - Các trường trung học phổ thông trong tỉnh;', 240, 330)),
    ];
    const blocks = orderReading(input);
    expect(blocks.map((b) => b.column)).toEqual(['left', 'right', 'full']);
    expect(blocks[2]!.lines[0]!.text).toBe('Kính gửi: - Các trường trung học phổ thông trong tỉnh;');
  });

  it('takes a long list item that only reaches into the gutter into the left column', () => {
    const input = [
      line([...words('Nơi nhận:', 266, 300), ...words('KT. TRƯỞNG BAN', 1100, 300)]),
      line(words('- Sở Tư pháp;', 270, 360)),
      line(words('- Các phòng, đơn vị trực thuộc;', 273, 420)),
      line(words('Lương Văn Thạch', 1110, 650)),
    ];
    const blocks = orderReading(input, { gutterLineHeights: 1.5 });
    expect(blocks.map((b) => b.column)).toEqual(['left', 'right']);
    expect(blocks[0]!.lines.map((l) => l.text)).toEqual(['Nơi nhận:', '- Sở Tư pháp;', '- Các phòng, đơn vị trực thuộc;']);
  });
});
