/**
 * Header of the document: left column (parent agency, agency, "Số:", "V/v …"),
 * right column (Quốc hiệu, Tiêu ngữ, place and date), then the type and title.
 *
 * Plain text often has both columns on one line ("TINH QUANG BINH Poc lap - Tw do…"):
 * a line is split where a fixed phrase of the right column starts.
 */
import { distance } from 'fastest-levenshtein';
import { fold, squash, upperShare, matchConfidence } from './fold.js';
import { findPlaceDate } from './date.js';
import { canonicalizeAgency, NATIONAL_MOTTO, SLOGAN } from './lexicon.js';
import { DOC_TYPES, matchTypeLine, typeFromSymbol, type DocType } from './doctypes.js';
import {
  findMotto,
  findSlogan,
  isBasisStart,
  isDecoration,
  isEnactingFormula,
  matchAddresseeLabel,
  matchNumberLabel,
  matchSubjectLabel,
} from './phrases.js';
import { matchMarker } from './sections.js';
import type { Field, SourceLine } from './types.js';

export interface HeaderResult {
  nationalMotto?: Field<string>;
  slogan?: Field<string>;
  agency?: Field<string>;
  parentAgency?: Field<string>;
  number?: Field<string | null>;
  symbol?: Field<string>;
  place?: Field<string>;
  date?: Field<string | null>;
  dateText?: Field<string>;
  type?: Field<DocType>;
  title?: Field<string>;
  /** Issuing authority line of a decision or resolution ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"). */
  authority?: Field<string>;
  /** Index (into the line list) of the first line after the header and title. */
  end: number;
}

function at<T>(src: SourceLine, value: T, confidence: number): Field<T> {
  const f: Field<T> = { value, page: src.page, line: src.line, confidence: Math.round(confidence * 100) / 100 };
  if (src.bbox) f.bbox = src.bbox;
  return f;
}

/** OCR confidence of the line as a 0–1 factor (1 for plain text). */
function lineFactor(src: SourceLine): number {
  return src.conf === undefined ? 1 : Math.max(0.3, Math.min(1, src.conf / 90));
}

/** Tokens of pure OCR junk at the edges of a header fragment ("ﬁ}f", "|", "~"). */
function trimJunk(text: string): string {
  const tokens = squash(text).split(' ');
  const junk = (t: string): boolean => !/^[\p{L}\d.,&()/-]+$/u.test(t) || !/[\p{L}\d]/u.test(t);
  // A speck glued to a word ("'SỞ", "NAM|") costs the speck, not the word.
  if (tokens.length && junk(tokens[0]!)) tokens[0] = tokens[0]!.replace(/^[^\p{L}\d(]+(?=[\p{L}\d]{2})/u, '');
  const n = tokens.length - 1;
  if (n >= 0 && junk(tokens[n]!)) tokens[n] = tokens[n]!.replace(/(?<=[\p{L}\d]{2}[.,)]?)[^\p{L}\d.,)]+$/u, '');
  while (tokens.length && junk(tokens[0]!)) tokens.shift();
  while (tokens.length && junk(tokens[tokens.length - 1]!)) tokens.pop();
  return tokens.join(' ');
}

/**
 * "V/v" read beyond recognition ("VAấy", "V7v", "Vịv") at the head of a mixed-case line under the
 * number: a V followed by no lowercase letter, in a short token, then the subject in lower case.
 * The restorer may have made such a garble a short word ("Vay", "Vy"): a capital V and one or two
 * lower-case letters count too when OCR read that first word unconfidently (`firstConf` < 50; a
 * word read clearly is the word printed), but for "Về", which opens a subject of its own.
 */
function garbledSubjectLabel(text: string, firstConf: number | undefined): number | null {
  const unsure = firstConf !== undefined && firstConf < 50;
  const m = /^[Vv](?:[^\p{Ll}\s]|\p{Ll}?\p{Lu})\S{0,3}\s+(?=\S)/u.exec(text) ?? (unsure ? /^V\p{Ll}{1,2}\s+(?=\S)/u.exec(text) : null);
  if (!m || fold(m[0].trim()) === 've') return null;
  const rest = text.slice(m[0].length);
  return upperShare(rest) < 0.6 && /^\p{Ll}/u.test(rest) ? m[0].length : null;
}

const UNIT_START = /^(tinh|huyen|quan|xa|phuong|thi xa|thi tran|thanh pho|tp\.?|va)\b/;

/** Group agency lines into names: a line continues the previous one when it names the unit ("TỈNH …") or ends a phrase. */
function groupAgencyLines(lines: Array<{ text: string; src: SourceLine }>): Array<{ text: string; src: SourceLine }> {
  const units: Array<{ text: string; src: SourceLine }> = [];
  for (const line of lines) {
    const prev = units[units.length - 1];
    const f = fold(line.text);
    const continues =
      prev !== undefined &&
      (UNIT_START.test(f) ||
        /(\bva|[-,&])$/.test(fold(prev.text)) ||
        /^\p{Ll}/u.test(line.text) ||
        // "ỦY BAN NHÂN DÂN" / "HỘI ĐỒNG NHÂN DÂN" alone always needs its unit.
        /nhan dan$/.test(fold(prev.text)) ||
        // "BAN QUẢN LÝ / CÁC KHU CÔNG NGHIỆP": a line opening on a function word continues a name.
        /^(cac|cua|ve|khu|nha nuoc)\b/.test(f));
    if (continues) prev.text = `${prev.text} ${line.text}`;
    else units.push({ ...line });
  }
  return units;
}

