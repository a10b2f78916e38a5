/**
 * Place-and-date line: "Hà Giang, ngày 12 tháng 4 năm 2023", with blank days
 * ("ngày    tháng 4 năm 2023") and OCR noise ("ngay l9 thang 5 nim 2024").
 */
import { fold } from './fold.js';
import { canonicalizePlace } from './lexicon.js';

export interface PlaceDate {
  place: string | null;
  /** ISO date, null when a part is blank or impossible. */
  date: string | null;
  /** The date as written, from "ngày" on. */
  dateText: string;
  /** Offset in the line where the place (or the date when no place) starts. */
  start: number;
  confidence: number;
}

/** Digits as OCR tends to misread them. */
function digits(raw: string): { value: number | null; clean: boolean } {
  const t = raw.replace(/[OoQ]/g, '0').replace(/[lI|!]/g, '1').replace(/[S]/g, '5').replace(/[B]/g, '8');
  if (!/\d/.test(t)) return { value: null, clean: true };
  const d = t.replace(/[^\d]/g, '');
  return { value: d ? Number(d) : null, clean: /^\d+$/.test(t) };
}

// On the folded line: "ngay", "ngdy", "ngay" + day (may be blank/underscores/dots) + "thang" + month + "nam" + year.
const DATE_RE =
  /(?:^|[\s,.;])(n[gq][a-z]{1,2}y?|ng[a-z]{0,2})\s+([0-9olisqb|!]{1,2}|[\s_.…]*?)\s*(t[a-z]{2,4})\s+([0-9olisqb|!]{1,2}|[\s_.…]*?)\s*(n[a-z]{1,3})\s+([0-9olisqb|!]{4})/d;

export function findPlaceDate(line: string): PlaceDate | null {
  // fold() keeps offsets, so group indices on the folded line are offsets in the original.
  const m = DATE_RE.exec(fold(line));
  if (!m || !m.indices) return null;
  const at = (g: number): string => {
    const span = m.indices![g];
    return span ? line.slice(span[0], span[1]).trim() : '';
  };
  const ngayStart = m.indices[1]![0];
  const end = m.indices[6]![1];
  const dateText = line.slice(ngayStart, end).replace(/\s+/g, ' ').trim();
  const day = digits(at(2));
  const month = digits(at(4));
  const year = digits(at(6));
  let confidence = 0.95;
  if (!day.clean || !month.clean || !year.clean) confidence -= 0.25;
  // Keyword noise lowers the confidence: "ngay" vs "ngdy".
  if (m[1] !== 'ngay') confidence -= 0.05;
  if (m[3] !== 'thang') confidence -= 0.05;
  if (m[5] !== 'nam') confidence -= 0.05;
  let date: string | null = null;
  if (day.value !== null && month.value !== null && year.value !== null) {
    const d = day.value;
    const mo = month.value;
    const y = year.value;
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && probe.getUTCDate() === d && y >= 1945 && y <= 2100) {
      date = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    } else confidence -= 0.3;
  }
  // Place: what precedes "ngày" on the line, without the comma.
  let before = line.slice(0, ngayStart).replace(/[\s,.;:]+$/, '').trim();
  // A long run before the place is the left column read across ("V/v tổ chức ôn tập Nghệ An, ngày …"):
  // the place is then the capitalised words just before the comma.
  if (before.split(/\s+/).length > 5) {
    const m = /((?:(?:TP|Tp)\.\s*)?(?:\p{Lu}[\p{L}.]*\s+){0,3}\p{Lu}[\p{L}.]*)$/u.exec(before);
    if (m) before = m[1]!;
  }
  const cleaned = before.replace(/^[^\p{L}]+/u, '');
  const place = cleaned ? canonicalizePlace(cleaned) : null;
  return { place, date, dateText, start: before ? line.lastIndexOf(before, ngayStart) : ngayStart, confidence: Math.max(0.1, confidence) };
}
