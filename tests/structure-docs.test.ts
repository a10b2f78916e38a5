// Our own documents of every common type, clean and with OCR-like noise.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extract, type Section, type VanBanStructure } from '../src/structure/index.js';
import { noisify } from './fixtures-structure/noise.js';

const dir = fileURLToPath(new URL('./fixtures-structure/', import.meta.url));
const read = (name: string): string => readFileSync(dir + name, 'utf8');

type Tree = Array<[string, number, Tree]>;
const tree = (sections: Section[]): Tree => sections.map((s) => [s.number, s.level, tree(s.children)]);

interface Expected {
  nationalMotto: string | null;
  agency: string | null;
  parentAgency: string | null;
  number: string | null;
  symbol: string | null;
  place: string | null;
  date: string | null;
  dateText: string | null;
  type: string;
  typeAbbreviation: string | null;
  title: string;
  addressees: string[];
  bases: number;
  tree: Tree;
  recipients: string[];
  signer: VanBanStructure['signer'];
}

const MOTTO = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';

const DOCS: Record<string, Expected> = {
  'quyet-dinh.txt': {
    nationalMotto: MOTTO,
    agency: 'ỦY BAN NHÂN DÂN HUYỆN QUỲNH LƯU',
    parentAgency: null,
    number: '1250',
    symbol: 'QĐ-UBND',
    place: 'Quỳnh Lưu',
    date: '2025-09-08',
    dateText: 'ngày 08 tháng 9 năm 2025',
    type: 'QUYẾT ĐỊNH',
    typeAbbreviation: 'QĐ',
    title: 'Về việc thành lập Tổ công tác rà soát thủ tục hành chính trên địa bàn huyện năm 2025',
    addressees: [],
    bases: 3,
    tree: [
      ['Điều 1', 1, [['1', 2, []], ['2', 2, []]]],
      ['Điều 2', 1, [['1', 2, []], ['2', 2, [['a', 3, []], ['b', 3, []]]]]],
      ['Điều 3', 1, []],
    ],
    recipients: ['Như Điều 3', 'Chủ tịch, các PCT UBND huyện', 'Lưu: VT, VP'],
    signer: { authority: 'TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH', authorityLines: ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'], title: 'PHÓ CHỦ TỊCH', name: 'Nguyễn Đình Hùng' },
  },
  'cong-van.txt': {
    nationalMotto: MOTTO,
    agency: 'SỞ Y TẾ',
    parentAgency: 'UBND TỈNH LÂM ĐỒNG',
    number: '845',
    symbol: 'SYT-NVY',
    place: 'Lâm Đồng',
    date: '2024-07-03',
    dateText: 'ngày 3 tháng 7 năm 2024',
    type: 'CÔNG VĂN',
    typeAbbreviation: null,
    title: 'tăng cường phòng, chống dịch sốt xuất huyết mùa mưa năm 2024',
    addressees: ['Trung tâm Kiểm soát bệnh tật tỉnh', 'Các bệnh viện tuyến tỉnh', 'Trung tâm Y tế các huyện, thành phố'],
    bases: 0,
    tree: [
      ['1', 1, []],
      ['2', 1, []],
    ],
    recipients: ['Như trên', 'UBND tỉnh (để b/c)', 'Giám đốc, các PGĐ Sở', 'Lưu: VT, NVY'],
    signer: { authority: 'KT. GIÁM ĐỐC', authorityLines: ['KT. GIÁM ĐỐC'], title: 'PHÓ GIÁM ĐỐC', name: 'Phạm Thị Thu Hà' },
  },
  'to-trinh.txt': {
    nationalMotto: MOTTO,
    agency: 'ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH',
    parentAgency: null,
    number: null,
    symbol: 'TTr-UBND',
    place: 'Quảng Bình',
    date: null,
    dateText: 'ngày tháng 11 năm 2024',
    type: 'TỜ TRÌNH',
    typeAbbreviation: 'TTr',
    title: 'Đề nghị ban hành Nghị quyết quy định mức chi hỗ trợ công tác bảo vệ trẻ em trên địa bàn tỉnh',
    addressees: ['Hội đồng nhân dân tỉnh'],
    bases: 2,
    tree: [
      ['1', 1, []],
      ['2', 1, []],
      ['3', 1, []],
    ],
    recipients: ['Như trên', 'Thường trực Tỉnh ủy', 'Lưu: VT, KGVX'],
    signer: { authority: 'TM. ỦY BAN NHÂN DÂN', authorityLines: ['TM. ỦY BAN NHÂN DÂN'], title: 'CHỦ TỊCH', name: 'Trần Thắng' },
  },
  'thong-bao.txt': {
    nationalMotto: MOTTO,
    agency: 'BỘ GIÁO DỤC VÀ ĐÀO TẠO',
    parentAgency: null,
    number: '57',
    symbol: 'TB-BGDĐT',
    place: 'Hà Nội',
    date: '2025-01-22',
    dateText: 'ngày 22 tháng 01 năm 2025',
    type: 'THÔNG BÁO',
    typeAbbreviation: 'TB',
    title: 'Kết luận của Bộ trưởng tại cuộc họp về công tác tuyển sinh năm 2025',
    addressees: [],
    bases: 0,
    tree: [
      ['I', 1, []],
      ['II', 1, [['1', 2, []], ['2', 2, []]]],
    ],
    recipients: ['Bộ trưởng (để b/c)', 'Các Thứ trưởng', 'Lưu: VT, VP'],
    signer: { authority: 'TL. BỘ TRƯỞNG', authorityLines: ['TL. BỘ TRƯỞNG'], title: 'CHÁNH VĂN PHÒNG', name: 'Nguyễn Văn Hòa' },
  },
  'bao-cao.txt': {
    nationalMotto: MOTTO,
    agency: 'PHÒNG GIÁO DỤC VÀ ĐÀO TẠO',
    parentAgency: 'UBND HUYỆN ĐỒNG VĂN',
    number: '112',
    symbol: 'BC-PGDĐT',
    place: 'Đồng Văn',
    date: '2024-05-30',
    dateText: 'ngày 30 tháng 5 năm 2024',
    type: 'BÁO CÁO',
    typeAbbreviation: 'BC',
    title: 'Kết quả thực hiện nhiệm vụ năm học 2023 - 2024',
    addressees: [],
    bases: 0,
    tree: [
      ['I', 1, [['1', 2, [['1.1', 3, []], ['1.2', 3, [['a', 4, []], ['b', 4, []]]]]], ['2', 2, []]]],
      ['II', 1, []],
      ['III', 1, []],
    ],
    recipients: ['UBND huyện', 'Sở GD&ĐT', 'Lưu: VT'],
    signer: { authority: null, authorityLines: [], title: 'TRƯỞNG PHÒNG', name: 'Vàng Mí Sính' },
  },
  'quy-che.txt': {
    nationalMotto: MOTTO,
    agency: 'ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG',
    parentAgency: null,
    number: null,
    symbol: null,
    place: null,
    date: null,
    dateText: null,
    type: 'QUY CHẾ',
    typeAbbreviation: 'QC',
    title: 'Làm việc của Ủy ban nhân dân thành phố Đà Nẵng',
    addressees: [],
    bases: 0,
    tree: [
      ['Chương I', 1, [['Điều 1', 2, []], ['Điều 2', 2, [['1', 3, []], ['2', 3, []]]]]],
      ['Chương II', 1, [['Mục 1', 2, [['Điều 3', 3, []]]]]],
    ],
    recipients: [],
    signer: null,
  },
};

/** Accent-free comparison form. */
const fold = (s: string | null): string | null =>
  s === null ? null : s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();

describe.each(Object.entries(DOCS))('%s', (name, want) => {
  const text = read(name);
  it('clean text: every catalogue field, the section tree and the closing', () => {
    const doc = extract(text);
    expect({
      nationalMotto: doc.nationalMotto,
      agency: doc.agency,
      parentAgency: doc.parentAgency,
      number: doc.number,
      symbol: doc.symbol,
      place: doc.place,
      date: doc.date,
      dateText: doc.dateText,
      type: doc.type,
      typeAbbreviation: doc.typeAbbreviation,
      title: doc.title,
      addressees: doc.addressees,
      bases: doc.bases.length,
      tree: tree(doc.sections),
      recipients: doc.recipients,
      signer: doc.signer,
    }).toEqual(want);
    if (want.nationalMotto) expect(doc.slogan).toBe('Độc lập - Tự do - Hạnh phúc');
    for (const b of doc.bases) expect(b).toMatch(/^(Căn cứ|Theo đề nghị)/);
  });

  it('noisy OCR-like text (no accents, look-alikes, merged columns): same fields up to accents', () => {
    const noisy = noisify(text, name.length * 7919);
    expect(noisy).not.toBe(text);
    const doc = extract(noisy);
    expect(doc.nationalMotto).toBe(want.nationalMotto);
    expect(doc.number).toBe(want.number);
    expect(doc.date).toBe(want.date);
    expect(doc.type).toBe(want.type);
    expect(doc.typeAbbreviation).toBe(want.typeAbbreviation);
    expect(fold(doc.symbol)?.replace(/p/g, 'd')).toBe(fold(want.symbol)?.replace(/p/g, 'd'));
    expect(doc.place === null ? null : fold(doc.place)).toBe(fold(want.place));
    expect(tree(doc.sections)).toEqual(want.tree);
    expect(doc.bases).toHaveLength(want.bases);
    expect(doc.addressees).toHaveLength(want.addressees.length);
    expect(doc.recipients).toHaveLength(want.recipients.length);
    if (want.signer) {
      expect(doc.signer?.authorityLines.map(fold)).toEqual(want.signer.authorityLines.map(fold));
      expect(fold(doc.signer?.title ?? null)).toBe(fold(want.signer.title));
      expect(fold(doc.signer?.name ?? null)).toBe(fold(want.signer.name));
    } else expect(doc.signer).toBeNull();
  });
});

describe('accents are put back on known header words of unaccented OCR', () => {
  it('agency, place and signer titles from a fully unaccented header', () => {
    const doc = extract(noisify(read('to-trinh.txt'), 1));
    expect(doc.agency).toBe('ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH');
    expect(doc.place).toBe('Quảng Bình');
    expect(doc.signer?.authorityLines).toEqual(['TM. ỦY BAN NHÂN DÂN']);
    expect(doc.signer?.title).toBe('CHỦ TỊCH');
  });
  it('keeps accented words as written, even in the newer tone-mark style', () => {
    const doc = extract('UỶ BAN NHÂN DÂN\nTỈNH KHÁNH HOÀ\nSố: 12/KH-UBND\n\nKẾ HOẠCH\nPhòng chống thiên tai năm 2025\n');
    expect(doc.agency).toBe('UỶ BAN NHÂN DÂN TỈNH KHÁNH HOÀ');
    expect(doc.number).toBe('12');
    expect(doc.type).toBe('KẾ HOẠCH');
  });
});

describe('other reading orders and layouts', () => {
  it('right header column read first (motto, slogan, date, then agency and number)', () => {
    const doc = extract(
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 05 tháng 3 năm 2024\nBỘ Y TẾ\nSố: 125/KH-BYT\n\nKẾ HOẠCH\nTriển khai tiêm chủng mở rộng năm 2024\n\nI. MỤC TIÊU\nBảo đảm tiêm đủ các mũi.\nII. GIẢI PHÁP\n1. Cung ứng vắc xin kịp thời.\n',
    );
    expect([doc.agency, doc.number, doc.symbol, doc.place, doc.date, doc.type, doc.title]).toEqual([
      'BỘ Y TẾ',
      '125',
      'KH-BYT',
      'Hà Nội',
      '2024-03-05',
      'KẾ HOẠCH',
      'Triển khai tiêm chủng mở rộng năm 2024',
    ]);
    expect(tree(doc.sections)).toEqual([
      ['I', 1, []],
      ['II', 1, [['1', 2, []]]],
    ]);
  });

  it('a decree without a Nơi nhận list: the signature block is found by its authority prefix; the appendix after it is not closing', () => {
    const doc = extract(
      [
        'CHÍNH PHỦ',
        'Số: 158/2025/NĐ-CP',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Hà Nội, ngày 25 tháng 6 năm 2025',
        'NGHỊ ĐỊNH',
        'Quy định chi tiết một số điều của Luật Bảo hiểm xã hội',
        'Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;',
        'Chính phủ ban hành Nghị định quy định chi tiết một số điều của Luật Bảo hiểm xã hội.',
        'Chương I',
        'QUY ĐỊNH CHUNG',
        'Điều 1. Phạm vi điều chỉnh',
        'Nghị định này quy định chi tiết một số điều.',
        'Điều 2. Hiệu lực thi hành',
        'Nghị định này có hiệu lực từ ngày 01 tháng 7 năm 2025.',
        'TM. CHÍNH PHỦ',
        'KT. THỦ TƯỚNG',
        'PHÓ THỦ TƯỚNG',
        'Trần Văn Bình',
        'Phụ lục I',
        'DANH MỤC CÔNG VIỆC',
        '1. Khai thác mỏ hầm lò.',
      ].join('\n'),
    );
    expect([doc.agency, doc.number, doc.symbol, doc.type, doc.typeAbbreviation]).toEqual(['CHÍNH PHỦ', '158', '2025/NĐ-CP', 'NGHỊ ĐỊNH', 'NĐ']);
    expect(doc.bases).toHaveLength(1);
    expect(doc.preamble).toEqual(['Chính phủ ban hành Nghị định quy định chi tiết một số điều của Luật Bảo hiểm xã hội.']);
    // The appendix after the signature is a top-level section of its own, not closing.
    expect(tree(doc.sections)).toEqual([
      ['Chương I', 1, [['Điều 1', 2, []], ['Điều 2', 2, []]]],
      ['Phụ lục I', 1, [['1', 2, []]]],
    ]);
    expect(doc.sections[1]!.title).toBe('DANH MỤC CÔNG VIỆC');
    expect(doc.recipients).toEqual([]);
    expect(doc.signer).toEqual({ authority: 'TM. CHÍNH PHỦ\nKT. THỦ TƯỚNG', authorityLines: ['TM. CHÍNH PHỦ', 'KT. THỦ TƯỚNG'], title: 'PHÓ THỦ TƯỚNG', name: 'Trần Văn Bình' });
  });

  it('pages separated by form feeds: the page number at the top of page 2 is not text, and fields say their page', () => {
    const text = read('bao-cao.txt').replace('2. Chất lượng giáo dục\n', '\f2\n2. Chất lượng giáo dục\n');
    const doc = extract(text);
    const second = doc.sections[0]!.children[1]!;
    expect(second).toMatchObject({ number: '2', title: 'Chất lượng giáo dục', page: 2, line: 1 });
    expect(doc.fields.signer!.page).toBe(2);
    expect(doc.fields.agency!.page).toBe(1);
  });
});

describe('numbering damaged by OCR', () => {
  it('a roman heading repeating its predecessor ("II." for "III.") becomes the next numeral; arabic numbers stay as written', () => {
    // "Il." is OCR's "II."; the second "II." is a damaged "III.".
    const doc = extract('KẾ HOẠCH\nThử nghiệm\n\nI. MỤC ĐÍCH\nNội dung.\nIl. NỘI DUNG\n1. Việc một.\n1. Việc một lặp lại.\nII. TỔ CHỨC THỰC HIỆN\nIV. KINH PHÍ\n');
    expect(tree(doc.sections)).toEqual([
      ['I', 1, []],
      ['II', 1, [['1', 2, []], ['1', 2, []]]],
      ['III', 1, []],
      ['IV', 1, []],
    ]);
    expect(doc.sections[2]!.title).toBe('TỔ CHỨC THỰC HIỆN');
  });
});

describe('closing read from a stamped scan', () => {
  it('uppercase seal text between the title and the name is not the title', () => {
    const doc = extract(
      'THÔNG BÁO\nLịch tiếp công dân\n\nLịch tiếp công dân tháng 5 như sau.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nỦY BAN\nNHÂN DÂN\n(Đã ký)\nLê Văn Minh\n',
    );
    expect(doc.signer).toEqual({ authority: 'KT. CHỦ TỊCH', authorityLines: ['KT. CHỦ TỊCH'], title: 'PHÓ CHỦ TỊCH', name: 'Lê Văn Minh' });
    expect(doc.recipients).toEqual(['Như trên', 'Lưu: VT']);
  });
});

describe('letter with the subject line merged with the place and date', () => {
  it('splits "V/v … Nghệ An, ngày …" into subject and place/date', () => {
    const doc = extract(
      'UBND TỈNH NGHỆ AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc\nSố: 856/SGDĐT-GDTrH\nV/v tổ chức ôn tập cho học sinh Nghệ An, ngày 07 tháng 3 năm 2023\nlớp 12 năm học 2022 - 2023\n\nKính gửi: Các trường trung học phổ thông.\n\nĐể chuẩn bị tốt cho kỳ thi, Sở đề nghị như sau:\n1. Xây dựng kế hoạch.\n',
    );
    expect([doc.parentAgency, doc.agency, doc.number, doc.symbol, doc.place, doc.date, doc.type, doc.title]).toEqual([
      'UBND TỈNH NGHỆ AN',
      'SỞ GIÁO DỤC VÀ ĐÀO TẠO',
      '856',
      'SGDĐT-GDTrH',
      'Nghệ An',
      '2023-03-07',
      'CÔNG VĂN',
      'tổ chức ôn tập cho học sinh lớp 12 năm học 2022 - 2023',
    ]);
    expect(doc.addressees).toEqual(['Các trường trung học phổ thông']);
    expect(doc.preamble).toEqual(['Để chuẩn bị tốt cho kỳ thi, Sở đề nghị như sau:']);
  });
});
