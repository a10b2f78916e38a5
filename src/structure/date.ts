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
function squashSpaces(t: string): string {
  return t.replace(/\s+/g, ' ').trim();
}

/** Digits as printed, OCR look-alikes mapped ("l9" → "19"). */
function shownDigits(raw: string): string {
  return raw.replace(/\s+/g, '').replace(/[OoQ]/g, '0').replace(/[lI|!i]/g, '1').replace(/[Ss]/g, '5').replace(/[Bb]/g, '8').replace(/q/g, '9');
}

function digits(raw: string): { value: number | null; clean: boolean } {
  const t = raw.replace(/[OoQ]/g, '0').replace(/[lI|!]/g, '1').replace(/[S]/g, '5').replace(/[B]/g, '8');
  if (!/\d/.test(t)) return { value: null, clean: true };
  const d = t.replace(/[^\d]/g, '');
  return { value: d ? Number(d) : null, clean: /^\d+$/.test(t) };
}

// On the folded line: "ngay" + day (may be blank/underscores/dots, glued "26thang", split "2 6") + "thang" + month + "nam" + year.
const D = '[0-9olisqb|!]';
// A blank left for the day or month, with the specks and strokes OCR reads in it ("ngày. : tháng", "ngày /§tháng"); the line is folded, so any letter is a-z.
const BLANK = '[^a-z0-9]*?';
const DATE_RE = new RegExp(
  `(?:^|[\\s,.;:])(ngay|n[gq][a-z]{1,2}y?|ng[a-z]{0,2})\\s*(${D}\\s?${D}|${D}|${BLANK})\\s*(t[a-z]{2,4})\\s*(${D}\\s?${D}|${D}|${BLANK})\\s*(n[a-z]{1,3})\\s*(${D}{4}|${D}{3}\\s?(?:${D}|t)(?![a-z0-9])|\\d{2}[\\s_.…]*|[_.…]+)`,
  'd',
);
// "ngày 05/3/2024", "ngày 05-3-2024", "ngày 05.3.2024".
// Only after "Place," — inside a sentence or a subject "ngày 17/8/2023" cites another document.
const NUMERIC_RE = new RegExp(`,\\s*(ngay|n[gq][a-z]{1,2}y?)\\s*(${D}{1,2})\\s*([/.-])\\s*(${D}{1,2})\\s*\\3\\s*(${D}{4})`, 'd');

export function findPlaceDate(line: string): PlaceDate | null {
  // fold() keeps offsets, so group indices on the folded line are offsets in the original.
  const folded = fold(line);
  const m = DATE_RE.exec(folded);
  const n = m ? null : NUMERIC_RE.exec(folded);
  const hit = m ?? n;
  if (!hit || !hit.indices) return null;
  const at = (g: number): string => {
    const span = hit.indices![g];
    return span ? line.slice(span[0], span[1]).trim() : '';
  };
  const ngayStart = hit.indices[1]![0];
  const [dayG, monthG, yearG] = m ? [2, 4, 6] : [2, 4, 5];
  const day = digits(at(dayG));
  const month = digits(at(monthG));
  // A year's last figure split off, or its "1" read as a "T" ("năm 202 T").
  const yearRaw = /^\S{3}\s?\S$/.test(at(yearG)) ? at(yearG).replace(/\s+/g, '').replace(/[tT]$/, '1') : at(yearG);
  const year = digits(yearRaw);
  const shown = (raw: string): string => raw.replace(/[^\p{L}\d]+/gu, '');
  // The date as written, with the spacing OCR glued or split put back ("ngày2 6tháng" → "ngày 26 tháng").
  const dateText = m
    ? squashSpaces(`ngày ${day.value === null ? shown(at(dayG)) : shownDigits(at(dayG))} tháng ${month.value === null ? shown(at(monthG)) : shownDigits(at(monthG))} năm ${year.value !== null && yearRaw.replace(/\D/g, '').length === 4 ? shownDigits(yearRaw) : shown(yearRaw)}`)
    : `ngày ${shownDigits(at(dayG))}${hit[3]}${shownDigits(at(monthG))}${hit[3]}${shownDigits(at(yearG))}`;
  let confidence = 0.95;
  if (!day.clean || !month.clean || !year.clean || /[tT]$/.test(at(yearG))) confidence -= 0.25;
  // Keyword noise lowers the confidence: "ngay" vs "ngdy".
  if (hit[1] !== 'ngay') confidence -= 0.05;
  if (m && m[3] !== 'thang') confidence -= 0.05;
  if (m && m[5] !== 'nam') confidence -= 0.05;
  let date: string | null = null;
  const fullYear = year.value !== null && year.value >= 1000;
  if (day.value !== null && month.value !== null && fullYear) {
    const d = day.value;
    const mo = month.value;
    const y = year.value!;
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
