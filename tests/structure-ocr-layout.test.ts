// What OCR does to a page's lines and boxes, and how the structure reads through it. Each case is
// a general form of Nghị định 30/2020 layout under scan damage, built as OCR pages with word boxes.
import { describe, expect, it } from 'vitest';
import { extract } from '../src/structure/index.js';
import { dropEdgeMarks } from '../src/structure/lines.js';
import type { BBox, OcrBlock, OcrLine, OcrPage, RestoredPage } from '../src/types.js';

type W = [string, number] | [string, number, BBox];

/** An OCR line whose words are laid out left to right from x0 (20 px a letter, 40 px high) unless a box is given. */
function line(words: W[], x0: number, y: number): OcrLine {
  let x = x0;
  const ws = words.map(([text, conf, box]) => {
    const bbox: BBox = box ?? [x, y, x + 20 * text.length, y + 40];
    x = bbox[2] + 15;
    return { text, conf, bbox };
  });
  const bbox: BBox = [Math.min(...ws.map((w) => w.bbox[0])), Math.min(...ws.map((w) => w.bbox[1])), Math.max(...ws.map((w) => w.bbox[2])), Math.max(...ws.map((w) => w.bbox[3]))];
  return { text: words.map((w) => w[0]).join(' '), conf: ws.reduce((s, w) => s + w.conf, 0) / ws.length, bbox, words: ws };
}

/** Words of a text, all read with confidence 95. */
const ok = (text: string): W[] => text.split(' ').map((t) => [t, 95]);

function page(blocks: OcrBlock[]): OcrPage {
  return { pageNumber: 1, width: 2480, height: 3508, dpi: 300, skew: 0, rotation: 0, steps: [], text: blocks.map((b) => b.lines.map((l) => l.text).join('\n')).join('\n\n'), confidence: 90, blocks };
}

const block = (column: OcrBlock['column'], lines: OcrLine[]): OcrBlock => ({
  column,
  bbox: [Math.min(...lines.map((l) => l.bbox[0])), Math.min(...lines.map((l) => l.bbox[1])), Math.max(...lines.map((l) => l.bbox[2])), Math.max(...lines.map((l) => l.bbox[3]))],
  lines,
});

