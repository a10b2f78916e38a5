/**
 * What a simulated document says: header, type-specific blocks, body text from
 * the held-out pool, closing. Names of agencies, places and people are drawn
 * from small lists written for the simulator; every sentence of the body comes
 * from the corpus's held-out blocks (pool.ts).
 */
import type { TextPool } from './pool.js';

export type DocKind = 'KH' | 'QD' | 'CV' | 'TB' | 'BC' | 'TTR' | 'NQ' | 'QC';
export const DOC_KINDS: DocKind[] = ['KH', 'QD', 'CV', 'TB', 'BC', 'TTR', 'NQ', 'QC'];

export type Block =
  /** Numbered section: 'heading' prints the whole line bold; 'inline' only the marker bold, the rest a paragraph; 'chapter' two centred bold lines (Chương/Mục + title). */
  | { kind: 'section'; level: number; marker: string; title: string; style: 'heading' | 'inline' | 'chapter' }
  | { kind: 'para'; text: string; italic?: boolean; basis?: boolean }
  | { kind: 'bullet'; text: string; mark: string }
  | { kind: 'center'; text: string; bold?: boolean; italic?: boolean };

export interface Signer {
  authority: string | null;
  delegation: string | null;
  title: string;
  name: string;
}

export interface SimDocument {
  kind: DocKind;
  /** Upper header lines printed regular (0–2), e.g. "UBND TỈNH THÁI BÌNH". */
  parentLines: string[];
  /** Agency lines printed bold (1–2). */
  agencyLines: string[];
  number: string | null;
  symbol: string;
  /** Công văn: "V/v …" lines under the number. */
  excerptLines: string[];
  place: string;
  day: number | null;
  month: number;
  year: number;
  type: string;
  typeAbbreviation: string | null;
  titleLines: string[];
  /** Quy chế/Quy định: the italic "(Ban hành kèm theo …)" line(s) under the title. */
  issuedWith: string[];
  addressees: string[];
  /** 'inline': "Kính gửi: X" on one line; 'list': label then "- X" lines. */
  addresseeStyle: 'inline' | 'list';
  /** Centred bold lines of the issuing authority (Quyết định, Nghị quyết). */
  authorityLines: string[];
  body: Block[];
  recipients: string[];
  signer: Signer;
  appendix: { heading: string[]; body: Block[] } | null;
  /** Force the closing block onto a page of its own (a long document's last page). */
  closingAlone: boolean;
  /** Whether the paper copy carries a seal over the signer and a signature (drafts with a blank number do not). */
  signed: boolean;
  sealed: boolean;
  /** Handwritten marks in the margin (reader's notes). */
  handwriting: boolean;
  variants: string[];
}

type Rnd = () => number;
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rnd, a: number, b: number): number => a + Math.floor(r() * (b - a + 1));
const chance = (r: Rnd, p: number): boolean => r() < p;

