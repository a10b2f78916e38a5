// What OCR does to the layout of Nghị định 30/2020 on scans, and the conventions that read through it:
// each case is a general form (a lost numeral, a speck in a blank, a mark's coarse box), not a document of the test data.
import { describe, expect, it } from 'vitest';
import { extract } from '../src/structure/index.js';
import { findPlaceDate } from '../src/structure/date.js';
import type { BBox, OcrLine, OcrPage } from '../src/types.js';
import { PLAN_HEAD, RULES_HEAD } from './helpers/plan-text.js';

/** An OCR line whose words are laid out left to right from x0, each with its confidence. */
function line(words: Array<[string, number]>, x0: number, y: number): OcrLine {
  let x = x0;
  const ws = words.map(([text, conf]) => {
    const bbox: BBox = [x, y, x + 20 * text.length, y + 40];
    x += 20 * text.length + 15;
    return { text, conf, bbox };
  });
  return { text: words.map((w) => w[0]).join(' '), conf: ws.reduce((s, w) => s + w.conf, 0) / ws.length, bbox: [x0, y, x, y + 40], words: ws };
}

function letterPage(numberLine: OcrLine, subject: OcrLine[], placeDate: OcrLine, marks: OcrPage['marks'] = []): OcrPage {
  const blocks: OcrPage['blocks'] = [
    {
      column: 'left',
      bbox: [100, 100, 1000, 600],
      lines: [line([['ỦY', 95], ['BAN', 95], ['NHÂN', 95], ['DÂN', 95]], 200, 100), line([['TỈNH', 95], ['QUẢNG', 95], ['NAM', 95]], 200, 150), numberLine, ...subject],
    },
    {
      column: 'right',
      bbox: [1200, 100, 2300, 400],
      lines: [
        line([['CỘNG', 95], ['HÒA', 95], ['XÃ', 95], ['HỘI', 95], ['CHỦ', 95], ['NGHĨA', 95], ['VIỆT', 95], ['NAM', 95]], 1200, 100),
        line([['Độc', 95], ['lập', 95], ['-', 95], ['Tự', 95], ['do', 95], ['-', 95], ['Hạnh', 95], ['phúc', 95]], 1300, 150),
        placeDate,
      ],
    },
    { column: 'full', bbox: [200, 700, 2300, 800], lines: [line([['Kính', 95], ['gửi:', 95], ['Các', 95], ['sở,', 95], ['ban,', 95], ['ngành.', 95]], 600, 700)] },
  ];
  return { pageNumber: 1, width: 2480, height: 3508, dpi: 300, skew: 0, rotation: 0, steps: [], text: blocks.map((b) => b.lines.map((l) => l.text).join('\n')).join('\n\n'), confidence: 90, blocks, marks };
}

const placeDate = line([['Tam', 95], ['Kỳ,', 95], ['ngày', 95], ['12', 95], ['tháng', 95], ['4', 95], ['năm', 95], ['2024', 95]], 1300, 250);

