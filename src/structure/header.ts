/**
 * Header of the document: left column (parent agency, agency, "Số:", "V/v …"),
 * right column (Quốc hiệu, Tiêu ngữ, place and date), then the type and title.
 *
 * Plain text often has both columns on one line ("TINH QUANG BINH Poc lap - Tw do…"):
 * a line is split where a fixed phrase of the right column starts.
 */
import { fold, squash, upperShare, matchConfidence } from './fold.js';
import { findPlaceDate } from './date.js';
import { canonicalizeAgency, NATIONAL_MOTTO, SLOGAN } from './lexicon.js';
import { matchTypeLine, typeFromSymbol, type DocType } from './doctypes.js';
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
  while (tokens.length && junk(tokens[0]!)) tokens.shift();
  while (tokens.length && junk(tokens[tokens.length - 1]!)) tokens.pop();
  return tokens.join(' ');
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
        /nhan dan$/.test(fold(prev.text)));
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
  const m = /^\s*([^\s/]*(?:\s+[^\s/]+)?)?\s*\/\s*((?:\d{4}\s*\/\s*)?[\p{L}\d&.]+(?:\s*-\s*[\p{L}\d&.]+)*)/u.exec(afterLabel);
  if (!m) {
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

  const takeNumber = (text: string, src: SourceLine): string | null => {
    const label = matchNumberLabel(text);
    if (label === null || seenNumber) return null;
    const p = parseNumber(text.slice(label));
    seenNumber = true;
    const c = p.confidence * lineFactor(src);
    result.number = at(src, p.number, c);
    if (p.symbol) result.symbol = at(src, p.symbol, c);
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

    // Title block: the type name alone on a line ends the header.
    if (src.column !== 'left' && src.column !== 'right' && !isEnactingFormula(text)) {
      const tm = matchTypeLine(text);
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
      if (pd) {
        // Whatever precedes the place on a merged line belongs to the left column.
        takeRight(left.slice(pd.start), src);
        left = left.slice(0, pd.start);
        if (!trimJunk(left)) continue;
      }
    }

    const leftText = trimJunk(left);
    if (!leftText) continue;
    const subjectAt = matchSubjectLabel(leftText);
    if (subjectAt !== null) {
      subject.push({ text: leftText.slice(subjectAt), src });
      subjectOpen = true;
      continue;
    }
    if (subjectOpen) {
      subject.push({ text: leftText, src });
      continue;
    }
    if (!seenNumber && !seenRight && agencyLines.length < 4 && leftText.length <= 80 && upperShare(leftText) >= 0.6) {
      agencyLines.push({ text: leftText, src });
      continue;
    }
    if (!seenNumber && agencyLines.length < 4 && leftText.length <= 80 && upperShare(leftText) >= 0.6 && (left !== text || rightFirst)) {
      // Agency line merged with the motto/slogan, or read after the whole right column (right-first reading order).
      agencyLines.push({ text: leftText, src });
      continue;
    }
    if (seenNumber && seenRight && i > 0) {
      // Something else after the header fields: body text of a letter.
      if (leftText.length > 60 || upperShare(leftText) < 0.5) break;
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

  if (typeAt >= 0) {
    const t = parseTitle(lines, typeAt + 1);
    if (t.title) result.title = t.title;
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
    }
  }
  return result;
}

/** Title lines under the type name: until a blank line after text, a rule, the authority line or the body. */
function parseTitle(lines: readonly SourceLine[], from: number): { title?: Field<string>; end: number } {
  const parts: SourceLine[] = [];
  // A title is centred, so its lines are shorter than a full body line; a full-width line after it is body.
  const lengths = lines.map((l) => l.text.trim().length).filter((n) => n > 0).sort((a, b) => a - b);
  const fullWidth = lengths.length ? lengths[Math.floor(lengths.length * 0.9)]! : 0;
  let i = from;
  for (; i < lines.length && parts.length < 5; i++) {
    const src = lines[i]!;
    const t = src.text.trim();
    if (!t) {
      if (parts.length) break;
      if (i - from > 3) break;
      continue;
    }
    if (isDecoration(t)) {
      if (parts.length) {
        i++;
        break;
      }
      continue;
    }
    if (
      isBasisStart(t) ||
      isEnactingFormula(t) ||
      matchAddresseeLabel(t) !== null ||
      matchMarker(t) !== null ||
      /^(thuc hien|nham |tren co so|trong (nam|thang|thoi gian))/.test(fold(t)) ||
      /^Để\s/.test(t) ||
      /^(Ngày|Hôm nay|Vào hồi|Hồi)\s/u.test(t) ||
      (parts.length > 0 && fullWidth > 40 && t.length >= 0.93 * fullWidth) ||
      // "(Ban hành kèm theo …)" under a title is a note, not the title.
      (parts.length > 0 && /^\(/.test(t))
    )
      break;
    // The signing authority line of a decision ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …") is uppercase under a mixed-case title.
    if (parts.length && upperShare(t) > 0.9 && upperShare(parts.map((p) => p.text).join(' ')) < 0.7) break;
    parts.push(src);
    if (/[.:;]$/.test(t) && t.length > 80) break;
  }
  if (!parts.length) return { end: i };
  const first = parts[0]!;
  const title = squash(parts.map((p) => p.text.trim()).join(' '));
  return { title: at(first, title, 0.9 * lineFactor(first)), end: i };
}