interface NumberParse {
  number: string | null;
  symbol: string | null;
  rest: string;
  confidence: number;
}

/** "¥4 /KH-UBND Quảng Bình, ngày…" → number "4" (low confidence), symbol "KH-UBND", rest "Quảng Bình, ngày…". */
export function parseNumber(afterLabel: string): NumberParse {
  // A speck after the "/" ("2224/,SKHĐT-VP") is no part of the symbol.
  const m = /^\s*([^\s/]*(?:\s+[^\s/]+)?)?\s*\/\s*[,.'`’]?\s*((?:\d{4}\s*\/\s*)?[\p{L}\d&.]+(?:\s*-\s*[\p{L}\d&.]+)*)/u.exec(afterLabel);
  if (!m) {
    // The "/" read as a figure or a stroke ("2077/TB-STNMT" → "20777TB-STNMT"): a symbol (capitals, a hyphen) glued after the digits.
    const g = /^\s*(\d+)[71lI|!]((?:\d{4}[71lI|!])?\p{Lu}[\p{L}\d&.]*(?:-[\p{L}\d&.]+)+)/u.exec(afterLabel);
    if (g) return { number: g[1]!, symbol: g[2]!.replace(/[.,]+$/, ''), rest: afterLabel.slice(g[0].length), confidence: 0.5 };
    // The "/" lost outright ("194UBND-KT"); a lone 7 glued to the symbol ("7NQ-HĐND") is the slash of a blank number.
    const glued = /^\s*(\d+)(\p{Lu}[\p{L}&.]*(?:-[\p{L}\d&.]+)+)/u.exec(afterLabel);
    if (glued) return { number: glued[1] === '7' ? null : glued[1]!, symbol: glued[2]!.replace(/[.,]+$/, ''), rest: afterLabel.slice(glued[0].length), confidence: 0.5 };
    // No "/" and no figure: a blank number whose "/" was read as a letter glued to the symbol ("ZQyĐ-SGDĐT");
    // the symbol is kept whole, the type line puts its first part right (reconcileSymbol).
    const bare = /^\s*(\p{Lu}[\p{L}&.]{1,6}(?:-[\p{L}\d&.]+)+)\s*$/u.exec(afterLabel);
    if (bare) return { number: null, symbol: bare[1]!.replace(/[.,]+$/, ''), rest: '', confidence: 0.5 };
    const n = /^\s*(\d+)/.exec(afterLabel);
    return n
      ? { number: n[1]!, symbol: null, rest: afterLabel.slice(n[0].length), confidence: 0.6 }
      : { number: null, symbol: null, rest: afterLabel, confidence: 0.3 };
  }
  const rawNumber = (m[1] ?? '').trim();
  let number: string | null = null;
  let confidence = 0.95;
  if (/[\dOolI]/.test(rawNumber)) {
    const mapped = rawNumber.replace(/[Oo]/g, '0').replace(/[lI|]/g, '1');
    const digits = mapped.replace(/[^\d]/g, '');
    number = digits || null;
    if (mapped !== digits) confidence = 0.5;
  } else if (rawNumber && !/^[_.…\s-]*$/.test(rawNumber)) confidence = 0.6;
  let symbol = m[2]!.replace(/\s+/g, '');
  // A trailing place word glued by OCR ("KH-UBNDQuảng") cannot be told apart; a trailing "." or "," is punctuation.
  symbol = symbol.replace(/[.,]+$/, '');
  return { number, symbol, rest: afterLabel.slice(m[0].length), confidence };
}

/**
 * "Số:  145 /CV-PA83": a printed number is set against its "/" ("593/TTr-SCT"); a figure standing
 * apart in the blank before the "/" and read with low confidence was written in by hand.
 */
function writtenIntoBlank(src: SourceLine): boolean {
  if (!src.words?.length) return false;
  const tokens = src.text.trim().split(/\s+/);
  if (tokens.length !== src.words.length) return false;
  const slash = tokens.findIndex((t, k) => k > 0 && t.startsWith('/'));
  if (slash < 1) return false;
  const figure = tokens[slash - 1]!;
  const conf = src.words[slash - 1]!.conf;
  return /\d/.test(figure) && matchNumberLabel(figure) === null && conf !== undefined && conf < 50;
}

/**
 * "Số: 564/TB-PNV" whole: a label, figures, "/" and a symbol of capitals and hyphens. Tesseract may
 * give such a line next to no confidence (a bold face, a rule under it, a number written into
 * its blank and taken out) though it read it right; a hand or a stamp does not write that form.
 */
function printedNumberLine(text: string): boolean {
  const label = matchNumberLabel(text);
  if (label === null) return false;
  const p = parseNumber(text.slice(label));
  // The blank left for a number written by hand ("Số:      /CV-PA83") is the printed form too.
  const blank = p.number === null && p.confidence >= 0.95;
  return (p.number !== null || blank) && p.symbol !== null && /^(?:\d{4}\/)?[\p{Lu}\d&.]+(?:-[\p{Lu}\d&.]+)+$/u.test(p.symbol) && /\p{Lu}{2}/u.test(p.symbol);
}

/**
 * The symbol opens on the type's abbreviation (Nghị định 30/2020, Phụ lục III): a first part one letter
 * off it that is no abbreviation at all ("QCG-UBND", "QVĐ-SNN" under the type line "QUY CHẾ"/"QUY ĐỊNH")
 * is that abbreviation misread; the type line, in large print, is read more surely than the symbol.
 */
export function reconcileSymbol(symbol: string, abbreviation: string | null): string {
  if (!abbreviation) return symbol;
  const m = /^((?:\d{4}\/)?)([^-/]{2,5})(-.+)$/u.exec(symbol);
  if (!m) return symbol;
  const part = m[2]!;
  const up = part.toLocaleUpperCase('vi');
  if (DOC_TYPES.some((t) => t.abbreviation !== null && t.abbreviation.toLocaleUpperCase('vi') === up)) return symbol;
  if (distance(fold(part), fold(abbreviation)) > 1) return symbol;
  // Quy định is written "QyĐ" in symbols.
  return `${m[1]}${abbreviation === 'QYĐ' ? 'QyĐ' : abbreviation}${m[3]}`;
}

/**
 * Read the header from the top of the document. Stops at the title block (type
 * line + title), or, for a letter, after the "V/v" subject, or at the first body line.
 */
export function parseHeader(lines: readonly SourceLine[]): HeaderResult {
  const result: HeaderResult = { end: 0 };
  const agencyLines: Array<{ text: string; src: SourceLine }> = [];
  const subject: Array<{ text: string; src: SourceLine }> = [];
  let subjectOpen = false;
  let seenNumber = false;
  let seenRight = false;
  let i = 0;
  const limit = Math.min(lines.length, 60);
  let typeAt = -1;

  // The right column came first in reading order (no agency line before it): the agency may follow it.
  let rightFirst = false;
  // The heading of an incoming-mail stamp ("ĐẾN", "CÔNG VĂN ĐẾN") was met: its "Số:" and "Ngày" lines are the stamp's.
  let stampSeen = false;
  const takeRight = (text: string, src: SourceLine): void => {
    const t = text.trim();
    if (!t || isDecoration(t)) return;
    if (!seenRight && agencyLines.length === 0 && !seenNumber) rightFirst = true;
    if (!result.nationalMotto) {
      const h = findMotto(t);
      if (h) {
        result.nationalMotto = at(src, NATIONAL_MOTTO, matchConfidence(h.distance, 34) * lineFactor(src));
        seenRight = true;
        return;
      }
    }
    if (!result.slogan) {
      const h = findSlogan(t);
      if (h) {
        result.slogan = at(src, SLOGAN, matchConfidence(h.distance, 27) * lineFactor(src));
        seenRight = true;
        return;
      }
    }
    if (!result.dateText) {
      const pd = findPlaceDate(t);
      if (pd) {
        const c = pd.confidence * lineFactor(src);
        result.dateText = at(src, pd.dateText, c);
        result.date = at(src, pd.date, c);
        if (pd.place) result.place = at(src, pd.place, c * 0.95);
        seenRight = true;
      }
    }
  };

  let numberText = '';
  const takeNumber = (text: string, src: SourceLine): string | null => {
    const label = matchNumberLabel(text);
    if (label === null || seenNumber) return null;
    const p = parseNumber(text.slice(label));
    // An incoming-mail stamp ("ĐẾN Số: ..ZVA / Ngày: …") read before the header gives neither a number nor a
    // symbol: it is not the document's number line, which may still come.
    if (p.number === null && p.symbol === null && agencyLines.length === 0 && ((src.conf !== undefined && src.conf < 70) || stampSeen)) return '';
    seenNumber = true;
    const c = p.confidence * lineFactor(src);
    if (p.number !== null && writtenIntoBlank(src)) {
      // Refused: a number written by hand into the printed blank is not read as print (confidence tells quality why).
      result.number = at(src, null, 0.3);
    } else result.number = at(src, p.number, c);
    if (p.symbol) result.symbol = at(src, p.symbol, c);
    numberText = text.slice(label);
    return p.rest;
  };

  for (; i < limit; i++) {
    const src = lines[i]!;
    // Header lines are short; a paragraph-long line is body, and searching it whole for phrases would only cost time.
    const text = src.text.length > 300 ? src.text.slice(0, 300) : src.text;
    if (!text.trim()) {
      if (subjectOpen && subject.length) subjectOpen = false;
      continue;
    }
    if (isDecoration(text)) continue;
    // OCR barely saw print here (handwriting, a stamp, a photo's edge): nothing of the header comes from it.
    if (src.conf !== undefined && src.conf < 30 && !(seenNumber === false && printedNumberLine(text))) continue;

    // Title block: the type name alone on a line ends the header.
    // OCR may file the centred type line with a header column; in the left column it can only follow the number.
    if ((src.column !== 'left' || seenNumber) && !isEnactingFormula(text)) {
      const tm = matchTypeLine(trimJunk(text) || text);
      if (tm) {
        result.type = at(src, tm.type, tm.confidence * lineFactor(src));
        typeAt = i;
        break;
      }
    }
    // Body reached without a type line (letters): stop before it.
    if (
      src.column !== 'right' &&
      (matchAddresseeLabel(text) !== null || isBasisStart(text) || (matchMarker(text) !== null && !subjectOpen))
    )
      break;

    if (src.column === 'right') {
      takeRight(text, src);
      continue;
    }

    // Split off the right column where its fixed phrases begin.
    let left = text;
    if (src.column !== 'left') {
      const motto = result.nationalMotto ? null : findMotto(text);
      const slogan = motto || result.slogan ? null : findSlogan(text);
      const hit = motto ?? slogan;
      if (hit) {
        left = text.slice(0, hit.start);
        takeRight(text.slice(hit.start), src);
      }
    }

    const afterNumber = takeNumber(left, src);
    if (afterNumber !== null) {
      if (src.column !== 'left') takeRight(afterNumber, src);
      continue;
    }
    if (src.column !== 'left' && !result.dateText && left === text) {
      const pd = findPlaceDate(left);
      // Inside a "V/v …" subject, a date without a place cites another document.
      if (pd && !(subjectOpen && pd.place === null)) {
        // Whatever precedes the place on a merged line belongs to the left column.
        takeRight(left.slice(pd.start), src);
        left = left.slice(0, pd.start);
        if (!trimJunk(left)) continue;
      }
    }

    const leftText = trimJunk(left);
    if (!leftText) continue;
    const subjectAt = matchSubjectLabel(leftText) ?? (seenNumber && !subjectOpen ? garbledSubjectLabel(leftText, src.words?.[0]?.conf) : null);
    if (subjectAt !== null) {
      // A second "V/v" label: what came before was not the subject (a mark read as one).
      subject.length = 0;
      subject.push({ text: leftText.slice(subjectAt), src });
      subjectOpen = true;
      continue;
    }
    if (subjectOpen) {
      // A pen stroke or a stamp's edge read as a short low-confidence line is not subject.
      if (!(src.conf !== undefined && src.conf < 70 && leftText.replace(/[^\p{L}]/gu, '').length < 4)) subject.push({ text: leftText, src });
      continue;
    }
    // No agency is called "ĐẾN": it heads the stamp a registry puts over the header when the letter arrives.
    if (!seenNumber && agencyLines.length === 0 && /^(cong van |cv )?d[ae]n\W*$/.test(fold(leftText))) {
      stampSeen = true;
      continue;
    }
    if (!seenNumber && !seenRight && agencyLines.length < 4 && leftText.length <= 80 && upperShare(leftText) >= 0.6) {
      agencyLines.push({ text: leftText.replace(/\s*[.,;:]+$/, ''), src });
      continue;
    }
    if (!seenNumber && agencyLines.length < 4 && leftText.length <= 80 && upperShare(leftText) >= 0.6 && (left !== text || rightFirst)) {
      // Agency line merged with the motto/slogan, or read after the whole right column (right-first reading order).
      agencyLines.push({ text: leftText.replace(/\s*[.,;:]+$/, ''), src });
      continue;
    }
    if (seenNumber && seenRight && i > 0 && src.column !== 'left') {
      // Something else after the header fields: body text of a letter.
      if (leftText.length > 60 || upperShare(leftText) < 0.5) break;
    }
  }

  // The body began in the left column before OCR's right column came (its block follows in reading order): read it still.
  for (let k = i; k < Math.min(lines.length, i + 20); k++) {
    const src = lines[k]!;
    if (src.column === 'right' && (!result.dateText || !result.nationalMotto || !result.slogan)) takeRight(src.text, src);
  }

  // A blank number's "/" read as a figure glued to the symbol ("Số: 7JQĐ-UBND", "Số: ...7/KH-SNN"): where the day
  // is blank too (both are filled in when the document is registered), the lone 7 or 1 is that slash, not a number.
  if (result.number?.value && /^[71]$/.test(result.number.value) && result.dateText && /^ngày tháng/.test(result.dateText.value)) {
    const g = /^[\s.…_,:]*[71]([^\s\d]?)(\p{Lu}[\p{L}\d&.]*(?:-[\p{L}\d&.]+)+)/u.exec(numberText);
    if (g) {
      result.number = { ...result.number, value: null, confidence: 0.3 };
      // The glued stroke was the slash: what follows it is the symbol.
      if (!result.symbol) result.symbol = { ...result.number, value: g[2]!.replace(/[.,]+$/, ''), confidence: 0.5 };
    }
  }

  // Agency and parent agency.
  if (agencyLines.length) {
    const units = groupAgencyLines(agencyLines).map((u) => ({ ...canonicalizeAgency(u.text), src: u.src }));
    const last = units[units.length - 1]!;
    result.agency = at(last.src, last.text, (0.6 + 0.35 * last.known) * lineFactor(last.src));
    if (units.length > 1) {
      const parent = units.slice(0, -1);
      const psrc = parent[0]!.src;
      const pk = parent.reduce((sum, p) => sum + p.known, 0) / parent.length;
      result.parentAgency = at(psrc, parent.map((p) => p.text).join(' '), (0.55 + 0.35 * pk) * lineFactor(psrc));
    }
  }

  if (typeAt >= 0 && result.symbol && result.type) {
    const fixed = reconcileSymbol(result.symbol.value, result.type.value.abbreviation);
    if (fixed !== result.symbol.value) result.symbol = { ...result.symbol, value: fixed, confidence: Math.round(result.symbol.confidence * 0.9 * 100) / 100 };
  }
  if (typeAt >= 0) {
    const t = parseTitle(lines, typeAt + 1, result.type?.value.name ?? null, lines[typeAt]);
    if (t.title) result.title = t.title;
    if (t.authority) result.authority = t.authority;
    result.nationalMotto ??= t.motto;
    result.slogan ??= t.slogan;
    if (result.nationalMotto === undefined) delete result.nationalMotto;
    if (result.slogan === undefined) delete result.slogan;
    if (t.placeDate && !result.dateText) {
      const { src, pd } = t.placeDate;
      const c = pd.confidence * lineFactor(src);
      result.dateText = at(src, pd.dateText, c);
      result.date = at(src, pd.date, c);
      if (pd.place) result.place = at(src, pd.place, c * 0.95);
    }
    result.end = t.end;
  } else {
    result.end = i;
    if (subject.length) {
      const first = subject[0]!.src;
      result.title = at(first, squash(subject.map((s) => s.text).join(' ')), 0.85 * lineFactor(first));
      result.type = at(first, { name: 'CÔNG VĂN', abbreviation: null }, 0.8);
    } else if (result.symbol) {
      const t = typeFromSymbol(result.symbol.value);
      if (t) result.type = { value: t, page: result.symbol.page, line: result.symbol.line, confidence: 0.6 };
      // The type line lost to OCR (blur, a faint bold face): under a complete header, a centred block is still the title.
      if (t && t.name !== 'CÔNG VĂN' && result.dateText && centredBlockAt(lines, i)) {
        const tt = parseTitle(lines, i, t.name);
        if (tt.title) result.title = { ...tt.title, confidence: Math.round(tt.title.confidence * 0.8 * 100) / 100 };
        if (tt.authority) result.authority = tt.authority;
        result.end = tt.end;
      }
    }
  }
  return result;
}

/**
 * The line at `at` (or the first after blank lines) is centred on the page and shorter than the body's
 * lines: the place of a title. Needs boxes; plain text without a type line is read as a letter.
 */
function centredBlockAt(lines: readonly SourceLine[], at: number): boolean {
  let k = at;
  while (k < lines.length && !lines[k]!.text.trim()) k++;
  const src = lines[k];
  if (!src?.bbox || k > at + 3) return false;
  const same = lines.filter((l) => l.page === src.page && l.bbox && l.column !== 'left' && l.column !== 'right' && l.text.trim().length > 20);
  if (same.length < 3) return false;
  const x0 = Math.min(...same.map((l) => l.bbox![0]));
  const x1 = Math.max(...same.map((l) => l.bbox![2]));
  const span = x1 - x0;
  const width = src.bbox[2] - src.bbox[0];
  return span > 0 && Math.abs(printCentre(src) - (x0 + x1) / 2) < 0.08 * span && width < 0.8 * span && !opensBody(src.text.trim());
}

/** Marks at the edges of a title line that are no print: speckle, stamp edges, strokes ("|", "~", "}{"). */
function trimMarks(text: string): string {
  const tokens = squash(text).split(' ');
  // A per cent sign in brackets is print ("… lao động (%)", "… giao cảm (%"), not a speck.
  const junk = (t: string): boolean => (!/[\p{L}\d]/u.test(t) && !/^\(?%\)?$/.test(t)) || /[{}[\]<>|~^\\@#$*=]/.test(t);
  while (tokens.length && junk(tokens[0]!)) tokens.shift();
  while (tokens.length && junk(tokens[tokens.length - 1]!)) tokens.pop();
  return tokens.join(' ');
}

/** Opening words of the issuing-authority line of a decision or resolution ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"). */
const AUTHORITY_KEYS = [
  'chu tich uy ban nhan dan',
  'chu tich hoi dong',
  'uy ban nhan dan',
  'hoi dong nhan dan',
  'uy ban thuong vu',
  'ban thuong vu',
  'ban chap hanh',
  'thuong truc hoi dong',
  'hoi dong quan tri',
  'hoi dong thanh vien',
  'hoi dong',
  'chinh phu',
  'thu tuong chinh phu',
  'bo truong',
  'thu truong',
  'tong giam doc',
  'giam doc',
  'chu tich',
  'chanh an',
  'vien truong',
  'hieu truong',
  'cuc truong',
  'chi cuc truong',
  'truong ban',
  'truong phong',
  'chanh van phong',
  'tong cuc truong',
  'chanh thanh tra',
  'tong kiem toan',
];

/** The accented forms of the authority openings, longest first. */
const AUTHORITY_HEADS = [
  'CHỦ TỊCH ỦY BAN NHÂN DÂN', 'THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN', 'HỘI ĐỒNG NHÂN DÂN', 'ỦY BAN NHÂN DÂN', 'ỦY BAN THƯỜNG VỤ',
  'HỘI ĐỒNG QUẢN TRỊ', 'HỘI ĐỒNG THÀNH VIÊN', 'THỦ TƯỚNG CHÍNH PHỦ', 'BAN THƯỜNG VỤ', 'BAN CHẤP HÀNH', 'CHÁNH VĂN PHÒNG',
  'CHÁNH THANH TRA', 'TỔNG GIÁM ĐỐC', 'CHỦ TỊCH HỘI ĐỒNG', 'GIÁM ĐỐC', 'CHỦ TỊCH', 'BỘ TRƯỞNG', 'THỨ TRƯỞNG', 'TRƯỞNG BAN',
  'TRƯỞNG PHÒNG', 'HIỆU TRƯỞNG', 'CỤC TRƯỞNG', 'VIỆN TRƯỞNG', 'CHÁNH ÁN', 'CHÍNH PHỦ',
].sort((a, b) => b.length - a.length);

/** The tone and vowel marks of a text, in any order (ỦY and UỶ agree). */
const markSet = (t: string): string => (t.normalize('NFD').replace(/đ/gi, 'd\u0335').match(/\p{M}/gu) ?? []).sort().join('');

/**
 * An authority read with accents, one of them wrong on its opening words ("HỘI ĐÔNG NHÂN DÂN"): the opening
 * is a fixed phrase, put back as printed; the names after it are left as OCR read them.
 */
function authorityHead(raw: string): string {
  const f = fold(raw);
  for (const head of AUTHORITY_HEADS) {
    const key = fold(head);
    if (!f.startsWith(key) || (f.length > key.length && f[key.length] !== ' ')) continue;
    const span = raw.slice(0, head.length);
    return upperShare(span) > 0.8 && markSet(span) !== markSet(head) ? head + raw.slice(head.length) : raw;
  }
  return raw;
}

/** Types whose layout puts the issuing authority on its own line between the title and the bases. */
const WITH_AUTHORITY = new Set(['QUYẾT ĐỊNH', 'NGHỊ QUYẾT', 'CHỈ THỊ', 'NGHỊ ĐỊNH', 'THÔNG TƯ', 'THÔNG TƯ LIÊN TỊCH', 'LỆNH']);

/** True when an upper-case line opens with the words of an issuing authority (OCR slips tolerated). */
export function isAuthorityLine(text: string): boolean {
  const t = text.trim();
  if (t.length < 8 || t.length > 120 || upperShare(t) < 0.7) return false;
  const key = squash(fold(t).replace(/[^a-z ]+/g, ' '));
  for (const k of AUTHORITY_KEYS) {
    const head = key.slice(0, k.length);
    // The key must end at a word boundary, and short keys ("chu tich") must match exactly.
    if (key.length > k.length && key[k.length] !== ' ') continue;
    if (distance(head, k) <= (k.length >= 12 ? 2 : k.length >= 8 ? 1 : 0)) return true;
  }
  return false;
}

/** A title line that a following line may continue: it ends on a word that cannot end a phrase. */
function endsOpen(text: string): boolean {
  return /(\b(cua|va|ve|cho|tai|tren|trong|den|giai doan|doi voi|theo|voi|nhung|cac|mot so)|[,-])$/.test(fold(text.trim()));
}

/** Body opening of a plan or report: the title has ended. `sentences` false: only the structural openers count. */
function opensBody(t: string, sentences = true): boolean {
  return (
    isBasisStart(t) ||
    isEnactingFormula(t) ||
    matchAddresseeLabel(t) !== null ||
    matchMarker(t) !== null ||
    (sentences && opensSentence(t))
  );
}

/** The words a body sentence of a plan or report opens on ("Thực hiện …", "Để …", "Hôm nay …"). */
function opensSentence(t: string): boolean {
  // A sentence opens with a capital: "trong thời gian …" in lower case wraps a title line.
  return (
    (/^\p{Lu}/u.test(t) && /^(thuc hien|nham |tren co so|trong (nam|thang|thoi gian))/.test(fold(t))) ||
    /^Để\s/.test(t) ||
    /^(Ngày|Hôm nay|Vào hồi|Hồi)\s/u.test(t)
  );
}

export interface TitleResult {
  title?: Field<string>;
  motto?: Field<string>;
  slogan?: Field<string>;
  /** A place-and-date line met among the title lines (OCR read the header in another order). */
  placeDate?: { src: SourceLine; pd: NonNullable<ReturnType<typeof findPlaceDate>> };
  authority?: Field<string>;
  end: number;
}

/** Horizontal centre of a box. */
const centre = (b: readonly number[]): number => (b[0]! + b[2]!) / 2;

/**
 * Horizontal centre of a line's print: the span of its words that carry a letter or a figure, so a
 * speck or stroke that OCR glued to the line far to its side ("BÁO CÁO        |") does not move it.
 */
function printCentre(src: SourceLine): number {
  const box = src.bbox!;
  const tokens = src.text.trim().split(/\s+/);
  if (!src.words?.length || tokens.length !== src.words.length) return centre(box);
  const inked = src.words.filter((_w, k) => /[\p{L}\d]/u.test(tokens[k]!));
  if (!inked.length) return centre(box);
  return (Math.min(...inked.map((w) => w.bbox[0])) + Math.max(...inked.map((w) => w.bbox[2]))) / 2;
}

/**
 * Title lines under the type name, then (decisions, resolutions) the issuing
 * authority. The title ends at the first of: the authority line, a basis, the
 * addressees, the body (a numbered heading, a full-width line, a mixed-case
 * sentence under an upper-case title), a rule, or a blank line after which
 * nothing continues it.
 */
export function parseTitle(lines: readonly SourceLine[], from: number, typeName: string | null = null, typeLine?: SourceLine): TitleResult {
  const parts: SourceLine[] = [];
  // A title is centred, so its lines are shorter than a full body line; a full-width line after it is body.
  const lengths = lines.map((l) => l.text.trim().length).filter((n) => n > 0).sort((a, b) => a - b);
  const fullWidth = lengths.length ? lengths[Math.floor(lengths.length * 0.9)]! : 0;
  // Boxes: title lines are centred under the type line; a margin note is not.
  let span = 0;
  for (const l of lines) if (l.bbox && l.page === typeLine?.page) span = Math.max(span, l.bbox[2]);
  const offCentre = (src: SourceLine): boolean =>
    !!(typeLine?.bbox && src.bbox && span > 0 && src.page === typeLine.page && Math.abs(printCentre(src) - printCentre(typeLine)) > 0.12 * span);
  const withAuthority = typeName === null || WITH_AUTHORITY.has(typeName);
  const nextText = (k: number): { text: string; at: number } | null => {
    for (let j = k; j < lines.length && j < k + 3; j++) {
      const t = lines[j]!.text.trim();
      if (t && !isDecoration(t)) return { text: t, at: j };
      if (t) return null;
    }
    return null;
  };
  const result: TitleResult = { end: from };
  let i = from;
  let authorityAt = -1;
  for (; i < lines.length && parts.length < 6; i++) {
    const src = lines[i]!;
    // "- xã hội vùng" under "Hiện trạng kinh tế": the dash of a wrapped compound, not a speck.
    const dashed = parts.length > 0 && /^\s*[-–]\s+\p{Ll}/u.test(src.text);
    const t = dashed ? `- ${trimMarks(src.text.replace(/^\s*[-–]\s+/, ''))}` : trimMarks(src.text);
    if (!t || !/\p{L}{2}/u.test(t)) {
      if (!src.text.trim()) {
        if (i - from > 3 && !parts.length) break;
        if (parts.length) {
          // A blank inside the title (OCR splits blocks): go on only when the next line plainly continues it.
          const next = nextText(i + 1);
          const last = parts[parts.length - 1]!.text.trim();
          if (!next || opensBody(next.text) || isAuthorityLine(next.text)) break;
          if (!(/^\p{Ll}/u.test(next.text) || endsOpen(last))) break;
        }
        continue;
      }
      if (isDecoration(src.text) && parts.length) {
        i++;
        break;
      }
      continue;
    }
    // A first line "Theo đề nghị …" right under the type is the title (a basis follows the title, never replaces it).
    // Only blank lines between the type and it count as "right under" (OCR puts the type and the title in two blocks).
    const underType = parts.length === 0 && (i === from || lines.slice(from, i).every((l) => !l.text.trim()));
    const basisAsTitle = underType && /^(theo|xet)\s/.test(fold(t));
    // Under a title line, a lettered item ("A.1) Danh mục …", "C.3. Kết quả") or a "-" item opens the body.
    const item = parts.length > 0 && (/^\p{L}\.?\d{1,2}(?:\)|\.\s)/u.test(t) || /^[-–+•]\s*\p{Lu}/u.test(t));
    // The line right under the type is the title even when it opens like an item ("b5. …", "e) …").
    const itemAsTitle = underType && (/^\p{L}\.?\d{1,2}(?:\)|\.\s)/u.test(t) || matchMarker(t)?.style === 'alpha');
    // A title line ending on ":" ("… cao về thuế:") is not the end of the title: only a structural opener ends it there.
    const opened = parts.length > 0 && /:$/.test(parts[parts.length - 1]!.text);
    // The line right under the type is the title whatever its first words ("Thực hiện hiển thị …").
    const sentences = !underType && !opened;
    // "(Kèm theo …)" ends a title; an acronym or a unit in brackets wraps it ("(CFF) (% số người …)").
    const bracketNote = parts.length > 0 && /^\((?!\p{Ll})/u.test(t) && !/^\((?:\p{Lu}[\p{Lu}\d ]{1,11}\)|%)/u.test(t);
    if (item || (opensBody(t, sentences) && !basisAsTitle && !itemAsTitle) || (parts.length > 0 && !opened && fullWidth > 40 && t.length >= 0.93 * fullWidth && !endsOpen(parts[parts.length - 1]!.text)) || bracketNote)
      break;
    if (parts.length && isAuthorityLine(t) && (withAuthority || nextOpensBasis(lines, i))) {
      authorityAt = i;
      break;
    }
    if (parts.length) {
      const sofar = upperShare(parts.map((p) => p.text).join(' '));
      // An upper-case line under a mixed-case title is the authority or a heading; a sentence under an upper-case title is body.
      if (upperShare(t) > 0.9 && sofar < 0.7 && !endsOpen(parts[parts.length - 1]!.text)) break;
      if (sofar > 0.9 && upperShare(t) < 0.5 && /^\p{Lu}/u.test(t) && !/^(về|v\/v)\b/iu.test(t)) break;
      // A capitalised sentence under a finished mixed-case title is the body: it ends like one, or runs full width.
      if (sofar < 0.7 && /^\p{Lu}/u.test(t) && upperShare(t) < 0.5 && !endsOpen(parts[parts.length - 1]!.text) && (/[.:;!?]$/.test(t) || (fullWidth > 40 && t.length >= 0.8 * fullWidth)))
        break;
    }
    // Handwriting in the margin, or a stamp's text, read by OCR beside the title.
    if (offCentre(src) || (src.conf !== undefined && src.conf < 35)) continue;
    // Header lines that OCR read after the type line (another reading order) are not title.
    // Cheap tests first: the fuzzy searches are the costly part of the header.
    const ft = fold(t);
    if (t.length < 80 && (upperShare(t) > 0.6 || /lap|tu do|hanh/.test(ft))) {
      const motto = findMotto(t);
      const slogan = motto ? null : findSlogan(t);
      if (motto) result.motto ??= at(src, NATIONAL_MOTTO, matchConfidence(motto.distance, 34) * lineFactor(src));
      if (slogan) result.slogan ??= at(src, SLOGAN, matchConfidence(slogan.distance, 27) * lineFactor(src));
      if (motto || slogan) continue;
    }
    if (t.length < 80 && /ng|\d/.test(ft)) {
      const pd = findPlaceDate(t);
      // A place is a name: "kể từ ngày 10 tháng 12 năm 2012" wraps a title.
      if (pd && pd.place && /^\p{Lu}/u.test(pd.place)) {
        result.placeDate ??= { src, pd };
        continue;
      }
    }
    parts.push({ ...src, text: t });
    if (/[.:;]$/.test(t) && t.length > 80) {
      i++;
      break;
    }
  }
  result.end = i;
  if (parts.length) {
    const first = parts[0]!;
    const conf = parts.reduce((c, p) => Math.min(c, lineFactor(p)), 1);
    // A trích yếu ends without punctuation; a final "." or "," is a speck or the sentence of a wrapped line.
    result.title = at(first, squash(parts.map((p) => p.text).join(' ')).replace(/(?<=[\p{L}\d)])\s*[.,;]$/u, ''), 0.9 * conf);
  }
  // The authority block: upper-case lines up to the bases or the body.
  if (authorityAt < 0) {
    // No title line before it (title lost to OCR): the authority may still open the block.
    const next = nextText(i);
    if (next && withAuthority && isAuthorityLine(next.text) && nextOpensBasis(lines, next.at)) authorityAt = next.at;
  }
  if (authorityAt >= 0) {
    const block: SourceLine[] = [];
    let k = authorityAt;
    for (; k < lines.length && block.length < 4; k++) {
      const t = trimMarks(lines[k]!.text);
      if (!t) {
        if (block.length) break;
        continue;
      }
      if (isDecoration(lines[k]!.text) || opensBody(t) || upperShare(t) < 0.7) break;
      block.push({ ...lines[k]!, text: t });
    }
    // A council's session line ("KHÓA XV, KỲ HỌP THỨ 7") stays with its name, as printed.
    const own = block;
    if (own.length) {
      const raw = squash(own.map((b) => b.text).join(' '));
      const canon = fold(raw) === raw.toLowerCase() ? canonicalizeAgency(raw).text : authorityHead(raw);
      const conf = own.reduce((c, p) => Math.min(c, lineFactor(p)), 1);
      result.authority = at(own[0]!, canon, 0.9 * conf);
    }
    result.end = k;
  }
  return result;
}

/** Within a few lines below comes a basis ("Căn cứ …") or the enacting formula. */
function nextOpensBasis(lines: readonly SourceLine[], from: number): boolean {
  for (let j = from + 1; j < lines.length && j < from + 6; j++) {
    const t = lines[j]!.text.trim();
    if (t && (isBasisStart(t) || isEnactingFormula(t) || /^(xet|theo)\s/.test(fold(t)))) return true;
  }
  return false;
}
