/**
 * Closed vocabularies of the header: fixed phrases, agency words and place names.
 * Header lines of scans are often read without diacritics; these short lists let
 * us put the accents back on exactly the words a catalogue needs, without the
 * full restorer.
 */
import { distance } from 'fastest-levenshtein';
import { fold, hasDiacritics, upperShare } from './fold.js';

export const NATIONAL_MOTTO = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const SLOGAN = 'Độc lập - Tự do - Hạnh phúc';

/** The 63 provinces and cities (before the 2025 merger; the 34 after it keep these names). */
export const PROVINCES: readonly string[] = [
  'An Giang', 'Bà Rịa - Vũng Tàu', 'Bạc Liêu', 'Bắc Giang', 'Bắc Kạn', 'Bắc Ninh', 'Bến Tre', 'Bình Dương',
  'Bình Định', 'Bình Phước', 'Bình Thuận', 'Cà Mau', 'Cao Bằng', 'Cần Thơ', 'Đà Nẵng', 'Đắk Lắk', 'Đắk Nông',
  'Điện Biên', 'Đồng Nai', 'Đồng Tháp', 'Gia Lai', 'Hà Giang', 'Hà Nam', 'Hà Nội', 'Hà Tĩnh', 'Hải Dương',
  'Hải Phòng', 'Hậu Giang', 'Hòa Bình', 'Hưng Yên', 'Khánh Hòa', 'Kiên Giang', 'Kon Tum', 'Lai Châu',
  'Lạng Sơn', 'Lào Cai', 'Lâm Đồng', 'Long An', 'Nam Định', 'Nghệ An', 'Ninh Bình', 'Ninh Thuận', 'Phú Thọ',
  'Phú Yên', 'Quảng Bình', 'Quảng Nam', 'Quảng Ngãi', 'Quảng Ninh', 'Quảng Trị', 'Sóc Trăng', 'Sơn La',
  'Tây Ninh', 'Thái Bình', 'Thái Nguyên', 'Thanh Hóa', 'Thừa Thiên Huế', 'Huế', 'Tiền Giang', 'Hồ Chí Minh',
  'Trà Vinh', 'Tuyên Quang', 'Vĩnh Long', 'Vĩnh Phúc', 'Yên Bái',
];

/** Words and phrases of agency names (uppercase, as printed in headers). Longest first matters: see canonicalize. */
export const AGENCY_WORDS: readonly string[] = [
  'ỦY BAN NHÂN DÂN', 'HỘI ĐỒNG NHÂN DÂN', 'BAN QUẢN LÝ', 'KHU KINH TẾ', 'KHU CÔNG NGHIỆP', 'THÀNH PHỐ', 'THỊ XÃ',
  'THỊ TRẤN', 'TỈNH', 'HUYỆN', 'QUẬN', 'PHƯỜNG', 'XÃ', 'SỞ', 'BỘ', 'PHÒNG', 'BAN', 'CỤC', 'CHI CỤC', 'TỔNG CỤC',
  'VĂN PHÒNG', 'TRUNG TÂM', 'TRƯỜNG', 'BỆNH VIỆN', 'VIỆN', 'CÔNG AN', 'BỘ CHỈ HUY', 'QUÂN SỰ', 'THANH TRA',
  'KHO BẠC', 'NHÀ NƯỚC', 'CHÍNH PHỦ', 'THỦ TƯỚNG', 'GIÁO DỤC', 'ĐÀO TẠO', 'Y TẾ', 'TƯ PHÁP', 'TÀI CHÍNH',
  'NỘI VỤ', 'XÂY DỰNG', 'CÔNG THƯƠNG', 'NÔNG NGHIỆP', 'PHÁT TRIỂN', 'NÔNG THÔN', 'TÀI NGUYÊN', 'MÔI TRƯỜNG',
  'GIAO THÔNG', 'VẬN TẢI', 'KẾ HOẠCH', 'ĐẦU TƯ', 'LAO ĐỘNG', 'THƯƠNG BINH', 'XÃ HỘI', 'VĂN HÓA', 'THỂ THAO',
  'DU LỊCH', 'KHOA HỌC', 'CÔNG NGHỆ', 'THÔNG TIN', 'TRUYỀN THÔNG', 'DÂN TỘC', 'TÔN GIÁO', 'NGOẠI VỤ', 'VÀ',
  'CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'GIÁM ĐỐC', 'TRƯỞNG BAN', 'PHÓ TRƯỞNG BAN', 'GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC', 'TRƯỞNG PHÒNG',
  'PHÓ TRƯỞNG PHÒNG', 'CHÁNH VĂN PHÒNG', 'HIỆU TRƯỞNG', 'BỘ TRƯỞNG', 'THỨ TRƯỞNG', 'CỤC TRƯỞNG',
  'ỦY VIÊN', 'THƯỜNG TRỰC', 'TRƯỞNG', 'PHÓ',
];

