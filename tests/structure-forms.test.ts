// The layouts of Nghị định 30/2020 (Phụ lục I) and the ways drafts and OCR vary them:
// each case is a general form of the standard, not a document from the test data.
import { describe, expect, it } from 'vitest';
import { extract } from '../src/structure/index.js';
import { findPlaceDate } from '../src/structure/date.js';
import { splitHeading } from '../src/structure/sections.js';
import type { OcrPage } from '../src/types.js';

const header = (agency: string[], numberLine: string, placeDate: string): string[] => [
  ...agency,
  numberLine,
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  placeDate,
  '',
];

describe('place and date line', () => {
  it.each([
    ['Hà Nội, ngày 05 tháng 3 năm 2024', 'Hà Nội', '2024-03-05', 'ngày 05 tháng 3 năm 2024'],
    ['Hà Nội, ngày tháng năm 2026', 'Hà Nội', null, 'ngày tháng năm 2026'],
    ['Hà Nội, ngày      tháng 4 năm 2026', 'Hà Nội', null, 'ngày tháng 4 năm 2026'],
    ['Cần Thơ, ngày.....tháng.....năm 2025', 'Cần Thơ', null, 'ngày tháng năm 2025'],
    ['TP. Hồ Chí Minh, ngày 05/3/2024', 'TP. Hồ Chí Minh', '2024-03-05', 'ngày 05/3/2024'],
    ['Thành phố Hồ Chí Minh, ngày 12 tháng 02 năm 2024', 'Thành phố Hồ Chí Minh', '2024-02-12', 'ngày 12 tháng 02 năm 2024'],
    ['Đà Nẵng, ngày 24 tháng 5 năm 2019', 'Đà Nẵng', '2019-05-24', 'ngày 24 tháng 5 năm 2019'],
    // OCR glues or splits the figures and the words.
    ['Đà Nẵng, ngày 26tháng 5 năm 2019', 'Đà Nẵng', '2019-05-26', 'ngày 26 tháng 5 năm 2019'],
    ['Đà Nẵng, ngày2 6 tháng 5 năm 2019', 'Đà Nẵng', '2019-05-26', 'ngày 26 tháng 5 năm 2019'],
    ['Hải Phòng,ngày 3tháng4năm2025', 'Hải Phòng', '2025-04-03', 'ngày 3 tháng 4 năm 2025'],
    // Accents lost: the place and the date words are put back.
    ['Da Nang, ngay 24 thang 5 nam 2019', 'Đà Nẵng', '2019-05-24', 'ngày 24 tháng 5 năm 2019'],
    // A district town is kept as printed.
    ['Phú Quốc, ngày 3 tháng 4 năm 2025', 'Phú Quốc', '2025-04-03', 'ngày 3 tháng 4 năm 2025'],
  ])('%s', (line, place, date, dateText) => {
    const pd = findPlaceDate(line);
    expect(pd).not.toBeNull();
    expect([pd!.place, pd!.date, pd!.dateText]).toEqual([place, date, dateText]);
  });

  it('an impossible date is kept as text, with no ISO date and a lower confidence', () => {
    const pd = findPlaceDate('Hà Nội, ngày 31 tháng 2 năm 2024')!;
    expect(pd.date).toBeNull();
    expect(pd.dateText).toBe('ngày 31 tháng 2 năm 2024');
    expect(pd.confidence).toBeLessThan(0.8);
  });

  it('the header read right column first, with the date before the motto', () => {
    const doc = extract(
      [
        'Đà Nẵng, ngày 24 tháng 5 năm 2019',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'ỦY BAN NHÂN DÂN',
        'THÀNH PHỐ ĐÀ NẴNG',
        'Số: 274/UBND-KT',
        'V/v triển khai thực hiện kế hoạch',
        'Kính gửi: Sở Tài chính.',
        'Ủy ban nhân dân thành phố có ý kiến như sau.',
      ].join('\n'),
    );
    expect([doc.agency, doc.number, doc.place, doc.date, doc.type, doc.title]).toEqual([
      'ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG',
      '274',
      'Đà Nẵng',
      '2019-05-24',
      'CÔNG VĂN',
      'triển khai thực hiện kế hoạch',
    ]);
  });
});