const header = (): OcrBlock[] => [
  block('left', [line(ok('ỦY BAN NHÂN DÂN'), 300, 140), line(ok('TỈNH QUẢNG NAM'), 320, 190), line(ok('Số: 12/BC-UBND'), 320, 260)]),
  block('right', [line(ok('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), 1200, 140), line(ok('Độc lập - Tự do - Hạnh phúc'), 1300, 190), line(ok('Tam Kỳ, ngày 12 tháng 4 năm 2024'), 1300, 260)]),
];

describe('marks OCR glued to the edges of a printed line', () => {
  it('a speck far to the right of the type line does not move its centre: the centred title under it is read', () => {
    // "BÁO CÁO" centred at x ≈ 1130, a 2-px speck at x = 2100 read into the same line.
    const typeLine = line([['BÁO', 93], ['CÁO', 96], ['|', 60, [2100, 420, 2102, 422]]], 1050, 400);
    const doc = extract([
      page([
        ...header(),
        block('right', [typeLine]),
        block('full', [line(ok('Tình hình cảng, cụm cảng'), 880, 470), line(ok('hàng hóa thủy nội địa'), 920, 520)]),
        block('full', [line(ok('Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở báo cáo như sau:'), 250, 620)]),
      ]),
    ]);
    expect(doc.type).toBe('BÁO CÁO');
    expect(doc.title).toBe('Tình hình cảng, cụm cảng hàng hóa thủy nội địa');
  });

  it('a margin note read as a tall word before "2." leaves the numbered heading in place', () => {
    const note: W = ['NWÀ', 0, [90, 1500, 160, 1890]];
    const doc = extract([
      page([
        ...header(),
        block('full', [line(ok('BÁO CÁO'), 1050, 400), line(ok('Kết quả công tác quý I'), 950, 470)]),
        block('full', [line(ok('1. Tình hình chung'), 300, 1400)]),
        block('full', [line(ok('Các đơn vị đã triển khai đầy đủ.'), 300, 1480)]),
        block('full', [line([note, ['|', 68, [340, 1600, 342, 1602]], ...ok('2. Kinh phí hoạt động')], 460, 1580)]),
        block('full', [line(ok('Kinh phí được cấp đủ.'), 300, 1660)]),
      ]),
    ]);
    expect(doc.sections.map((s) => [s.number, s.title])).toEqual([
      ['1', 'Tình hình chung'],
      ['2', 'Kinh phí hoạt động'],
    ]);
  });

  it('keeps figures and ordinary words at a line edge, and the line box follows what is kept', () => {
    const src = { text: '', page: 1, line: 0 };
    const l = line([['NWÀ', 0, [90, 100, 160, 500]], ...ok('2. Kinh phí'), ['12', 20, [900, 100, 940, 500]]], 300, 120);
    const out = dropEdgeMarks({ ...src, text: l.text, bbox: l.bbox, words: l.words });
    expect(out.text).toBe('2. Kinh phí 12');
    expect(out.bbox![0]).toBe(l.words![1]!.bbox[0]);
    const plain = line(ok('Các đơn vị thực hiện'), 300, 120);
    const same = { ...src, text: plain.text, bbox: plain.bbox, words: plain.words };
    expect(dropEdgeMarks(same)).toBe(same);
  });
});

describe('header lines OCR read right with next to no confidence', () => {
  it('"Số: 564/TB-PNV" read whole at confidence 0 still gives number and symbol; a speck after "/" is dropped', () => {
    const blocks = (numberLine: OcrLine): OcrBlock[] => [
      block('left', [line(ok('UBND HUYỆN BẢO THẮNG'), 300, 140), line(ok('PHÒNG NỘI VỤ'), 390, 190), numberLine]),
      block('right', [line(ok('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), 1200, 140), line(ok('Độc lập - Tự do - Hạnh phúc'), 1300, 190), line(ok('Bảo Thắng, ngày 22 tháng 8 năm 2024'), 1300, 260)]),
      block('full', [line(ok('THÔNG BÁO'), 1050, 400), line(ok('Lịch tiếp công dân'), 990, 460)]),
    ];
    const a = extract([page(blocks(line([['SốỒ:564/TB-PNV', 0]], 380, 265)))]);
    expect([a.number, a.symbol, a.title]).toEqual(['564', 'TB-PNV', 'Lịch tiếp công dân']);
    const b = extract([page(blocks(line([['Số:', 3], ['2224/,SKHĐT-VP', 3]], 380, 265)))]);
    expect([b.number, b.symbol]).toEqual(['2224', 'SKHĐT-VP']);
    // Handwriting read at low confidence gives nothing.
    const c = extract([page(blocks(line([['Sổ', 5], ['tay', 5], ['ghi', 5]], 380, 265)))]);
    expect([c.number, c.symbol]).toEqual([null, null]);
  });
});

describe('section headings OCR misread', () => {
  const doc = (body: string[]): string =>
    ['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NAM', 'Số: 12/QĐ-UBND', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Tam Kỳ, ngày 12 tháng 4 năm 2024', '', 'QUY CHẾ', 'Làm việc của Ủy ban', '', ...body].join('\n');

  it('"Chương !I" is Chương II: "!" mixed with strokes of a roman numeral', () => {
    const d = extract(doc(['„Chương !', 'QUY ĐỊNH CHUNG', 'Điều 1. Phạm vi', 'Quy chế này quy định.', 'Chương !I', 'TỔ CHỨC THỰC HIỆN', 'Điều 2. Hiệu lực', 'Có hiệu lực.']));
    expect(d.sections.map((s) => [s.number, s.title, s.children.map((c) => c.number)])).toEqual([
      ['Chương I', 'QUY ĐỊNH CHUNG', ['Điều 1']],
      ['Chương II', 'TỔ CHỨC THỰC HIỆN', ['Điều 2']],
    ]);
  });

  it('"2, Các …" and "1L. …" are items 2 and 1 where the numbering expects them; elsewhere a figure and a comma open a sentence', () => {
    const d = extract(doc(['1. Phạm vi áp dụng', 'Các cơ quan thực hiện.', '2, Các thay đổi khác phải báo cáo.', '3. Hiệu lực', 'Có hiệu lực.']));
    expect(d.sections.map((s) => s.number)).toEqual(['1', '2', '3']);
    expect(d.sections[1]!.text).toBe('Các thay đổi khác phải báo cáo.');
    // "1L." for "1.": a stroke between the figure and its dot.
    const g = extract(doc(['Điều 2. Trách nhiệm', '1L. Tiếp nhận hồ sơ đề nghị.', '2. Trả kết quả.']));
    expect(g.sections[0]!.children.map((s) => [s.number, s.text])).toEqual([
      ['1', 'Tiếp nhận hồ sơ đề nghị.'],
      ['2', 'Trả kết quả.'],
    ]);
    const e = extract(doc(['1. Phạm vi áp dụng', 'Các cơ quan thực hiện.', '5, Các đơn vị khác phối hợp.', '2. Hiệu lực', 'Có hiệu lực.']));
    expect(e.sections.map((s) => s.number)).toEqual(['1', '2']);
    expect(e.sections[0]!.text).toContain('5, Các đơn vị khác phối hợp.');
  });
});

describe('headings and titles whose lines OCR lost', () => {
  const doc = (body: string[]): string =>
    ['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NAM', 'Số: 12/QĐ-UBND', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Tam Kỳ, ngày 12 tháng 4 năm 2024', '', 'QUY CHẾ', 'Làm việc của Ủy ban', '', ...body].join('\n');

  it('"Chương" without its numeral takes the next number, its title after a blank line stays its title; an upper-case line alone before an article, after a chapter, is the next chapter', () => {
    const d = extract(
      doc(['Chương', 'QUY ĐỊNH CHUNG', 'Điều 1. Phạm vi', 'Quy chế này quy định.', 'Chương!', '', 'TỔ CHỨC THỰC HIỆN', 'Điều 2. Trách nhiệm', 'Các sở thực hiện.', '', 'ĐIỀU KHOẢN THI HÀNH', '', 'Điều 3. Hiệu lực', 'Có hiệu lực.']),
    );
    expect(d.sections.map((s) => [s.number, s.title, s.children.map((c) => c.number)])).toEqual([
      ['Chương I', 'QUY ĐỊNH CHUNG', ['Điều 1']],
      ['Chương II', 'TỔ CHỨC THỰC HIỆN', ['Điều 2']],
      ['Chương III', 'ĐIỀU KHOẢN THI HÀNH', ['Điều 3']],
    ]);
  });

  it('without chapters, an upper-case line before an article stays text', () => {
    const d = extract(doc(['Điều 1. Phạm vi', 'Quy chế này quy định.', 'CÁC ĐƠN VỊ', 'Điều 2. Hiệu lực', 'Có hiệu lực.']));
    expect(d.sections.map((s) => s.number)).toEqual(['Điều 1', 'Điều 2']);
  });

  it('"_. 1 QUY HOẠCH …": specks and a "1" for "I" before an upper-case heading make roman I', () => {
    const d = extract(doc(['Đối tượng thực hiện báo cáo.', '_. 1 QUY HOẠCH TỈNH', 'Chủ trì xây dựng kế hoạch.', 'II. TỔ CHỨC THỰC HIỆN', 'Các sở thực hiện.']));
    expect(d.sections.map((s) => [s.number, s.title])).toEqual([
      ['I', 'QUY HOẠCH TỈNH'],
      ['II', 'TỔ CHỨC THỰC HIỆN'],
    ]);
  });

  it('a report whose type line OCR lost: the centred block under the header is still its title', () => {
    const body = (y: number, text: string): OcrLine => line(ok(text), 250, y);
    const blocks = (title: OcrLine[]): OcrBlock[] => [
      ...header().map((b, k) => (k === 0 ? block('left', [...b.lines.slice(0, 2), line(ok('Số: 616/BC-UBND'), 320, 260)]) : b)),
      block('full', title),
      block('full', [
        body(700, 'Là định hướng phát triển cảng hàng không, sân bay được xác định trong quy hoạch.'),
        body(750, 'Đủ 16 tuổi trở lên và không quá 55 tuổi đối với nữ, 60 tuổi đối với nam, như sau:'),
        body(800, 'Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc rà soát các quy hoạch ngành.'),
      ]),
    ];
    const bodyLines = blocks([])[3]!.lines;
    const mid = (Math.min(...bodyLines.map((l) => l.bbox[0])) + Math.max(...bodyLines.map((l) => l.bbox[2]))) / 2;
    const centred = (text: string, y: number): OcrLine => {
      const width = 20 * text.replace(/ /g, '').length + 15 * (text.split(' ').length - 1);
      return line(ok(text), Math.round(mid - width / 2), y);
    };
    const d = extract([page(blocks([centred('Quy hoạch tỉnh: chi tiết đến', 500), centred('đơn vị hành chính cấp xã', 550)]))]);
    expect([d.type, d.title]).toEqual(['BÁO CÁO', 'Quy hoạch tỉnh: chi tiết đến đơn vị hành chính cấp xã']);
    // A sentence at the left margin is body, not title.
    const e = extract([page(blocks([body(500, 'Thực hiện kế hoạch của tỉnh, Ủy ban báo cáo kết quả như sau:')]))]);
    expect([e.type, e.title]).toEqual(['BÁO CÁO', null]);
  });
});

describe('title under the type in another OCR block', () => {
  it('a title opening like a basis ("Theo đề nghị …") is still the title when a blank line parts it from the type', () => {
    const text = ['UBND TỈNH BẾN TRE', 'SỞ NỘI VỤ', 'Số: 15/BC-SNV', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Bến Tre, ngày 3 tháng 11 năm 2026', 'BÁO CÁO', '', 'Theo đề nghị của ông, bà trưởng', 'phòng (chức năng, nghiệp vụ)', '', 'A.1) Danh mục dùng chung, bao gồm các danh mục sau đây.'].join('\n');
    expect(extract(text).title).toBe('Theo đề nghị của ông, bà trưởng phòng (chức năng, nghiệp vụ)');
  });
});

describe('a margin note before a numbered line, after restoration', () => {
  it('a doubtful word wholly left of the text margin is dropped, also when the restorer already dropped the tall mark beside it', () => {
    const body = (y: number, text: string, x = 270): OcrLine => line(ok(text), x, y);
    const numbered = line([['AY^', 0, [67, 744, 127, 834]], ['w', 48, [94, 668, 124, 726]], ...ok('1. Triệu tập và hỏi cung bị can theo quy định')], 274, 710);
    const ocr = page([
      ...header(),
      block('full', [line(ok('BÁO CÁO'), 1050, 400), line(ok('Kết quả công tác quý I'), 950, 460)]),
      block('full', [
        body(560, 'Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc rà soát.'),
        body(610, 'Các đơn vị đã triển khai đầy đủ các nội dung được giao trong quý.'),
        numbered,
        body(800, '2. Tổ chức thực hiện các nhiệm vụ được giao trong năm'),
        body(850, 'Các sở, ban, ngành phối hợp thực hiện đầy đủ và kịp thời.'),
        body(900, 'Ủy ban nhân dân các huyện báo cáo kết quả về Sở Nội vụ.'),
      ]),
    ]);
    const text = ocr.text.replace('AY^ w 1.', 'w 1.');
    const restored = { ocr, text, words: [], confidence: 90 } as unknown as RestoredPage;
    const doc = extract([restored]);
    expect(doc.sections.map((s) => s.number)).toEqual(['1', '2']);
    expect(doc.sections[0]!.title ?? doc.sections[0]!.text).toBe('Triệu tập và hỏi cung bị can theo quy định');
  });
});