const PROVINCES = ['Thái Bình', 'Nam Định', 'Ninh Bình', 'Thanh Hóa', 'Quảng Trị', 'Quảng Nam', 'Quảng Ngãi', 'Bình Định', 'Phú Yên', 'Khánh Hòa', 'Ninh Thuận', 'Bình Thuận', 'Kon Tum', 'Gia Lai', 'Đắk Lắk', 'Bình Phước', 'Tây Ninh', 'Long An', 'Tiền Giang', 'Bến Tre', 'Vĩnh Long', 'Trà Vinh', 'Sóc Trăng', 'Cà Mau', 'Lào Cai', 'Yên Bái', 'Tuyên Quang', 'Thái Nguyên', 'Bắc Giang', 'Hưng Yên', 'Hải Dương', 'Phú Thọ', 'Sơn La', 'Điện Biên', 'Hòa Bình', 'Cao Bằng', 'Lạng Sơn', 'Bắc Kạn', 'Đồng Tháp', 'Hậu Giang'];
const DISTRICTS = ['Yên Lạc', 'Thạch Thất', 'Kim Sơn', 'Hải Hậu', 'Tiền Hải', 'Nga Sơn', 'Triệu Phong', 'Duy Xuyên', 'Tư Nghĩa', 'Phù Cát', 'Sơn Hòa', 'Diên Khánh', 'Ninh Phước', 'Hàm Thuận Bắc', 'Đắk Hà', 'Chư Sê', 'Krông Pắc', 'Bù Đăng', 'Gò Dầu', 'Cần Giuộc', 'Chợ Gạo', 'Mỏ Cày Nam', 'Tam Bình', 'Cầu Kè', 'Mỹ Xuyên', 'Năm Căn', 'Bảo Thắng', 'Văn Chấn', 'Sơn Dương', 'Đại Từ', 'Lục Nam', 'Khoái Châu', 'Thanh Miện', 'Lâm Thao', 'Mộc Châu'];
/** Departments of a province: printed lines, symbol part, head's title. */
const DEPARTMENTS: { lines: string[]; code: string }[] = [
  { lines: ['SỞ TÀI CHÍNH'], code: 'STC' },
  { lines: ['SỞ Y TẾ'], code: 'SYT' },
  { lines: ['SỞ XÂY DỰNG'], code: 'SXD' },
  { lines: ['SỞ TƯ PHÁP'], code: 'STP' },
  { lines: ['SỞ NỘI VỤ'], code: 'SNV' },
  { lines: ['SỞ CÔNG THƯƠNG'], code: 'SCT' },
  { lines: ['SỞ GIÁO DỤC VÀ ĐÀO TẠO'], code: 'SGDĐT' },
  { lines: ['SỞ GIAO THÔNG VẬN TẢI'], code: 'SGTVT' },
  { lines: ['SỞ KẾ HOẠCH VÀ ĐẦU TƯ'], code: 'SKHĐT' },
  { lines: ['SỞ TÀI NGUYÊN', 'VÀ MÔI TRƯỜNG'], code: 'STNMT' },
  { lines: ['SỞ NÔNG NGHIỆP VÀ', 'PHÁT TRIỂN NÔNG THÔN'], code: 'SNN' },
  { lines: ['SỞ LAO ĐỘNG - THƯƠNG BINH', 'VÀ XÃ HỘI'], code: 'SLĐTBXH' },
  { lines: ['SỞ VĂN HÓA, THỂ THAO', 'VÀ DU LỊCH'], code: 'SVHTTDL' },
  { lines: ['SỞ THÔNG TIN', 'VÀ TRUYỀN THÔNG'], code: 'STTTT' },
  { lines: ['BAN QUẢN LÝ', 'CÁC KHU CÔNG NGHIỆP'], code: 'BQLKCN' },
];
const OFFICES: { lines: string[]; code: string }[] = [
  { lines: ['PHÒNG TÀI CHÍNH - KẾ HOẠCH'], code: 'TCKH' },
  { lines: ['PHÒNG GIÁO DỤC VÀ ĐÀO TẠO'], code: 'GDĐT' },
  { lines: ['PHÒNG TÀI NGUYÊN', 'VÀ MÔI TRƯỜNG'], code: 'TNMT' },
  { lines: ['PHÒNG NỘI VỤ'], code: 'NV' },
  { lines: ['PHÒNG Y TẾ'], code: 'YT' },
  { lines: ['PHÒNG VĂN HÓA VÀ THÔNG TIN'], code: 'VHTT' },
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh', 'Trương', 'Tạ', 'Lương', 'Mai', 'Cao'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thanh', 'Ngọc', 'Quang', 'Xuân', 'Thu', 'Hồng', 'Công', 'Kim', 'Bá', 'Quốc', 'Thế'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Hương', 'Lan', 'Long', 'Mai', 'Nam', 'Phong', 'Quân', 'Sơn', 'Tâm', 'Thắng', 'Thảo', 'Trung', 'Tuấn', 'Việt', 'Yến', 'Khánh', 'Hiếu', 'Nhung', 'Toàn', 'Lộc', 'Trường', 'Thủy', 'Giang', 'Hòa', 'Đạt', 'Nghĩa', 'Phúc', 'Vinh'];
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];
const ALPHA = 'abcdđeghiklmn'.split('');