interface Entry {
  canonical: string;
  words: string[];
  accented: string[];
}

function entries(list: readonly string[]): Entry[] {
  return list
    .map((canonical) => ({
      canonical,
      words: fold(canonical).split(/[\s-]+/).filter(Boolean),
      accented: canonical.toLowerCase().split(/[\s-]+/).filter(Boolean),
    }))
    .sort((a, b) => b.words.length - a.words.length);
}

const AGENCY_ENTRIES = entries([...AGENCY_WORDS, ...PROVINCES.map((p) => p.toUpperCase())]);
const PLACE_ENTRIES = entries(PROVINCES);

function keepCase(pattern: string, canonical: string): string {
  if (upperShare(pattern) >= 0.7) return canonical.toUpperCase();
  // Title case: first letter of each word upper.
  return canonical
    .toLowerCase()
    .replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Word-level tolerance: exact up to 3 letters ("VAN" is not "BAN"), one edit for 4–5, two for longer. */
function wordClose(a: string, b: string): number {
  const d = distance(a, b);
  const allowed = b.length <= 3 ? 0 : b.length <= 5 ? 1 : 2;
  return d <= allowed ? d : -1;
}

/** The diacritics of a text as a sorted list, wherever they sit (so "ỦY" and "UỶ" agree). */
function marks(text: string): string {
  const m = text.toLowerCase().normalize('NFD').replace(/đ/g, 'd\u0335').match(/\p{M}/gu);
  return m ? m.sort().join('') : '';
}

/**
 * A word read with accents that differs from the vocabulary word must differ only
 * where its letters are wrong ("Quéng" ~ "Quảng"); otherwise it is another word ("BẮC" ≠ "BAN").
 */
function accentsAgree(word: string, accented: string | undefined): boolean {
  if (accented === undefined) return false;
  const w = word.toLowerCase().replace(/[^\p{L}\p{M}0-9]/gu, '');
  if (!hasDiacritics(w)) return true;
  return distance(w, accented) <= distance(fold(w), fold(accented));
}

/**
 * Rewrite the spans of `text` that match a vocabulary phrase with the phrase's
 * accented form, in the text's case. A span that already folds to the phrase and
 * carries diacritics is kept as written (the scan said it; tone-mark style included).
 * Unknown words are left as they are.
 */
function canonicalizeWith(text: string, vocab: Entry[]): { text: string; changed: number; matched: number; words: number } {
  // Vietnamese has no syllable "P+vowel": an unaccented "Pong", "PAO" is an OCR'd "Đ".
  const tokens = text
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => (/^[Pp][aeiouyAEIOUY]\p{L}*$/u.test(t) && !hasDiacritics(t) ? (t[0] === 'P' ? 'D' : 'd') + t.slice(1) : t));
  const keys = tokens.map((t) => fold(t).replace(/[^a-z0-9]/g, ''));
  const lineAccented = tokens.filter(hasDiacritics).length >= Math.min(0.6 * tokens.length, tokens.length > 3 ? Infinity : 1);
  // Inside the name after a unit word ("HUYỆN TRIỆU PHONG"), words are names, not agency words.
  const afterUnit = (k: number): boolean => keys.slice(0, k).some((w, j) => j < k - 1 && /^(huyen|tinh|xa|quan|phuong|pho|tran)$/.test(w));
  const out: string[] = [];
  let changed = 0;
  let matched = 0;
  let i = 0;
  const costAt = (e: Entry): number => {
    const n = e.words.length;
    if (i + n > tokens.length) return -1;
    let cost = 0;
    for (let k = 0; k < n; k++) {
      const token = tokens[i + k]!;
      const d = wordClose(keys[i + k]!, e.words[k]!);
      if (d < 0 || (d > 0 && !accentsAgree(token, e.accented[k]))) return -1;
      // In a line read with its accents, a word whose letters differ from the vocabulary word while its
      // marks do not say it lost any ("NINH" for BÌNH, "MIỆN" for VIỆN) is another name, as printed.
      if (d > 0 && lineAccented && (!hasDiacritics(token) ? hasDiacritics(e.accented[k]!) : marks(token) === marks(e.accented[k]!))) return -1;
      cost += d;
    }
    return cost;
  };
  while (i < tokens.length) {
    // Longest phrase first; among equally long ones the closest ("GIAM DOC" is GIÁM ĐỐC, not GIÁO DỤC).
    let best: Entry | null = null;
    let bestCost = Infinity;
    for (const e of vocab) {
      if (best && e.words.length < best.words.length) break;
      const c = costAt(e);
      if (c >= 0 && c < bestCost) {
        best = e;
        bestCost = c;
      }
    }
    if (!best) {
      out.push(tokens[i]!);
      i++;
      continue;
    }
    const n = best.words.length;
    const spanWords = tokens.slice(i, i + n);
    const span = spanWords.join(' ');
    matched += n;
    // Written with the right accents (either tone-mark placement: ỦY/UỶ): keep it as the scan has it.
    // Wrong accents on a header word ("TÍNH" for TỈNH) are an OCR error: any same-length phrase with the same marks counts.
    const written = marks(span);
    const accented =
      bestCost === 0 &&
      vocab.some((e) => e.words.length === n && costAt(e) === 0 && marks(e.canonical) === written);
    // In a line read with accents, a lone word without any is a name as printed ("TRIỆU PHONG"), not a lost "PHÒNG".
    const plainName = n === 1 && bestCost === 0 && lineAccented && written === '' && spanWords[0]!.length > 2 && afterUnit(i);
    if (accented || plainName) out.push(span);
    else {
      out.push(keepCase(span, best.canonical));
      changed++;
    }
    i += n;
  }
  return { text: out.join(' '), changed, matched, words: tokens.length };
}