describe('letters read by OCR', () => {
  it('a figure apart in the number blank, read with low confidence, is handwriting: the number is refused, the symbol kept', () => {
    const page = letterPage(line([['Số:', 60], ['1+45', 18], ['/UBND-VP', 80]], 250, 250), [line([['V/v', 92], ['tổ', 95], ['chức', 95], ['hội', 95], ['nghị', 95]], 200, 300)], placeDate);
    const doc = extract([page]);
    expect([doc.number, doc.symbol]).toEqual([null, 'UBND-VP']);
    expect(doc.fields.number!.confidence).toBeLessThan(0.5);
  });

  it('an incoming-mail stamp read above the header ("Số: ..ZVA") is not the number line', () => {
    const page = letterPage(line([['Số:', 93], ['286/UBND-VX', 92]], 250, 250), [line([['V/v', 92], ['tổ', 95], ['chức', 95]], 200, 300)], placeDate);
    page.blocks.unshift({ column: 'full', bbox: [250, 10, 500, 50], lines: [line([['Số:', 60], ['..ZVA', 50]], 250, 10)] });
    const doc = extract([page]);
    expect([doc.agency, doc.number, doc.symbol]).toEqual(['ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM', '286', 'UBND-VX']);
  });

  it('a printed number set against its "/" stays, whatever OCR thought of the token', () => {
    const page = letterPage(line([['Số:', 88], ['593/UBND-VP', 0]], 250, 250), [line([['V/v', 92], ['tổ', 95], ['chức', 95]], 200, 300)], placeDate);
    expect(extract([page]).number).toBe('593');
  });

  it('a blank number line read with next to no confidence (the pen figures taken out) still gives the symbol', () => {
    const page = letterPage(line([['Số:', 16], ['/UBND-VP', 40]], 250, 250), [line([['V/v', 92], ['tổ', 95], ['chức', 95]], 200, 300)], placeDate);
    const doc = extract([page]);
    expect([doc.number, doc.symbol]).toEqual([null, 'UBND-VP']);
  });

  it('a "V/v" label read beyond recognition still opens the subject under the number', () => {
    const subject = [line([['VAấy', 0], ['bảo', 96], ['đảm', 93], ['an', 95], ['toàn', 95], ['giao', 95], ['thông', 95]], 200, 300), line([['trong', 95], ['dịp', 95], ['nghỉ', 95], ['hè', 95]], 200, 350)];
    const doc = extract([letterPage(line([['Số:', 93], ['12/UBND-VP', 92]], 250, 250), subject, placeDate)]);
    expect([doc.type, doc.title]).toEqual(['CÔNG VĂN', 'bảo đảm an toàn giao thông trong dịp nghỉ hè']);
  });

  it('so does a garbled label the restorer turned into a short word ("Vay", "Vy") read unconfidently, but not one read clearly, nor "Về" opening the subject', () => {
    const read = (label: string, conf: number): Array<string | null> => {
      const subject = [line([[label, conf], ['tổ', 96], ['chức', 93], ['hội', 95], ['nghị', 95]], 200, 300)];
      const doc = extract([letterPage(line([['Số:', 93], ['12/UBND-VP', 92]], 250, 250), subject, placeDate)]);
      return [doc.type, doc.title];
    };
    for (const label of ['Vay', 'Vy']) expect(read(label, 30)).toEqual(['CÔNG VĂN', 'tổ chức hội nghị']);
    expect(read('Vay', 95)[1]).not.toBe('tổ chức hội nghị');
    const subject = [line([['Về', 95], ['việc', 96], ['tổ', 96], ['chức', 93], ['hội', 95], ['nghị', 95]], 200, 300)];
    expect(extract([letterPage(line([['Số:', 93], ['12/UBND-VP', 92]], 250, 250), subject, placeDate)]).title).not.toBe('việc tổ chức hội nghị');
  });

  it("a margin note's coarse box over the first printed word of a line leaves that word, read confidently, in place", () => {
    const subject = [line([['V/v', 92], ['thông', 95], ['báo', 95], ['hoạt', 95], ['động', 95], ['của', 95]], 150, 300), line([['Hội', 96], ['Chữ', 95], ['thập', 95], ['đỏ', 95]], 250, 350)];
    const page = letterPage(line([['Số:', 93], ['12/UBND-VP', 92]], 250, 250), subject, placeDate, [{ kind: 'handwriting', bbox: [0, 340, 320, 1800], confidence: 0.7 }]);
    expect(extract([page]).title).toBe('thông báo hoạt động của Hội Chữ thập đỏ');
  });

  it('a blank day with strokes or specks in it gives no date and keeps the date as printed', () => {
    for (const text of ['Đà Nẵng, ngày /§tháng 10 năm 2023', 'Sơn Dương, ngày. : tháng 12 năm 2022']) {
      const pd = findPlaceDate(text)!;
      expect(pd.date).toBeNull();
      expect(pd.dateText).toMatch(/^ngày tháng \d+ năm \d{4}$/);
      expect(pd.place).toBe(text.split(',')[0]);
    }
  });
});