const person = (r: Rnd): string => `${pick(r, FAMILY)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`;
const up = (s: string): string => s.toLocaleUpperCase('vi');

interface Issuer {
  parentLines: string[];
  agencyLines: string[];
  /** Suffix of the symbol after the type: "UBND", "SYT", "HĐND". */
  code: string;
  /** Collective authority ("TM. ỦY BAN NHÂN DÂN") when the body is collegial, else null. */
  collective: string | null;
  head: string;
  deputy: string;
  place: string;
  /** Full name of the body for the Quyết định authority line. */
  fullName: string;
}

function issuer(r: Rnd, kind: DocKind): Issuer {
  const province = pick(r, PROVINCES);
  if (kind === 'NQ') {
    const district = chance(r, 0.3) ? pick(r, DISTRICTS) : null;
    const where = district ? `HUYỆN ${up(district)}` : `TỈNH ${up(province)}`;
    return { parentLines: [], agencyLines: ['HỘI ĐỒNG NHÂN DÂN', where], code: 'HĐND', collective: null, head: 'CHỦ TỊCH', deputy: 'PHÓ CHỦ TỊCH', place: district ?? province, fullName: `HỘI ĐỒNG NHÂN DÂN ${where}` };
  }
  const roll = r();
  if (roll < 0.35 || kind === 'QD' && roll < 0.6) {
    const district = chance(r, 0.3) ? pick(r, DISTRICTS) : null;
    const where = district ? `HUYỆN ${up(district)}` : `TỈNH ${up(province)}`;
    return { parentLines: [], agencyLines: chance(r, 0.85) ? ['ỦY BAN NHÂN DÂN', where] : [`ỦY BAN NHÂN DÂN ${where}`], code: 'UBND', collective: 'TM. ỦY BAN NHÂN DÂN', head: 'CHỦ TỊCH', deputy: 'PHÓ CHỦ TỊCH', place: district ?? province, fullName: `ỦY BAN NHÂN DÂN ${where}` };
  }
  if (roll < 0.8) {
    const d = pick(r, DEPARTMENTS);
    const parent = chance(r, 0.6) ? [`UBND TỈNH ${up(province)}`] : [`ỦY BAN NHÂN DÂN TỈNH ${up(province)}`];
    const head = d.code === 'BQLKCN' ? 'TRƯỞNG BAN' : 'GIÁM ĐỐC';
    return { parentLines: parent, agencyLines: d.lines, code: d.code, collective: null, head, deputy: `PHÓ ${head}`, place: province, fullName: d.lines.join(' ') };
  }
  const district = pick(r, DISTRICTS);
  const o = pick(r, OFFICES);
  // Three header lines: province, district, office.
  const parent = chance(r, 0.5) ? [`UBND HUYỆN ${up(district)}`] : [`UBND TỈNH ${up(province)}`, `UBND HUYỆN ${up(district)}`];
  return { parentLines: parent, agencyLines: o.lines, code: `P${o.code}`, collective: null, head: 'TRƯỞNG PHÒNG', deputy: 'PHÓ TRƯỞNG PHÒNG', place: district, fullName: o.lines.join(' ') };
}

const TYPE: Record<DocKind, { name: string; abbr: string | null }> = {
  KH: { name: 'KẾ HOẠCH', abbr: 'KH' },
  QD: { name: 'QUYẾT ĐỊNH', abbr: 'QĐ' },
  CV: { name: 'CÔNG VĂN', abbr: null },
  TB: { name: 'THÔNG BÁO', abbr: 'TB' },
  BC: { name: 'BÁO CÁO', abbr: 'BC' },
  TTR: { name: 'TỜ TRÌNH', abbr: 'TTr' },
  NQ: { name: 'NGHỊ QUYẾT', abbr: 'NQ' },
  QC: { name: 'QUY CHẾ', abbr: 'QC' },
};