/** Agency header line with accents put back on known words ("BAN NHAN pAN" → "ỦY BAN NHÂN DÂN"). */
export function canonicalizeAgency(text: string): { text: string; known: number } {
  let t = text;
  // "ỦY" is often lost at the left edge of the scan: "BAN NHÂN DÂN" never stands alone.
  if (/^(ban nhan [a-z]an|ban nhan)\b/.test(fold(t).replace(/[^a-z ]/g, ''))) t = `ỦY ${t}`;
  const r = canonicalizeWith(t, AGENCY_ENTRIES);
  return { text: r.text, known: r.words === 0 ? 0 : r.matched / r.words };
}

/** Place name with accents put back when it is a province name ("Quéng Binh" → "Quảng Bình"). */
export function canonicalizePlace(text: string): string {
  const r = canonicalizeWith(text, PLACE_ENTRIES);
  return r.text;
}

/**
 * Vietnamese family names: a closed set (these cover nearly every signer). A name line whose first word
 * lost its accents to OCR while the rest kept theirs ("Huynh Xuân An") gets them back from here.
 */
export const FAMILY_NAMES: readonly string[] = [
  'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương',
  'Lý', 'Đinh', 'Trương', 'Tạ', 'Lương', 'Mai', 'Cao', 'Đào', 'Đoàn', 'Hà', 'Trịnh', 'Lâm', 'Tô', 'Chu', 'Châu',
  'Lưu', 'Triệu', 'Vương', 'Thái', 'Tôn', 'Quách', 'Kiều', 'Phùng', 'Thân', 'Tăng', 'Lại', 'Doãn', 'Đàm', 'Diệp',
  'Từ', 'Ninh', 'Trình', 'Phí', 'Khúc', 'Kim', 'Lục', 'Hầu', 'Quan', 'La', 'Lò', 'Nông', 'Mạc', 'Giang', 'Hứa',
  'Khổng', 'Âu', 'Văn', 'Thạch', 'Danh', 'Lữ', 'Tống', 'Nghiêm', 'Đậu', 'Bạch', 'Cù', 'Lã', 'Ông', 'Mạnh',
];

const familyByFold = new Map<string, string[]>();
for (const n of FAMILY_NAMES) {
  const k = fold(n);
  const list = familyByFold.get(k) ?? [];
  if (!list.includes(n)) list.push(n);
  familyByFold.set(k, list);
}

/** The family name a first word stands for when OCR dropped or misread its accents; null when none or several fit. */
export function accentedFamilyName(word: string): string | null {
  const f = fold(word);
  if (FAMILY_NAMES.includes(word)) return null;
  // Accents lost ("Huynh") or one mark misread ("Ngõ" for Ngô): the family name that folds the same, when only one does.
  const same = familyByFold.get(f);
  if (same) return same.length === 1 ? same[0]! : null;
  // A letter Vietnamese never writes (f, j, w, z) or a figure: a misread letter ("Hoànz" for "Hoàng"),
  // put right when exactly one family name is one edit away.
  if (!/[fjwz0-9]/.test(f) || f.length < 2) return null;
  const near = [...familyByFold.keys()].filter((k) => distance(k, f) <= 1);
  return near.length === 1 && familyByFold.get(near[0]!)!.length === 1 ? familyByFold.get(near[0]!)![0]! : null;
}