describe('title and issuing authority', () => {
  it('a plan whose upper-case title runs on three lines after a blank line', () => {
    const doc = extract(
      [
        ...header(['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], 'Số: 45/KH-UBND', 'Lào Cai, ngày 10 tháng 01 năm 2025'),
        'KẾ HOẠCH',
        '',
        'TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH',
        'TRÊN ĐỊA BÀN TỈNH',
        'NĂM 2025',
        '',
        'Thực hiện Nghị quyết của Chính phủ, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:',
        'I. MỤC ĐÍCH, YÊU CẦU',
      ].join('\n'),
    );
    expect(doc.title).toBe('TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH TRÊN ĐỊA BÀN TỈNH NĂM 2025');
    expect(doc.authority).toBeNull();
    expect(doc.sections[0]).toMatchObject({ number: 'I', title: 'MỤC ĐÍCH, YÊU CẦU' });
  });

  it('an upper-case title directly followed by the body sentence', () => {
    const doc = extract(
      [
        ...header(['SỞ NỘI VỤ'], 'Số: 12/BC-SNV', 'Hà Nội, ngày 10 tháng 01 năm 2025'),
        'BÁO CÁO',
        'KẾT QUẢ CÔNG TÁC NĂM 2024',
        'Sở Nội vụ báo cáo kết quả công tác năm 2024 như sau:',
      ].join('\n'),
    );
    expect(doc.title).toBe('KẾT QUẢ CÔNG TÁC NĂM 2024');
    expect(doc.preamble).toEqual(['Sở Nội vụ báo cáo kết quả công tác năm 2024 như sau:']);
  });

  it('a title written on one long line', () => {
    const long = 'Về việc phê duyệt danh mục các nhiệm vụ khoa học và công nghệ cấp tỉnh đặt hàng để tuyển chọn thực hiện từ năm 2025';
    const doc = extract([...header(['ỦY BAN NHÂN DÂN', 'TỈNH BẮC NINH'], 'Số: 7/QĐ-UBND', 'Bắc Ninh, ngày 2 tháng 01 năm 2025'), 'QUYẾT ĐỊNH', long, 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH', 'Căn cứ Luật Khoa học và Công nghệ;'].join('\n'));
    expect(doc.title).toBe(long);
    expect(doc.authority).toBe('ỦY BAN NHÂN DÂN TỈNH BẮC NINH');
    expect(doc.bases).toEqual(['Căn cứ Luật Khoa học và Công nghệ;']);
  });

  it.each([
    ['CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM', ['CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM']],
    ['two lines', ['CHỦ TỊCH ỦY BAN NHÂN DÂN', 'THÀNH PHỐ HỒ CHÍ MINH']],
    ['after a rule and a blank', ['_______', '', 'GIÁM ĐỐC SỞ TÀI CHÍNH']],
  ])('a decision: the authority line (%s) is its own field, not title', (_name, authority) => {
    const doc = extract(
      [
        ...header(['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NAM'], 'Số: 1250/QĐ-UBND', 'Quảng Nam, ngày 08 tháng 9 năm 2025'),
        'QUYẾT ĐỊNH',
        'Về việc thành lập Tổ công tác rà soát',
        'thủ tục hành chính năm 2025',
        ...authority,
        '',
        'Căn cứ Luật Tổ chức chính quyền địa phương;',
        '',
        'QUYẾT ĐỊNH:',
        'Điều 1. Thành lập Tổ công tác.',
      ].join('\n'),
    );
    expect(doc.title).toBe('Về việc thành lập Tổ công tác rà soát thủ tục hành chính năm 2025');
    expect(doc.authority).toBe(authority.filter((l) => /\p{L}/u.test(l)).join(' '));
    expect(doc.fields.authority).toMatchObject({ page: 1 });
    expect(doc.fields.authority!.confidence).toBeGreaterThan(0.5);
    expect(doc.preamble).toEqual([]);
  });

  it('a resolution: the council and its session line form the authority', () => {
    const doc = extract(
      [
        ...header(['HỘI ĐỒNG NHÂN DÂN', 'TỈNH NINH BÌNH'], 'Số: 15/NQ-HĐND', 'Ninh Bình, ngày 10 tháng 12 năm 2024'),
        'NGHỊ QUYẾT',
        'Quy định mức chi hỗ trợ công tác hòa giải ở cơ sở',
        'HỘI ĐỒNG NHÂN DÂN TỈNH NINH BÌNH',
        'KHÓA XV, KỲ HỌP THỨ 24',
        'Căn cứ Luật Tổ chức chính quyền địa phương;',
        'QUYẾT NGHỊ:',
        'Điều 1. Quy định mức chi.',
      ].join('\n'),
    );
    expect(doc.title).toBe('Quy định mức chi hỗ trợ công tác hòa giải ở cơ sở');
    expect(doc.authority).toBe('HỘI ĐỒNG NHÂN DÂN TỈNH NINH BÌNH KHÓA XV, KỲ HỌP THỨ 24');
  });

  it('an unaccented decision read by OCR: type, title and authority with case slips', () => {
    const doc = extract(
      [
        'UY BAN NHAN DAN',
        'TINH QUANG NAM',
        'So: 12/QD-UBND',
        'CONG HOA XA HOI CHU NGHIA VIET NAM',
        'Doc lap - Tu do - Hanh phuc',
        'Quang Nam, ngay 8 thang 9 nam 2025',
        'QUYET DjNH',
        'Ve viec giao chi tieu ke hoach nam 2025',
        'CHU TICH UY BAN NHAN DAN TINH QUANG NAM',
        'Can cu Luat To chuc chinh quyen dia phuong;',
      ].join('\n'),
    );
    expect([doc.type, doc.title, doc.authority, doc.place, doc.date]).toEqual([
      'QUYẾT ĐỊNH',
      'Ve viec giao chi tieu ke hoach nam 2025',
      'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM',
      'Quảng Nam',
      '2025-09-08',
    ]);
  });

  it('a notice: "Về việc …" under the type is the title, the body starts after it', () => {
    const doc = extract(
      [
        ...header(['BỘ TÀI CHÍNH'], 'Số: 3/TB-BTC', 'Hà Nội, ngày 2 tháng 01 năm 2025'),
        'THÔNG BÁO',
        'Về việc nghỉ Tết Nguyên đán năm 2025',
        'Bộ Tài chính thông báo lịch nghỉ Tết như sau:',
        '1. Thời gian nghỉ: từ ngày 25 tháng 01 năm 2025.',
      ].join('\n'),
    );
    expect(doc.title).toBe('Về việc nghỉ Tết Nguyên đán năm 2025');
    expect(doc.sections[0]).toMatchObject({ number: '1', title: null, text: 'Thời gian nghỉ: từ ngày 25 tháng 01 năm 2025.' });
  });

  it('a letter: the V/v block on three lines ends at the addressees', () => {
    const doc = extract(
      [
        'SỞ GIÁO DỤC VÀ ĐÀO TẠO',
        'Số: 2635/SGDĐT-VP',
        'V/v tăng cường công tác',
        'phòng, chống dịch bệnh',
        'trong trường học',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Đà Nẵng, ngày 24 tháng 5 năm 2019',
        '',
        'Kính gửi: Các trường trung học phổ thông.',
        'Sở Giáo dục và Đào tạo đề nghị các đơn vị thực hiện.',
      ].join('\n'),
    );
    expect([doc.type, doc.title, doc.place, doc.date]).toEqual(['CÔNG VĂN', 'tăng cường công tác phòng, chống dịch bệnh trong trường học', 'Đà Nẵng', '2019-05-24']);
    expect(doc.addressees).toEqual(['Các trường trung học phổ thông']);
  });

  it.each([
    // Lower-case wraps that open like a body sentence or a place and date are still title.
    ['a wrap on "trong thời gian"', ['Tổ chức tiếp dân', 'trong thời gian nghỉ Tết Nguyên đán'], 'Tổ chức tiếp dân trong thời gian nghỉ Tết Nguyên đán'],
    ['a wrap on a date', ['Danh mục thủ tục hành chính áp dụng', 'kể từ ngày 01 tháng 7 năm 2025'], 'Danh mục thủ tục hành chính áp dụng kể từ ngày 01 tháng 7 năm 2025'],
    // A title line ending on ":" goes on, even on a capital.
    ['a line ending on a colon', ['Hồ sơ thuộc diện kiểm tra trước:', 'Thực hiện kiểm tra tại trụ sở'], 'Hồ sơ thuộc diện kiểm tra trước: Thực hiện kiểm tra tại trụ sở'],
    // The line under the type is the title whatever its first words.
    ['a title opening on "Thực hiện"', ['Thực hiện chuyển đổi số năm 2025'], 'Thực hiện chuyển đổi số năm 2025'],
    // Units and acronyms in brackets are print.
    ['a unit in brackets', ['Tỷ lệ hộ nghèo theo xã (%)'], 'Tỷ lệ hộ nghèo theo xã (%)'],
    ['an acronym in brackets on its own line', ['Chỉ số cải cách hành chính', '(PAR INDEX) năm 2024'], 'Chỉ số cải cách hành chính (PAR INDEX) năm 2024'],
    ['a bracket wrapped at "(%"', ['Tỷ lệ giải ngân vốn đầu tư công (%', 'so với kế hoạch giao)'], 'Tỷ lệ giải ngân vốn đầu tư công (% so với kế hoạch giao)'],
  ])('a report title: %s', (_name, title, want) => {
    const doc = extract(
      [
        ...header(['ỦY BAN NHÂN DÂN', 'HUYỆN NAM ĐÀN'], 'Số: 15/BC-UBND', 'Nam Đàn, ngày 4 tháng 3 năm 2025'),
        'BÁO CÁO',
        ...title,
        'Ủy ban nhân dân huyện báo cáo kết quả thực hiện như sau:',
        'I. KẾT QUẢ ĐẠT ĐƯỢC',
      ].join('\n'),
    );
    expect([doc.type, doc.title, doc.place]).toEqual(['BÁO CÁO', want, 'Nam Đàn']);
  });

  it('stray marks of a stamp or a pen stroke at the edges of title lines are not title', () => {
    const doc = extract(
      [
        ...header(['ỦY BAN NHÂN DÂN', 'HUYỆN NAM ĐÀN'], 'Số: 5/KH-UBND', 'Nam Đàn, ngày 4 tháng 3 năm 2025'),
        '| KẾ HOẠCH ~',
        '~ Phòng, chống thiên tai năm 2025 |',
        '{}',
        'I. MỤC ĐÍCH',
      ].join('\n'),
    );
    expect([doc.type, doc.title]).toEqual(['KẾ HOẠCH', 'Phòng, chống thiên tai năm 2025']);
  });
});

describe('marks flagged as non-print are never used', () => {
  const line = (text: string, bbox: [number, number, number, number], conf = 92) => ({ text, conf, bbox, words: [] });
  const page = (marks?: OcrPage['blocks'][number]['lines'][number]['bbox'][]): OcrPage => {
    const p: OcrPage = {
      pageNumber: 1,
      width: 2480,
      height: 3508,
      dpi: 300,
      skew: 0,
      rotation: 0,
      steps: [],
      text: '',
      confidence: 90,
      blocks: [
        { column: 'left', bbox: [200, 200, 1100, 500], lines: [line('ỦY BAN NHÂN DÂN', [300, 200, 1000, 250]), line('TỈNH HÀ TĨNH', [400, 260, 900, 310]), line('Số: 9/KH-UBND', [350, 400, 950, 450])] },
        {
          column: 'right',
          bbox: [1200, 200, 2300, 500],
          lines: [line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', [1200, 200, 2300, 250]), line('Độc lập - Tự do - Hạnh phúc', [1400, 260, 2100, 310]), line('Hà Tĩnh, ngày 4 tháng 3 năm 2025', [1400, 400, 2200, 450])],
        },
        {
          column: 'full',
          bbox: [200, 600, 2300, 900],
          lines: [
            line('KẾ HOẠCH', [1100, 600, 1380, 650]),
            line('Kiểm tra công tác văn thư năm 2025', [800, 670, 1680, 720]),
            // A handwritten note in the right margin, read by OCR as a line under the title.
            line('Đã xem Là', [2050, 730, 2350, 790], 70),
            line('I. MỤC ĐÍCH', [300, 850, 700, 900]),
          ],
        },
      ],
    };
    p.text = p.blocks.map((b) => b.lines.map((l) => l.text).join('\n')).join('\n\n');
    if (marks) (p as OcrPage & { marks: unknown }).marks = marks.map((bbox) => ({ kind: 'handwriting', bbox, confidence: 0.9 }));
    return p;
  };

  it('a margin note off the title axis is left out even without a mark', () => {
    expect(extract([page()]).title).toBe('Kiểm tra công tác văn thư năm 2025');
  });

  it('lines inside an excluded box or given by index give no field', () => {
    const doc = extract([page()], { exclude: [{ page: 1, bbox: [700, 660, 1800, 730] }] });
    expect(doc.title).toBeNull();
    const byLine = extract([page()], { exclude: [{ page: 1, line: 6 }] });
    expect(byLine.title).toBeNull();
    expect(byLine.type).toBe('KẾ HOẠCH');
  });

  it('handwriting marks that the OCR stage lists on the page are left out', () => {
    const doc = extract([page([[350, 395, 960, 460]])]);
    expect(doc.number).toBeNull();
    expect(doc.fields.number).toBeUndefined();
    expect(doc.agency).toBe('ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH');
  });

  it('a handwriting mark over one word of a printed line removes just that word', () => {
    const p = page();
    const numberLine = p.blocks[0]!.lines[2]!;
    numberLine.text = 'Số: 115 /KH-UBND';
    numberLine.words = [
      { text: 'Số:', conf: 95, bbox: [350, 400, 430, 450] },
      { text: '115', conf: 60, bbox: [450, 395, 560, 455] },
      { text: '/KH-UBND', conf: 93, bbox: [580, 400, 950, 450] },
    ];
    expect(extract([p]).number).toBe('115');
    (p as OcrPage & { marks: unknown }).marks = [{ kind: 'handwriting', bbox: [440, 380, 570, 470], confidence: 0.9 }];
    const doc = extract([p]);
    expect([doc.number, doc.symbol]).toEqual([null, 'KH-UBND']);
  });

  it('every catalogue field keeps its page, line, box and a confidence', () => {
    const doc = extract([page()]);
    for (const name of ['agency', 'number', 'place', 'date', 'type', 'title'] as const) {
      const f = doc.fields[name]!;
      expect(f.page).toBe(1);
      expect(f.line).toBeGreaterThanOrEqual(0);
      expect(f.bbox).toHaveLength(4);
      expect(f.confidence).toBeGreaterThan(0.5);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('section headings', () => {
  it.each([
    ['Mục đích:', 'Mục đích', ''],
    ['MỤC ĐÍCH, YÊU CẦU', 'MỤC ĐÍCH, YÊU CẦU', ''],
    ['Nhiệm vụ của Tổ công tác', 'Nhiệm vụ của Tổ công tác', ''],
    ['Quyết định này có hiệu lực kể từ ngày ký./.', null, 'Quyết định này có hiệu lực kể từ ngày ký./.'],
    ['Rà soát các thủ tục hành chính thuộc thẩm quyền;', null, 'Rà soát các thủ tục hành chính thuộc thẩm quyền;'],
    ['Mục tiêu: hoàn thiện mạng lưới giao thông.', null, 'Mục tiêu: hoàn thiện mạng lưới giao thông.'],
    [
      'Thành lập Tổ công tác rà soát thủ tục hành chính trên địa bàn huyện, gồm các ông, bà có tên sau:',
      null,
      'Thành lập Tổ công tác rà soát thủ tục hành chính trên địa bàn huyện, gồm các ông, bà có tên sau:',
    ],
  ])('%s', (text, title, body) => {
    expect(splitHeading(text)).toEqual({ title, body });
  });

  it('a roman heading whose dot OCR lost still opens a section', () => {
    const doc = extract(['I MỤC ĐÍCH, YÊU CẦU', '1. Mục đích', 'Bảo đảm thực hiện.', 'II NỘI DUNG', '1. Tuyên truyền.'].join('\n'));
    expect(doc.sections.map((s) => [s.number, s.title, s.children.length])).toEqual([
      ['I', 'MỤC ĐÍCH, YÊU CẦU', 1],
      ['II', 'NỘI DUNG', 1],
    ]);
  });

  it('an article whose number is followed by a sentence has no title; its paragraphs are its text', () => {
    const doc = extract(
      [
        ...header(['ỦY BAN NHÂN DÂN', 'TỈNH HÀ NAM'], 'Số: 8/QĐ-UBND', 'Hà Nam, ngày 4 tháng 3 năm 2025'),
        'QUYẾT ĐỊNH',
        'Về việc ban hành Quy chế',
        'ỦY BAN NHÂN DÂN TỈNH HÀ NAM',
        'Căn cứ Luật Tổ chức chính quyền địa phương;',
        'QUYẾT ĐỊNH:',
        'Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.',
        'Điều 2. Trách nhiệm thi hành',
        'Quyết định này có hiệu lực kể từ ngày ký.',
        'Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng chịu trách nhiệm',
        'thi hành Quyết định này./.',
      ].join('\n'),
    );
    expect(doc.sections.map((s) => [s.number, s.title, s.text])).toEqual([
      ['Điều 1', null, 'Ban hành kèm theo Quyết định này Quy chế làm việc.'],
      ['Điều 2', 'Trách nhiệm thi hành', 'Quyết định này có hiệu lực kể từ ngày ký.'],
      ['Điều 3', null, 'Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng chịu trách nhiệm thi hành Quyết định này./.'],
    ]);
  });

  it('appendices after the signer are top-level sections with their own trees', () => {
    const doc = extract(
      [
        ...header(['BỘ Y TẾ'], 'Số: 1/QĐ-BYT', 'Hà Nội, ngày 4 tháng 3 năm 2025'),
        'QUYẾT ĐỊNH',
        'Ban hành danh mục thuốc thiết yếu',
        'BỘ TRƯỞNG BỘ Y TẾ',
        'Căn cứ Luật Dược;',
        'QUYẾT ĐỊNH:',
        'Điều 1. Ban hành Danh mục tại Phụ lục kèm theo Quyết định này.',
        'Nơi nhận:',
        '- Như Điều 1;',
        '- Lưu: VT.',
        'BỘ TRƯỞNG',
        'Nguyễn Văn Bình',
        'Phụ lục I',
        'DANH MỤC THUỐC THIẾT YẾU',
        '(Kèm theo Quyết định số 1/QĐ-BYT ngày 4 tháng 3 năm 2025',
        'của Bộ trưởng Bộ Y tế)',
        '',
        'I. THUỐC GÂY MÊ',
        '1. Thuốc gây mê toàn thân.',
        'II. THUỐC GIẢM ĐAU',
        'PHỤ LỤC 02',
        'BIỂU MẪU BÁO CÁO',
        'Các đơn vị báo cáo theo biểu mẫu.',
      ].join('\n'),
    );
    expect(doc.signer?.name).toBe('Nguyễn Văn Bình');
    expect(doc.sections.map((s) => [s.number, s.style, s.title, s.level])).toEqual([
      ['Điều 1', 'dieu', null, 1],
      ['Phụ lục I', 'appendix', 'DANH MỤC THUỐC THIẾT YẾU', 1],
      ['Phụ lục 02', 'appendix', 'BIỂU MẪU BÁO CÁO', 1],
    ]);
    const first = doc.sections[1]!;
    expect(first.children.map((c) => [c.number, c.title, c.level, c.children.length])).toEqual([
      ['I', 'THUỐC GÂY MÊ', 2, 1],
      ['II', 'THUỐC GIẢM ĐAU', 2, 0],
    ]);
    expect(doc.sections[2]!.text).toBe('Các đơn vị báo cáo theo biểu mẫu.');
  });
});

describe('header lines in another reading order', () => {
  it('the right column read after the type line: motto, slogan and date are not title', () => {
    const doc = extract(
      [
        'ỦY BAN NHÂN DÂN',
        'THÀNH PHỐ ĐÀ NẴNG',
        'Số: 12/KH-UBND',
        'KẾ HOẠCH',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Đà Nẵng, ngày 24 tháng 5 năm 2019',
        'Phòng, chống thiên tai năm 2019',
        'I. MỤC ĐÍCH',
      ].join('\n'),
    );
    expect([doc.agency, doc.number, doc.place, doc.date, doc.type, doc.title, doc.nationalMotto]).toEqual([
      'ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG',
      '12',
      'Đà Nẵng',
      '2019-05-24',
      'KẾ HOẠCH',
      'Phòng, chống thiên tai năm 2019',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    ]);
    expect(doc.slogan).toBe('Độc lập - Tự do - Hạnh phúc');
  });
});

describe('OCR slips in the header of a letter', () => {
  it('"Vjv" for V/v, a speck after the agency, the subject read before the right column', () => {
    const doc = extract(
      [
        'ỦY BAN NHÂN DÂN. CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'TỈNH THÁI NGUYÊN',
        'Số: 2782/UBND-VP',
        'Vjv xác nhận',
        'việc thực hiện',
        '. nghĩa vụ thuế',
        'Độc lập - Tự do - Hạnh phúc',
        'Thái Nguyên, ngày 07 tháng 12 năm 2019',
        'Kính gửi: - Các Ban HĐND tỉnh;',
        '- Các đơn vị trực thuộc.',
        'Thủ tục trả lại tiền đã đặt để bảo đảm được thực hiện như sau:',
      ].join('\n'),
    );
    expect([doc.agency, doc.number, doc.place, doc.date, doc.type, doc.title]).toEqual([
      'ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN',
      '2782',
      'Thái Nguyên',
      '2019-12-07',
      'CÔNG VĂN',
      'xác nhận việc thực hiện nghĩa vụ thuế',
    ]);
    expect(doc.addressees).toEqual(['Các Ban HĐND tỉnh', 'Các đơn vị trực thuộc']);
  });

  it('"2. Có nhân lực …" in the body is not the Nơi nhận label', () => {
    const doc = extract(
      [
        ...header(['SỞ NỘI VỤ'], 'Số: 3/SNV-VP', 'Hà Nội, ngày 2 tháng 01 năm 2025'),
        'Kính gửi: Các phòng.',
        '1. Mục tiêu năm 2025.',
        '2. Có nhân lực đáp ứng yêu cầu, cụ thể',
        'như sau:',
        '3. Thời gian thực hiện.',
        'Nơi nhận:',
        '- Như trên;',
        '- Lưu: VT.',
        'GIÁM ĐỐC',
        'Nguyễn Văn An',
      ].join('\n'),
    );
    expect(doc.sections.map((s) => s.number)).toEqual(['1', '2', '3']);
    expect(doc.recipients).toEqual(['Như trên', 'Lưu: VT']);
  });
});

describe('closing read by OCR', () => {
  it('"Nơi nhậm:" is the list label; a name alone under the list is the signer', () => {
    const doc = extract('Điều 3. Quyết định này có hiệu lực từ ngày ký.\n\nNơi nhậm:\n\n- Như Điều 3;\n\n- Lưu: VT.\n\nDương Xuân An');
    expect(doc.recipients).toEqual(['Như Điều 3', 'Lưu: VT']);
    expect(doc.signer).toEqual({ authority: null, authorityLines: [], title: null, name: 'Dương Xuân An' });
  });
});

describe('OCR of the number line and the marks over it', () => {
  it("an incoming-mail stamp's ĐẾN / Số: / Ngày above the header is neither the agency nor the number", () => {
    const doc = extract(['ĐẾN', 'Số:', 'Ngày', '', ...header(['ỦY BAN NHÂN DÂN', 'TỈNH YÊN BÁI'], 'Số: 208/BC-UBND', 'Yên Bái, ngày 9 tháng 5 năm 2024'), 'BÁO CÁO', 'Tình hình thực hiện nhiệm vụ quý I', 'I. KẾT QUẢ'].join('\n'));
    expect([doc.agency, doc.number, doc.symbol]).toEqual(['ỦY BAN NHÂN DÂN TỈNH YÊN BÁI', '208', 'BC-UBND']);
  });

  it.each([['Số: 7JQĐ-UBND'], ['Số:...7/QĐ-UBND']])('a blank number whose slash was read as a 7 (%s), under a blank day, is blank', (line) => {
    const doc = extract([...header(['ỦY BAN NHÂN DÂN', 'HUYỆN YÊN LẠC'], line, 'Yên Lạc, ngày tháng 3 năm 2025'), 'QUYẾT ĐỊNH', 'Về việc thành lập Ban chỉ đạo', 'ỦY BAN NHÂN DÂN HUYỆN YÊN LẠC', 'Căn cứ Luật Tổ chức chính quyền địa phương;'].join('\n'));
    expect([doc.number, doc.symbol]).toEqual([null, 'QĐ-UBND']);
  });

  it.each([
    ['Số: 194UBND-KT', '194', 'UBND-KT'],
    ['Số: 7NQ-HĐND', null, 'NQ-HĐND'],
  ])('a number line whose slash OCR lost or read as a 7 glued to the symbol (%s)', (line, number, symbol) => {
    const doc = extract([...header(['ỦY BAN NHÂN DÂN', 'TỈNH LONG AN'], line, 'Long An, ngày 17 tháng 12 năm 2019'), 'QUYẾT ĐỊNH', 'Về việc thành lập Ban chỉ đạo'].join('\n'));
    expect([doc.number, doc.symbol]).toEqual([number, symbol]);
  });

  it('a number 7 under a printed day is the number', () => {
    const doc = extract([...header(['ỦY BAN NHÂN DÂN', 'HUYỆN YÊN LẠC'], 'Số: 7/QĐ-UBND', 'Yên Lạc, ngày 12 tháng 3 năm 2025'), 'QUYẾT ĐỊNH', 'Về việc thành lập Ban chỉ đạo'].join('\n'));
    expect([doc.number, doc.symbol]).toEqual(['7', 'QĐ-UBND']);
  });
});

describe('marks read as header lines', () => {
  it('a line OCR barely saw is not header; a second V/v label restarts the subject', () => {
    const page: OcrPage = {
      pageNumber: 1, width: 1653, height: 2339, dpi: 200, skew: 0, rotation: 0, steps: [], text: '', confidence: 90,
      blocks: [
        { column: 'full', bbox: [340, 0, 800, 130], lines: [{ text: 'V/V 7YVVVYYYA', conf: 5, bbox: [342, 0, 796, 72], words: [] }] },
        {
          column: 'left', bbox: [420, 140, 790, 400],
          lines: [
            { text: 'ỦY BAN NHÂN DÂN', conf: 95, bbox: [471, 144, 765, 213], words: [] },
            { text: 'TỈNH BÌNH PHƯỚC', conf: 92, bbox: [472, 186, 759, 240], words: [] },
            { text: 'Số: 286/UBND-VX', conf: 91, bbox: [468, 258, 752, 311], words: [] },
            { text: 'V/v điều kiện đối với cơ', conf: 96, bbox: [435, 304, 781, 364], words: [] },
            { text: 'sở sản xuất dầu thực vật', conf: 96, bbox: [423, 341, 785, 402], words: [] },
          ],
        },
        {
          column: 'right', bbox: [900, 170, 1580, 390],
          lines: [
            { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', conf: 95, bbox: [938, 179, 1570, 266], words: [] },
            { text: 'Độc lập - Tự do - Hạnh phúc', conf: 94, bbox: [1024, 235, 1475, 304], words: [] },
            { text: 'Bình Phước, ngày 13 tháng 7 năm 2025', conf: 95, bbox: [919, 293, 1572, 380], words: [] },
          ],
        },
        { column: 'full', bbox: [570, 440, 1130, 570], lines: [{ text: 'Kính gửi: Thường trực Tỉnh ủy.', conf: 95, bbox: [577, 443, 1072, 517], words: [] }] },
      ],
    };
    const doc = extract([page]);
    expect([doc.agency, doc.number, doc.place, doc.date, doc.type, doc.title]).toEqual([
      'ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC',
      '286',
      'Bình Phước',
      '2025-07-13',
      'CÔNG VĂN',
      'điều kiện đối với cơ sở sản xuất dầu thực vật',
    ]);
  });
});