const RECIPIENTS = ['Thường trực Tỉnh ủy;', 'Thường trực HĐND tỉnh;', 'Chủ tịch, các PCT UBND tỉnh;', 'Các sở, ban, ngành tỉnh;', 'UBND các huyện, thị xã, thành phố;', 'Văn phòng UBND tỉnh;', 'Cổng thông tin điện tử tỉnh;', 'Ban Giám đốc Sở;', 'Các phòng chuyên môn;', 'Kho bạc Nhà nước tỉnh;', 'Báo và Đài Phát thanh - Truyền hình tỉnh;', 'Các đơn vị trực thuộc;', 'Trung tâm Công báo - Tin học;', 'Bộ Nội vụ (để b/c);', 'Đảng ủy, UBMTTQ Việt Nam tỉnh;', 'Các Ban HĐND tỉnh;'];

/** Sentences from the pool, consumed in a seeded order so a document reads as continuous prose. */
class Prose {
  private readonly r: Rnd;
  constructor(private readonly pool: TextPool, r: Rnd) {
    this.r = r;
  }
  para(): string {
    let s = pick(this.r, this.pool.paragraphs);
    // Two short sentences make one paragraph more often than not in real documents.
    if (s.length < 120 && chance(this.r, 0.5)) {
      const t = pick(this.r, this.pool.paragraphs);
      if (/[.]$/.test(s)) s = `${s} ${t}`;
    }
    return s;
  }
  heading(): string {
    return pick(this.r, this.pool.headings).replace(/[:]$/, '');
  }
  title(): string {
    return pick(this.r, this.pool.titles).replace(/^(Về việc|V\/v)\s+/i, '');
  }
}

/** Splits a title into 1–4 centred lines of roughly equal length, on word boundaries. */
export function splitTitle(text: string, lines: number): string[] {
  const words = text.split(' ');
  const n = Math.max(1, Math.min(lines, words.length));
  const target = text.length / n;
  const out: string[] = [];
  let cur: string[] = [];
  for (const w of words) {
    const len = cur.join(' ').length;
    if (cur.length && len + w.length / 2 > target && out.length < n - 1) {
      out.push(cur.join(' '));
      cur = [];
    }
    cur.push(w);
  }
  out.push(cur.join(' '));
  return out;
}

function sectionsBody(r: Rnd, p: Prose, size: number, bulletMarks: string[]): Block[] {
  const out: Block[] = [];
  const tops = Math.max(2, Math.min(5, Math.round(size / 4)));
  const romanHeadings = chance(r, 0.75);
  for (let i = 0; i < tops; i++) {
    const marker = romanHeadings ? `${ROMAN[i]}.` : `${i + 1}.`;
    out.push({ kind: 'section', level: 1, marker, title: romanHeadings ? up(p.heading()) : p.heading(), style: 'heading' });
    const subs = int(r, 0, 3);
    if (subs === 0) {
      for (let k = 0; k < int(r, 1, 2); k++) out.push({ kind: 'para', text: p.para() });
      continue;
    }
    for (let j = 0; j < subs; j++) {
      const m = romanHeadings ? `${j + 1}.` : `${i + 1}.${j + 1}.`;
      if (chance(r, 0.5)) {
        out.push({ kind: 'section', level: 2, marker: m, title: p.heading(), style: 'heading' });
        if (chance(r, 0.5)) for (let k = 0; k < int(r, 1, 3); k++) out.push({ kind: 'bullet', text: p.para(), mark: bulletMarks[0]! });
        else out.push({ kind: 'para', text: p.para() });
      } else {
        out.push({ kind: 'section', level: 2, marker: m, title: p.para(), style: 'inline' });
        if (chance(r, 0.35)) for (let k = 0; k < int(r, 2, 3); k++) out.push({ kind: 'section', level: 3, marker: `${ALPHA[k]})`, title: p.para(), style: 'inline' });
      }
    }
  }
  return out;
}