const doc = (body: string[], closing: string[] = []): string =>
  ['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NAM', 'Số: 12/KH-UBND', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Tam Kỳ, ngày 12 tháng 4 năm 2024', '', 'KẾ HOẠCH', 'Kiểm tra công tác văn thư năm 2024', '', ...body, '', ...closing].join('\n');

describe('section numbers OCR lost or misread', () => {
  it('an upper-case heading whose "I." or "II." was lost, before a "1." that starts again, takes the next roman number', () => {
    const d = extract(doc(['MỤC ĐÍCH, YÊU CẦU', '1. Mục đích', 'Nâng cao chất lượng.', '2. Yêu cầu', 'Đúng quy định.', 'NỘI DUNG KIỂM TRA', '1. Hồ sơ', 'Kiểm tra hồ sơ.']));
    expect(d.sections.map((s) => [s.number, s.title, s.children.length])).toEqual([
      ['I', 'MỤC ĐÍCH, YÊU CẦU', 2],
      ['II', 'NỘI DUNG KIỂM TRA', 1],
    ]);
  });

  it('"Chương H" is Chương II, and a chapter closes the articles of the one before even when that chapter heading was lost', () => {
    const d = extract(
      ['QUY ĐỊNH', 'Về công tác văn thư', '', 'Điều 1. Phạm vi', 'Quy định này áp dụng.', 'Chương H', 'TỔ CHỨC THỰC HIỆN', 'Điều 2. Hiệu lực', 'Quy định có hiệu lực.'].join('\n'),
    );
    expect(d.sections.map((s) => [s.number, s.children.map((c) => c.number)])).toEqual([
      ['Điều 1', []],
      ['Chương II', ['Điều 2']],
    ]);
  });

  it('"4.1." read as "44." under "4." before "4.2." is the sub-item; a lone heading line whose "2." was lost between "1." and "3." is 2', () => {
    const d = extract(doc(['1. Mục đích', 'Nâng cao chất lượng.', '', 'Doanh thu tài chính', '', 'Số liệu quý.', '', '3. Tổ chức', 'Các phòng thực hiện.', '4. Kinh phí', '44. Nguồn ngân sách;', '4.2. Nguồn khác;']));
    const shape = (xs: typeof d.sections): unknown[] => xs.map((s) => (s.children.length ? [s.number, shape(s.children)] : s.number));
    expect(shape(d.sections)).toEqual(['1', '2', '3', ['4', ['4.1', '4.2']]]);
    expect(d.sections[1]!.title).toBe('Doanh thu tài chính');
  });

  it('a dash glued to a lower-case word under an unfinished sentence continues it', () => {
    const d = extract(doc(['1. Đăng ký sản phẩm đối với phụ gia thực phẩm hỗn', '-hợp có công dụng mới.', '- Hồ sơ gồm các giấy tờ.']));
    expect(d.sections[0]!.text).toBe('Đăng ký sản phẩm đối với phụ gia thực phẩm hỗn hợp có công dụng mới.\n- Hồ sơ gồm các giấy tờ.');
  });
});

describe('signature block', () => {
  it('under "KT. GIÁM ĐỐC" the damaged title line is the deputy\'s, "PHÓ GIÁM ĐỐC"', () => {
    const d = extract(doc(['1. Nội dung', 'Kiểm tra hồ sơ.'], ['Nơi nhận:', '- Lưu: VT.', '', 'KT. GIÁM ĐỐC', 'PHO GIAM DOC', '', 'Lê Văn An']));
    expect(d.signer).toEqual({ authority: 'KT. GIÁM ĐỐC', authorityLines: ['KT. GIÁM ĐỐC'], title: 'PHÓ GIÁM ĐỐC', name: 'Lê Văn An' });
  });

  it('an appendix after a closing whose name OCR lost gives the signer no name and keeps its own section', () => {
    const d = extract(doc(['1. Nội dung', 'Kiểm tra hồ sơ.'], ['Nơi nhận:', '- Lưu: VT.', '', 'KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', '', 'Phụ lục', 'DANH MỤC HỒ SƠ', '1. Hồ sơ']));
    expect(d.signer?.name).toBeNull();
    expect(d.sections.map((s) => s.number)).toEqual(['1', 'Phụ lục']);
  });
});

describe('lettered items and wrapped sentences as OCR splits them', () => {
  const body = (lines: string[]): string => [...PLAN_HEAD, ...lines].join('\n');

  it('reads a lettered item behind specks, and a capital that OCR chose for its small letter', () => {
    const doc = extract(
      body([
        'I. NỘI DUNG',
        'a) Rà soát các thủ tục hành chính trên địa bàn tỉnh;',
        '..b) Thay đổi nguồn dữ liệu đầu vào của hệ thống;',
        '.C) Miễn, giảm giá vé cho người cao tuổi theo quy định;',
      ]),
    );
    expect(doc.sections[0]!.children.map((s) => s.number)).toEqual(['a', 'b', 'c']);
  });

  it('reads "IL" before an upper-case heading as the roman II', () => {
    const doc = extract(body(['I. MỤC ĐÍCH', '1. Bảo đảm tiến độ.', 'IL ĐÔ THỊ LOẠI I', '1. Cáp mạng']));
    expect(doc.sections.map((s) => [s.number, s.title])).toEqual([
      ['I', 'MỤC ĐÍCH'],
      ['II', 'ĐÔ THỊ LOẠI I'],
    ]);
  });

  it('keeps one sentence that ran to full width before a blank line OCR put inside it', () => {
    const full = 'Thông tư này có hiệu lực thi hành kể từ ngày 5 tháng 5 năm 2015 và thay thế';
    const doc = extract(
      body([
        'I. HIỆU LỰC',
        `1. ${full}`,
        '',
        'Thông tư số 100/2007/TT-BTC ngày 15 tháng 8 năm 2007 của Bộ Tài chính hướng',
        'dẫn việc quản lý và sử dụng kinh phí Giải báo chí quốc gia.',
        '',
        'Các sở, ngành tổ chức thực hiện Kế hoạch này theo đúng quy định hiện hành.',
        '2. Văn bản này được gửi đến các cơ quan, đơn vị có liên quan để thực hiện.',
      ]),
    );
    const one = doc.sections[0]!.children[0]!;
    expect(one.text.split('\n')[0]).toBe(`${full} Thông tư số 100/2007/TT-BTC ngày 15 tháng 8 năm 2007 của Bộ Tài chính hướng dẫn việc quản lý và sử dụng kinh phí Giải báo chí quốc gia.`);
    expect(one.text.split('\n')[1]).toMatch(/^Các sở/);
  });
});

describe('chapter headings as OCR splits them', () => {
  const qc = (lines: string[]): string => [...RULES_HEAD, ...lines].join('\n');

  it('a speck after "Chương I" is no title, and a title wrapped into its own block stays one chapter', () => {
    const doc = extract(
      qc([
        'Chương I _',
        'QUY ĐỊNH CHUNG',
        '',
        'Điều 1. Phạm vi điều chỉnh',
        'Quy chế này quy định việc quản lý hoạt động của Tổ công tác.',
        '',
        'Chương II',
        '',
        'THAM GIA HOẠT ĐỘNG CỦA TỔ CHỨC,',
        '',
        'CÁ NHÂN',
        'Điều 2. Trách nhiệm thi hành',
        'Các cơ quan, đơn vị tổ chức thực hiện Quy chế này.',
      ]),
    );
    expect(doc.sections.map((s) => [s.number, s.title])).toEqual([
      ['Chương I', 'QUY ĐỊNH CHUNG'],
      ['Chương II', 'THAM GIA HOẠT ĐỘNG CỦA TỔ CHỨC, CÁ NHÂN'],
    ]);
    expect(doc.sections[1]!.children.map((s) => s.number)).toEqual(['Điều 2']);
  });
});

describe('article numbers OCR misread, told by the sequence of articles', () => {
  const nq = (heads: string[]): string[] =>
    extract(
      [
        'HỘI ĐỒNG NHÂN DÂN',
        'TỈNH SÓC TRĂNG',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'NGHỊ QUYẾT',
        'Về việc thông qua kế hoạch đầu tư công năm 2025',
        'QUYẾT NGHỊ:',
        ...heads.flatMap((h) => [h, 'Các cơ quan, đơn vị có liên quan tổ chức thực hiện.']),
      ].join('\n'),
    ).sections.map((s) => s.number);

  it.each([
    [['Điều 1. Thông qua', 'Điều 7. Giao Ủy ban', 'Điều 3. Hiệu lực'], ['Điều 1', 'Điều 2', 'Điều 3']],
    [['Điều l. Thông qua', 'Điều 2. Giao Ủy ban', 'Điều 3. Hiệu lực'], ['Điều 1', 'Điều 2', 'Điều 3']],
    [['Điều 9. Thông qua', 'Điều 1O. Giao Ủy ban', 'Điều 11. Hiệu lực'], ['Điều 9', 'Điều 10', 'Điều 11']],
    // An excerpt that starts at Điều 5 keeps its numbers.
    [['Điều 5. Thông qua', 'Điều 6. Giao Ủy ban'], ['Điều 5', 'Điều 6']],
  ])('%j → %j', (heads, numbers) => {
    expect(nq(heads)).toEqual(numbers);
  });
});

describe('header fields the type line and fixed phrases put right', () => {
  const head = (numberLine: string, type: string, after: string[] = []): ReturnType<typeof extract> =>
    extract(
      [
        'ỦY BAN NHÂN DÂN',
        'TỈNH PHÚ YÊN',
        numberLine,
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Phú Yên, ngày 12 tháng 11 năm 2022',
        type,
        'Quản lý hoạt động của Tổ công tác',
        ...after,
        'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;',
      ].join('\n'),
    );

  it.each([
    ['Số: 12/QCG-UBND', 'QUY CHẾ', 'QC-UBND'],
    ['Số: 12/QVĐ-UBND', 'QUY ĐỊNH', 'QyĐ-UBND'],
    ['Số ZQyĐ-SGDĐT', 'QUY ĐỊNH', 'QyĐ-SGDĐT'],
    // Another abbreviation is a symbol as printed (a Quy chế issued under a decision's number), not a slip.
    ['Số: 12/QĐ-UBND', 'QUY CHẾ', 'QĐ-UBND'],
    ['Số: 12/KH-UBND', 'KẾ HOẠCH', 'KH-UBND'],
  ])('%s under %s → %s', (line, type, symbol) => {
    expect(head(line, type).symbol).toBe(symbol);
  });

  it('puts back the accents of an authority opening read with a wrong mark, names after it as read', () => {
    const doc = head('Số: 12/NQ-HĐND', 'NGHỊ QUYẾT', ['HỘI ĐÔNG NHÂN DÂN HUYỆN DIÊN KHÁNH', 'KHÓA XIX, KỲ HỌP THỨ CHUYÊN ĐỀ']);
    expect(doc.authority).toBe('HỘI ĐỒNG NHÂN DÂN HUYỆN DIÊN KHÁNH KHÓA XIX, KỲ HỌP THỨ CHUYÊN ĐỀ');
  });
});

describe('chapter numbers told by the sequence of chapters', () => {
  const qc = (lines: string[]): Array<[string, string[]]> =>
    extract([...RULES_HEAD, ...lines].join('\n')).sections.map((s) => [s.number, s.children.map((c) => c.number)]);
  const art = (n: number): string[] => [`Điều ${n}. Nội dung`, 'Các cơ quan, đơn vị tổ chức thực hiện.'];

  it('a chapter number misread between two that keep the sequence', () => {
    expect(qc(['Chương I', 'QUY ĐỊNH CHUNG', ...art(1), 'Chương V', 'TỔ CHỨC THỰC HIỆN', ...art(2), 'Chương III', 'ĐIỀU KHOẢN THI HÀNH', ...art(3)])).toEqual([
      ['Chương I', ['Điều 1']],
      ['Chương II', ['Điều 2']],
      ['Chương III', ['Điều 3']],
    ]);
  });

  it('"Chương I" lost above the first article while "Chương II" was read', () => {
    expect(qc(['QUY ĐỊNH CHUNG', ...art(1), 'Chương II', 'TỔ CHỨC THỰC HIỆN', ...art(2)])).toEqual([
      ['Chương I', ['Điều 1']],
      ['Chương II', ['Điều 2']],
    ]);
  });
});

describe('a year OCR split or misread', () => {
  it.each([
    ['Bắc Kạn, ngày 18 tháng 4 năm 202 T', '2021-04-18'],
    ['Bắc Kạn, ngày 18 tháng 4 năm 202 1', '2021-04-18'],
    ['Bắc Kạn, ngày 18 tháng 4 năm 2021', '2021-04-18'],
  ])('%s → %s', (line, date) => {
    expect(findPlaceDate(line)?.date).toBe(date);
  });
});