function articles(r: Rnd, p: Prose, n: number, withTitles: boolean, level = 1): Block[] {
  const out: Block[] = [];
  for (let i = 1; i <= n; i++) {
    if (withTitles) {
      out.push({ kind: 'section', level, marker: `Điều ${i}.`, title: p.heading(), style: 'heading' });
      const clauses = int(r, 0, 3);
      if (clauses === 0) out.push({ kind: 'para', text: p.para() });
      for (let k = 1; k <= clauses; k++) {
        out.push({ kind: 'section', level: level + 1, marker: `${k}.`, title: p.para(), style: 'inline' });
        if (chance(r, 0.2)) for (let a = 0; a < 2; a++) out.push({ kind: 'section', level: level + 2, marker: `${ALPHA[a]})`, title: p.para(), style: 'inline' });
      }
    } else {
      out.push({ kind: 'section', level, marker: `Điều ${i}.`, title: p.para(), style: 'inline' });
      if (chance(r, 0.3)) for (let k = 0; k < int(r, 1, 3); k++) out.push({ kind: 'bullet', text: p.para(), mark: '-' });
    }
  }
  return out;
}

function bases(r: Rnd, p: Prose, n: number): Block[] {
  const laws = ['Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015', 'Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015', 'Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015', 'Luật Đầu tư công ngày 13 tháng 6 năm 2019', 'Luật Giáo dục ngày 14 tháng 6 năm 2019', 'Luật Đất đai ngày 18 tháng 01 năm 2024', 'Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013', 'Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008'];
  const out: Block[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    let law = pick(r, laws);
    while (used.has(law)) law = pick(r, laws);
    used.add(law);
    out.push({ kind: 'para', italic: true, basis: true, text: `Căn cứ ${law};` });
  }
  if (chance(r, 0.5)) out.push({ kind: 'para', italic: true, basis: true, text: `Căn cứ ${p.title().charAt(0).toLowerCase()}${p.title().slice(1)};` });
  return out;
}

export interface ContentOptions {
  kind: DocKind;
  /** Approximate body length in paragraphs (3 = one page, 25 = three to four pages). */
  size: number;
  year: number;
}

export function makeDocument(r: Rnd, pool: TextPool, o: ContentOptions): SimDocument {
  const p = new Prose(pool, r);
  const iss = issuer(r, o.kind);
  const t = TYPE[o.kind];
  const variants: string[] = [];
  const blankNumber = chance(r, 0.2);
  const blankDay = blankNumber ? chance(r, 0.7) : chance(r, 0.08);
  if (blankNumber) variants.push('blank-number');
  if (blankDay) variants.push('blank-day');
  const n = String(int(r, 1, 2999));
  let symbol = t.abbr ? `${t.abbr}-${iss.code}` : `${iss.code}${chance(r, 0.5) ? `-${pick(r, ['VP', 'KT', 'TH', 'NC', 'VX', 'TCCB', 'KHTC'])}` : ''}`;
  if ((o.kind === 'NQ' || (o.kind === 'QD' && chance(r, 0.3))) && !blankNumber) symbol = `${o.year}/${symbol}`;
  const month = int(r, 1, 12);
  const day = blankDay ? null : int(r, 1, 28);
  const bulletMarks = chance(r, 0.7) ? ['-', '+'] : ['+', '-'];
  const closingAlone = o.size >= 12 && chance(r, 0.35);
  const signed = !blankNumber || chance(r, 0.2);
  const doc: SimDocument = {
    kind: o.kind,
    parentLines: iss.parentLines,
    agencyLines: iss.agencyLines,
    number: blankNumber ? null : n,
    symbol,
    excerptLines: [],
    place: iss.place,
    day,
    month,
    year: o.year,
    type: t.name,
    typeAbbreviation: t.abbr,
    titleLines: [],
    issuedWith: [],
    addressees: [],
    addresseeStyle: 'inline',
    authorityLines: [],
    body: [],
    recipients: [],
    signer: { authority: null, delegation: null, title: iss.head, name: person(r) },
    appendix: null,
    closingAlone,
    signed,
    sealed: signed && chance(r, 0.75),
    handwriting: chance(r, 0.3),
    variants,
  };
  let titleText = p.title();
  // Lines as a typist would break them: about 60 characters per title line, 36 per excerpt line, at most 4.
  const perLine = o.kind === 'CV' ? 36 : 60;
  const words = titleText.split(' ');
  while (titleText.length > perLine * 4 - 8 && words.length > 4) {
    words.pop();
    titleText = words.join(' ');
  }
  const wanted = o.kind === 'CV' ? int(r, 1, 4) : pick(r, [1, 1, 2, 2, 2, 3, 4]);
  const titleLineCount = Math.min(4, Math.max(wanted, Math.ceil((titleText.length + 4) / perLine)), Math.max(1, Math.floor(titleText.length / 12)));
  if (o.kind === 'CV') {
    doc.excerptLines = splitTitle(`V/v ${titleText.charAt(0).toLowerCase()}${titleText.slice(1)}`, titleLineCount);
    variants.push(`excerpt-${doc.excerptLines.length}`);
  } else {
    const prefix = o.kind === 'QD' && chance(r, 0.5) ? 'Về việc ' : '';
    const text = prefix ? `${prefix}${titleText.charAt(0).toLowerCase()}${titleText.slice(1)}` : titleText;
    doc.titleLines = splitTitle(text, titleLineCount);
    variants.push(`title-${doc.titleLines.length}`);
  }
  variants.push(`agency-lines-${doc.parentLines.length + doc.agencyLines.length}`);

  // Signer: collective bodies sign "TM."; heads delegate to a deputy ("KT.") or an office ("TL.").
  const sr = r();
  if (iss.collective && sr < 0.6) doc.signer = { authority: iss.collective, delegation: chance(r, 0.6) ? `KT. ${iss.head}` : null, title: '', name: doc.signer.name };
  else if (sr < 0.75) doc.signer = { authority: null, delegation: `KT. ${iss.head}`, title: iss.deputy, name: doc.signer.name };
  else if (sr < 0.82 && o.kind !== 'NQ') doc.signer = { authority: null, delegation: `TL. ${iss.head}`, title: 'CHÁNH VĂN PHÒNG', name: doc.signer.name };
  if (doc.signer.title === '') doc.signer.title = doc.signer.delegation ? iss.deputy : iss.head;

  const closingPara = (what: string): Block => ({ kind: 'para', text: `Trên đây là ${what}${pick(r, ['./.', '.', ', đề nghị các đơn vị tổ chức thực hiện./.'])}` });
  const size = o.size;
  switch (o.kind) {
    case 'KH':
      doc.body = [{ kind: 'para', text: p.para() }, ...sectionsBody(r, p, size, bulletMarks), closingPara(`Kế hoạch ${titleText.charAt(0).toLowerCase()}${titleText.slice(1)}`)];
      break;
    case 'BC':
      doc.body = [{ kind: 'para', text: p.para() }, ...sectionsBody(r, p, size, bulletMarks), closingPara('báo cáo kết quả thực hiện')];
      break;
    case 'TB': {
      doc.body = [{ kind: 'para', text: p.para() }];
      for (let i = 1; i <= Math.max(2, Math.round(size / 2)); i++) doc.body.push({ kind: 'section', level: 1, marker: `${i}.`, title: p.para(), style: 'inline' });
      doc.body.push({ kind: 'para', text: p.para() });
      break;
    }
    case 'CV': {
      const many = chance(r, 0.5);
      doc.addresseeStyle = many ? 'list' : 'inline';
      variants.push(`addressee-${doc.addresseeStyle}`);
      doc.addressees = many ? Array.from({ length: int(r, 2, 4) }, () => pick(r, RECIPIENTS).replace(/[;.]$/, '').replace(/\s*\(để b\/c\)/, '')) : [pick(r, ['Ủy ban nhân dân các huyện, thị xã, thành phố', 'Giám đốc các sở, ban, ngành tỉnh', 'Bộ Nội vụ', 'Ủy ban nhân dân tỉnh', 'Thủ trưởng các đơn vị trực thuộc'])];
      doc.addressees = [...new Set(doc.addressees)];
      doc.body = [{ kind: 'para', text: p.para() }];
      const items = int(r, 0, Math.max(1, Math.round(size / 2)));
      for (let i = 1; i <= items; i++) doc.body.push({ kind: 'section', level: 1, marker: `${i}.`, title: p.para(), style: 'inline' });
      for (let i = items; i < Math.max(2, size / 3); i++) doc.body.push({ kind: 'para', text: p.para() });
      doc.body.push({ kind: 'para', text: `${p.para().replace(/[.;:]$/, '')}./.` });
      break;
    }
    case 'TTR': {
      doc.addresseeStyle = 'inline';
      doc.addressees = [pick(r, ['Ủy ban nhân dân tỉnh', 'Hội đồng nhân dân tỉnh', 'Chủ tịch Ủy ban nhân dân huyện', 'Sở Nội vụ'])];
      variants.push('addressee-after-title');
      doc.body = [...bases(r, p, int(r, 1, 2)), { kind: 'para', text: p.para() }, ...sectionsBody(r, p, size, bulletMarks)];
      doc.body.push({ kind: 'para', text: `${p.para().replace(/[.;:]$/, '')}./.` });
      break;
    }
    case 'QD': {
      doc.authorityLines = [iss.head === 'TRƯỞNG BAN' && iss.fullName.startsWith('BAN ') ? `TRƯỞNG ${iss.fullName}` : `${iss.head} ${iss.fullName}`];
      if (doc.authorityLines[0]!.length > 60) doc.authorityLines = [iss.head, iss.fullName];
      doc.body = [...bases(r, p, int(r, 1, 3)), { kind: 'para', italic: true, basis: true, text: `Theo đề nghị của ${pick(r, ['Giám đốc Sở Nội vụ', 'Giám đốc Sở Tài chính', 'Chánh Văn phòng', 'Trưởng phòng Tổ chức'])} tại Tờ trình số ${int(r, 10, 999)}/TTr-${pick(r, ['SNV', 'STC', 'VP', 'TCCB'])} ngày ${int(r, 1, 28)} tháng ${month} năm ${o.year}.` }, { kind: 'center', text: 'QUYẾT ĐỊNH:', bold: true }, ...articles(r, p, Math.max(3, Math.min(8, Math.round(size / 3))), false)];
      break;
    }
    case 'NQ': {
      const where = iss.fullName.replace('HỘI ĐỒNG NHÂN DÂN ', '');
      doc.authorityLines = [`HỘI ĐỒNG NHÂN DÂN ${where}`, `KHÓA ${pick(r, ['X', 'XI', 'XVII', 'XVIII', 'XIX'])}, KỲ HỌP THỨ ${pick(r, ['HAI', 'BA', 'TÁM', 'MƯỜI', 'MƯỜI HAI', 'CHUYÊN ĐỀ'])}`];
      doc.body = [...bases(r, p, int(r, 2, 3)), { kind: 'para', italic: true, basis: true, text: `Xét Tờ trình số ${int(r, 10, 999)}/TTr-UBND ngày ${int(r, 1, 28)} tháng ${month} năm ${o.year} của Ủy ban nhân dân; Báo cáo thẩm tra của Ban ${pick(r, ['Kinh tế - Ngân sách', 'Pháp chế', 'Văn hóa - Xã hội'])}; ý kiến thảo luận của đại biểu tại kỳ họp.` }, { kind: 'center', text: 'QUYẾT NGHỊ:', bold: true }, ...articles(r, p, Math.max(2, Math.min(6, Math.round(size / 3))), chance(r, 0.5))];
      doc.signer = { authority: null, delegation: chance(r, 0.3) ? 'KT. CHỦ TỊCH' : null, title: '', name: doc.signer.name };
      doc.signer.title = doc.signer.delegation ? 'PHÓ CHỦ TỊCH' : 'CHỦ TỊCH';
      break;
    }
    case 'QC': {
      if (chance(r, 0.4)) {
        doc.type = 'QUY ĐỊNH';
        doc.typeAbbreviation = 'QyĐ';
        doc.symbol = doc.symbol.replace(/^(\d+\/)?QC-/, (_m, y: string | undefined) => `${y ?? ''}QyĐ-`);
      }
      doc.issuedWith = splitTitle(`(Ban hành kèm theo Quyết định số ${int(r, 100, 3999)}/QĐ-${iss.code} ngày ${int(r, 1, 28)} tháng ${month} năm ${o.year} của ${iss.code === 'UBND' ? 'Ủy ban nhân dân' : 'Giám đốc Sở'})`, chance(r, 0.5) ? 1 : 2);
      variants.push('issued-with');
      const chapters = Math.max(2, Math.min(5, Math.round(size / 5)));
      let art = 1;
      for (let c = 0; c < chapters; c++) {
        doc.body.push({ kind: 'section', level: 1, marker: `Chương ${ROMAN[c]}`, title: up(p.heading()), style: 'chapter' });
        const withMuc = c === 1 && chance(r, 0.5);
        const groups = withMuc ? 2 : 1;
        for (let g = 0; g < groups; g++) {
          if (withMuc) doc.body.push({ kind: 'section', level: 2, marker: `Mục ${g + 1}`, title: up(p.heading()), style: 'chapter' });
          const arts = articles(r, p, int(r, 1, 3), true, withMuc ? 3 : 2).map((b) => (b.kind === 'section' && b.marker.startsWith('Điều ') ? { ...b, marker: `Điều ${art++}.` } : b));
          doc.body.push(...arts);
        }
      }
      if (withMucAny(doc.body)) variants.push('muc');
      break;
    }
  }
  // Quyết định/Nghị quyết: the issuing authority between title and bases.
  if (doc.authorityLines.length) doc.body.unshift(...doc.authorityLines.map((text): Block => ({ kind: 'center', text, bold: true })));

  const recN = int(r, 2, 6);
  const rec = new Set<string>();
  if (o.kind === 'QD' || o.kind === 'NQ') rec.add(`Như Điều ${Math.min(3, countArticles(doc.body))};`);
  else if (doc.addressees.length) rec.add('Như trên;');
  while (rec.size < recN) rec.add(pick(r, RECIPIENTS));
  doc.recipients = [...rec, `Lưu: VT${chance(r, 0.6) ? `, ${pick(r, ['TH', 'VP', 'KT', 'NC', 'TCCB', 'KHTC'])}` : ''}.`];

  if (o.size >= 6 && chance(r, 0.3)) {
    const h = [`Phụ lục${chance(r, 0.5) ? ` ${pick(r, ['I', '01', 'số 1'])}` : ''}`, up(p.heading())];
    const ref = `(Kèm theo ${t.name.charAt(0)}${t.name.slice(1).toLocaleLowerCase('vi')} số ${doc.number ?? '   '}/${doc.symbol} ngày ${day === null ? '   ' : String(day).padStart(2, '0')} tháng ${month} năm ${o.year})`;
    doc.appendix = { heading: [...h, ref], body: Array.from({ length: int(r, 2, 5) }, (): Block => (chance(r, 0.5) ? { kind: 'para', text: p.para() } : { kind: 'bullet', text: p.para(), mark: '-' })) };
    variants.push('appendix');
  }
  if (closingAlone) variants.push('closing-alone');
  if (doc.sealed) variants.push('seal');
  if (doc.handwriting) variants.push('handwriting');
  if (doc.signer.authority) variants.push('signer-tm');
  if (doc.signer.delegation?.startsWith('KT.')) variants.push('signer-kt');
  if (doc.signer.delegation?.startsWith('TL.')) variants.push('signer-tl');
  return doc;
}

function withMucAny(body: Block[]): boolean {
  return body.some((b) => b.kind === 'section' && b.marker.startsWith('Mục '));
}
function countArticles(body: Block[]): number {
  return body.filter((b) => b.kind === 'section' && b.marker.startsWith('Điều ')).length;
}
