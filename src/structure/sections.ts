/**
 * Body of the document: paragraphs, numbered headings and their nesting.
 *
 * Levels are not fixed per numbering style: the first style met is level 1, a
 * new style nests under the current one, and a style met again closes everything
 * opened since (so "I. / 1. / a)" and "Điều 1. / 1. / a)" both work). Numbers are
 * kept as written — a skipped "2." stays skipped.
 */
import { distance } from 'fastest-levenshtein';
import { fold, squash, upperShare } from './fold.js';
import { isBasisStart } from './phrases.js';
import type { NumberingStyle, Section, SourceLine } from './types.js';

export interface Marker {
  style: NumberingStyle;
  /** Number as printed without its final "." or ")": "I", "1", "1.1", "a", "Điều 1", "Chương II", "Mục 2". */
  number: string;
  /** Text after the marker on the same line. */
  rest: string;
  /** Read through an OCR slip ("2, Các …" for "2. Các …"): a marker only where the numbering expects it. */
  weak?: boolean;
  /** For a weak marker, the marker as printed, to put back when the numbering refuses it. */
  lead?: string;
}

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;
const ROMAN_VALUES: Array<[string, number]> = [['X', 10], ['IX', 9], ['V', 5], ['IV', 4], ['I', 1]];

function fromRoman(r: string): number {
  let n = 0;
  let rest = r;
  for (const [sym, v] of ROMAN_VALUES) while (rest.startsWith(sym)) (n += v), (rest = rest.slice(sym.length));
  return n;
}

function toRoman(n: number): string {
  let out = '';
  let rest = n;
  for (const [sym, v] of ROMAN_VALUES) while (rest >= v) (out += sym), (rest -= v);
  return out;
}

/** The numbering marker at the start of a line, if any. Bullets ("-", "+") are not markers. */
export function matchMarker(line: string): Marker | null {
  // A speck in the margin read as "-" or "." glued to the number ("-2. Phòng …") is not a bullet.
  const t = line
    .trim()
    .replace(/^[-–—~•·.,'`|]+(?=\d{1,2}\.\s)/, '')
    // The same before a lettered item ("..a) Thay đổi …", ".C) Miễn …").
    .replace(/^[~•·.,'`|_]+(?=[a-zđA-Z]\s?\)\s*\p{L})/u, '')
    // Specks before a centred "Chương I" ("„Chương !").
    .replace(/^[^\p{L}\d(]+(?=(?:Ch|CH)\S{3,5}\s|(?:M[uụ]c|MỤC|Ph[ầa]n|PHẦN)\s+[\dIVX])/u, '');
  // Markers sit at the line start: folding a long paragraph whole would be wasted work.
  const f = fold(t.slice(0, 48));
  let m: RegExpExecArray | null;
  // Chương / Phần / Mục + number; "Chương" tolerates one OCR error ("Chwong", "Cbuong").
  if ((m = /^([a-z]{3,7})\s+([0-9]{1,3}|[ivxl1h!|]{1,6}|thu [a-z]+)(?![\p{L}\d])\s*[.:]?\s*/du.exec(f))) {
    const word = m[1]!;
    const style: NumberingStyle | null =
      word === 'phan' ? 'phan' : word === 'muc' ? 'muc' : word.length >= 5 && distance(word, 'chuong') <= 1 ? 'chuong' : null;
    const numSpan = m.indices![2]!;
    let num = t.slice(numSpan[0], numSpan[1]);
    // OCR reads the "II" of a heading as "H", "Il" or "I1".
    if (/^[IVXlH1!|]+$/.test(num) && /[IVXH!|]/.test(num)) num = num.replace(/H/g, 'II').replace(/[l1!|]/g, 'I');
    if (style && (style === 'phan' || /^(\d+|[IVX]+)$/.test(num))) {
      const canonicalWord = style === 'chuong' ? 'Chương' : style === 'phan' ? 'Phần' : 'Mục';
      // A speck or rule after a centred "Chương I" ("Chương I _") is no title: the title is the next line.
      const rest = t.slice(m[0].length).trim();
      return { style, number: `${canonicalWord} ${num}`, rest: /[\p{L}\d]/u.test(rest) ? rest : '' };
    }
  }
  // "Chương" alone, or with a speck for its numeral ("Chương!"): OCR lost the numeral; the sequence gives it.
  if ((m = /^([a-z]{5,7})\s*[!|.,:'`]?$/.exec(f)) && /^C/.test(t) && distance(m[1]!, 'chuong') <= 1) {
    return { style: 'chuong', number: 'Chương', rest: '', weak: true };
  }
  // "Điều 1." — also "Pieu", "Dleu": OCR reads the capital Đ as P, i as l.
  if ((m = /^([a-z]{4})\s+(\d{1,3})\s*[.:]\s*/.exec(f)) && distance(m[1]!, 'dieu') <= 1 && /^[dp]/.test(m[1]!)) {
    return { style: 'dieu', number: `Điều ${m[2]}`, rest: t.slice(m[0].length).trim() };
  }
  // Figures OCR read as letters ("Điều 1O.", "Điều l.", "Điều I2."): the figures they stand for; the
  // sequence of articles checks them (repairSequence).
  if ((m = /^(dieu)\s+([0-9oil|!]{1,3})\s*[.:]\s*/.exec(f)) && /[oil|!]/.test(m[2]!)) {
    const num = m[2]!.replace(/o/g, '0').replace(/[il|!]/g, '1');
    if (!/^0/.test(num)) return { style: 'dieu', number: `Điều ${num}`, rest: t.slice(m[0].length).trim(), weak: true };
  }
  if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{1,2})\.?\s+/.exec(t))) {
    return { style: 'arabic3', number: `${m[1]}.${m[2]}.${m[3]}`, rest: t.slice(m[0].length).trim() };
  }
  // A tariff or list code may open the item's text ("5.1. 1804.00.00 Bơ ca cao …", "1. 1802.00.00 Vỏ quả …").
  if ((m = /^(\d{1,2})\.(\d{1,2})\.?\s+(?=[\p{L}"“(]|\d{2,}(?:\.\d+)+\s+\p{L})/u.exec(t))) {
    return { style: 'arabic2', number: `${m[1]}.${m[2]}`, rest: t.slice(m[0].length).trim() };
  }
  if ((m = /^(\d{1,2})\s?\.\s*(?=[\p{L}"“(]|-\s?\p{L})/u.exec(t)) || (m = /^(\d{1,2})\.\s+(?=\d+(?:\.\d+)*(?:\s|-\s?)\D)/u.exec(t))) {
    return { style: 'arabic', number: `${m[1]}`, rest: t.slice(m[0].length).trim() };
  }
  // "2, Các thay đổi …": the dot of "2." read as a comma, before a capitalised word.
  if ((m = /^(\d{1,2}),\s+(?=\p{Lu}\p{Ll})/u.exec(t))) {
    return { style: 'arabic', number: `${m[1]}`, rest: t.slice(m[0].length).trim(), weak: true, lead: m[0].trim() };
  }
  // "1L. Tiếp nhận …": a stroke glued between the figure and its dot.
  if ((m = /^(\d)[lLI|!]\.\s*(?=\p{Lu}\p{Ll})/u.exec(t))) {
    return { style: 'arabic', number: `${m[1]}`, rest: t.slice(m[0].length).trim(), weak: true, lead: m[0].trim() };
  }
  if ((m = /^(\d{1,2})\)\s*(?=\p{L})/u.exec(t))) {
    return { style: 'khoan', number: `${m[1]}`, rest: t.slice(m[0].length).trim() };
  }
  if ((m = /^([IVXl1]{1,5})\s?[.]\s*(?=\p{Lu})/u.exec(t))) {
    // OCR reads "II" as "Il" or "I1"; only a valid roman numeral after fixing that counts.
    const roman = m[1]!.replace(/[l1]/g, 'I');
    if (roman[0] === m[1]![0] && ROMAN.test(roman) && roman.length > 0) {
      return { style: 'roman', number: roman, rest: t.slice(m[0].length).trim() };
    }
  }
  // "I. MỤC ĐÍCH" with its dot lost by OCR: a roman numeral before an upper-case heading line.
  // Specks before it ("_. 1 QUY HOẠCH …") go, and "1"/"l" for "I" is read back, as the heading is upper case.
  // "IL" for "II": the second stroke read as an L (no heading is numbered fifty).
  const bare = t.replace(/^[_.,'`~|•·-]+\s*(?=[IVXl1]{1,4}\s)/u, '');
  if ((m = /^([IVXl1][IVXlL1]{0,3})\s+(?=\p{Lu}{2})/u.exec(bare)) && ROMAN.test(m[1]!.replace(/[lL1]/g, 'I')) && upperShare(bare) > 0.9 && bare.length < 120) {
    return { style: 'roman', number: m[1]!.replace(/[lL1]/g, 'I'), rest: bare.slice(m[0].length).trim() };
  }
  // Letters whose capital is their small letter drawn larger ("C)", "X)"): OCR picks the capital for "c)".
  if ((m = /^([a-zđ]|[CKOSUVWXZ])\s?\)\s*(?=\S)/u.exec(t))) {
    return { style: 'alpha', number: `${m[1]!.toLowerCase()}`, rest: t.slice(m[0].length).trim() };
  }
  return null;
}

/** "-", "+", "•" list item (kept in the section text, not a section). */
export function isBullet(line: string): boolean {
  return /^\s*[-–+•·∙]\s*\S/.test(line) && !/^\s*-{2,}/.test(line);
}

export interface Paragraph {
  /** The paragraph's words; for a numbered one, without its number. */
  text: string;
  src: SourceLine;
  marker: Marker | null;
  /** Number of source lines joined into it. */
  lines: number;
}

/**
 * Join wrapped lines into paragraphs. A paragraph ends at a blank line, before a
 * numbered or bulleted line, and after a line ending a sentence when the next
 * one starts with a capital.
 */
export function toParagraphs(lines: readonly SourceLine[]): Paragraph[] {
  const out: Paragraph[] = [];
  let cur: Paragraph | null = null;
  // Length of a full printed line: a wrapped line is about this long, a heading is shorter.
  const lengths = lines.map((l) => l.text.trim().length).filter((n) => n > 0).sort((a, b) => a - b);
  const fullWidth = lengths.length ? lengths[Math.floor(lengths.length * 0.9)]! : 0;
  // The paragraph a blank line closed: OCR splits one paragraph into blocks, and a
  // next block that starts in lowercase mid-sentence continues it.
  let closed: Paragraph | null = null;
  // The last line of the closed paragraph: when it ran to full width without ending a sentence, the
  // sentence wrapped and the next block goes on with it, even on a capital ("… và thay thế" / "Thông tư số …").
  let closedLine: string | null = null;
  let prevLine: string | null = null;
  for (const src of lines) {
    const t = src.text.trim();
    if (!t) {
      if (prevLine !== null) closedLine = prevLine;
      prevLine = null;
      // "Chương II", a blank, then its title: OCR splits the centred heading into blocks.
      if (cur && cur.text === '' && cur.marker && ['chuong', 'phan', 'muc'].includes(cur.marker.style)) continue;
      if (cur) closed = cur;
      cur = null;
      continue;
    }
    const reopen = closed as Paragraph | null;
    const wrappedAcross =
      closedLine !== null && fullWidth > 40 && closedLine.length >= 0.9 * fullWidth && /[\p{L}\d,]$/u.test(closedLine) && upperShare(closedLine) < 0.5 && !isBasisStart(t);
    if (cur === null && reopen !== null && (/^\p{Ll}/u.test(t) || wrappedAcross) && !/[.:;!?]["”)]?$/.test(reopen.text) && !isBullet(t) && !matchMarker(t)) {
      cur = reopen;
    }
    closedLine = null;
    closed = null;
    // A number at the start of a line that continues a wrapped sentence ("… theo Mẫu" / "2.02 - Phụ lục 2") is not a marker.
    const wrapped: boolean = cur !== null && !(cur.marker !== null && cur.lines === 1 && splitHeading(cur.text).title !== null) && prevLine !== null && fullWidth > 40 && prevLine.length >= 0.85 * fullWidth && /[\p{L}\d,]$/u.test(prevLine);
    const found: Marker | null = wrapped ? null : matchMarker(t);
    // "… quy định tại Mục 2" / "Chương III của Thông tư này.": a chapter or part named inside a sentence that
    // wrapped before it. A heading's own words are upper case or on the next line, never lower case after it,
    // and a heading never follows a sentence broken off on a lower-case word.
    const reference: boolean =
      found !== null &&
      ['chuong', 'muc', 'phan'].includes(found.style) &&
      (/^\p{Ll}/u.test(found.rest) || (cur !== null && prevLine !== null && /[\p{Ll},]$/u.test(prevLine) && upperShare(prevLine) < 0.5 && (found.rest === '' || matchMarker(found.rest) !== null) && /[.]$/.test(t)));
    const marker: Marker | null = reference ? null : found;
    // "-hợp có công dụng …": a dash glued to a lower-case word under an unfinished sentence is a speck
    // or the hyphen of the wrapped word, not a list item.
    const gluedDash: boolean = !marker && cur !== null && /^[-–]\p{Ll}/u.test(t) && !/[.:;!?]["”)]?$/.test(cur.text);
    const bullet: boolean = !marker && !gluedDash && isBullet(t);
    // A sentence that ends the line (";" included: items of a list) and a capital after it start a new paragraph.
    // A line that ends a sentence at full width may just have wrapped there: the paragraph goes on.
    const prevShort = prevLine === null || fullWidth <= 40 || prevLine.length < 0.85 * fullWidth;
    const prevEnds = cur !== null && (/[.:!?]["”)]?$/.test(cur.text) || (/;$/.test(cur.text) && prevShort));
    // An upper-case heading wraps onto a second upper-case line ("… ĐỐI VỚI HỆ / THỐNG TRÍ TUỆ NHÂN TẠO").
    const headingGoesOn =
      cur !== null && cur.marker !== null && !marker && !bullet && cur.text !== '' && upperShare(cur.text) > 0.8 && upperShare(t) > 0.8 && !/[.:;!?]$/.test(cur.text) && cur.lines < 3;
    const startsUpper = /^[\p{Lu}\d"“(]/u.test(t);
    const lastLen = prevLine?.length ?? 0;
    // The line above left room for this line's first word: it ended there on purpose (a heading, a paragraph's
    // end), not because the line was full. A sentence that ends on a full line and a capital after it are one
    // paragraph going on ("… niêm yết." / "Việc niêm yết …").
    const room = prevLine !== null && fullWidth > 40 && prevLine.length + 1 + (t.split(/\s/, 1)[0]!.length) <= fullWidth;
    const sentenceWrapped = prevLine !== null && fullWidth > 40 && !room && /\p{Ll}[.]$/u.test(prevLine) && upperShare(prevLine) < 0.5 && cur !== null && !/[:;]$/.test(cur.text) && /^(?:\p{Lu}[\p{Ll}\d]|\d|["“(]\p{Lu})/u.test(t) && !/^tren day\b/.test(fold(t.slice(0, 10)));
    prevLine = t;
    // A heading line (uppercase, or a short numbered title) does not swallow the next line.
    // "Chương I" / "Mục 2" alone: the next line is its title.
    const titleBelow = cur !== null && cur.text === '' && cur.marker !== null && ['chuong', 'phan', 'muc'].includes(cur.marker.style);
    // A numbered heading ("1. Mục đích", "I. MỤC TIÊU") does not swallow the next line when that one starts a sentence.
    const prevIsHeading =
      cur !== null &&
      cur.marker !== null &&
      !titleBelow &&
      !headingGoesOn &&
      (cur.text === '' || upperShare(cur.text) > 0.8 || (startsUpper && !/[,\-–]$/.test(cur.text) && (cur.lines === 1 ? cur.src.text.trim().length < 0.8 * fullWidth : lastLen < 0.8 * fullWidth && splitHeading(cur.text).title !== null)));
    // Each legal basis starts with "Căn cứ" / "Theo đề nghị": inside one, a line ending in ";" does not end it.
    // Every basis or motive of the preamble starts its own paragraph.
    const lead = t.replace(/^[^\p{L}\d"“(]+/u, '');
    const basisStart: boolean = !marker && !bullet && (isBasisStart(lead) || (/^\p{Lu}/u.test(lead) && /^(xet|thuc hien|tren co so|can cu)\s/.test(fold(lead.slice(0, 16)))));
    // "Chính phủ ban hành Nghị định …" after the bases is the enacting sentence, not more of the last basis.
    const enacting = /^\p{Lu}/u.test(t) && / ban hành /.test(t.slice(0, 80));
    const inBasis = cur !== null && cur.marker === null && isBasisStart(cur.text) && !basisStart && !enacting;
    if (cur === null || (!titleBelow && (marker || bullet || basisStart || (prevEnds && startsUpper && !inBasis && !sentenceWrapped) || prevIsHeading || (enacting && !inBasis && cur.marker === null && isBasisStart(cur.text))))) {
      cur = { text: squash(marker ? marker.rest : basisStart ? lead : t), src, marker, lines: 1 };
      out.push(cur);
    } else {
      cur.lines++;
      if (titleBelow) {
        cur.text = squash(t);
        continue;
      }
      const more = gluedDash ? t.slice(1) : t;
      cur.text = cur.text.endsWith('-') && /\p{L}-$/u.test(cur.text) && /^\p{Ll}/u.test(more) ? cur.text.slice(0, -1) + more : `${cur.text} ${squash(more)}`;
    }
  }
  return out;
}

/**
 * Title and body of a numbered paragraph. A heading ("Mục đích:", "NỘI DUNG",
 * "Nhiệm vụ của Tổ công tác") is the title, without its colon; a sentence of body
 * text after the number ("Quyết định này có hiệu lực …", "Rà soát …;") gives no
 * title and is the section's first paragraph.
 */
export function splitHeading(text: string): { title: string | null; body: string } {
  // A stroke or speck read after the heading ("… kỷ luật |") is no part of it.
  const t = text.trim().replace(/\s+[|~^\\_]+$/, '');
  if (!t) return { title: null, body: '' };
  const words = t.split(/\s+/).length;
  if (upperShare(t) > 0.85) return { title: t.replace(/\s*[:.]$/, ''), body: '' };
  // "Mục tiêu: hoàn thiện …" — a label and its sentence on one line is body text.
  const inner = t.slice(0, -1);
  if (/:$/.test(t)) return words <= 12 && !/[.;:!?]\s/.test(inner) ? { title: inner.trim(), body: '' } : { title: null, body: t };
  if (/[.;!?…]["”)]?$|\/\.$/.test(t) || /[.;:!?]\s+\p{Lu}/u.test(t) || /[;:]\s/.test(t)) return { title: null, body: t };
  return words <= 20 ? { title: t, body: '' } : { title: null, body: t };
}

/**
 * OCR drops a lone "I." or "II." before an upper-case heading (too small and thin to read). Such a
 * heading is still told by its place: an upper-case line, alone, just before a "1." that starts
 * the numbering again, in a document whose parts are numbered in roman figures (another roman
 * heading is read) or whose "1." comes more than once. It takes the next roman number.
 */
function restoreLostRomans(paragraphs: readonly Paragraph[]): Paragraph[] {
  const hasRoman = paragraphs.some((p) => p.marker?.style === 'roman');
  const ones = paragraphs.filter((p) => p.marker?.style === 'arabic' && p.marker.number === '1').length;
  if (!hasRoman && ones < 2) return [...paragraphs];
  let last = 0;
  return paragraphs.map((p, k) => {
    if (p.marker?.style === 'roman') last = fromRoman(p.marker.number);
    if (p.marker || p.lines > 2) return p;
    const next = paragraphs[k + 1]?.marker;
    const t = p.text.trim();
    if (!(next?.style === 'arabic' && next.number === '1')) return p;
    if (t.length < 6 || t.length > 150 || upperShare(t) < 0.85 || !/\p{L}{2}/u.test(t) || /[;,]$/.test(t)) return p;
    last += 1;
    return { ...p, text: t.replace(/\s*[.:]$/, ''), marker: { style: 'roman' as const, number: toRoman(last), rest: t } };
  });
}

/**
 * Chapters OCR damaged, told by the sequence of chapters and articles:
 * - "Chương" whose numeral was lost takes the next number (I when it is the first);
 * - in a document of chapters (and no "Mục" between chapters and articles), an upper-case line alone
 *   just before an article ("Điều 5."), after a chapter was read, is a chapter heading whose "Chương …"
 *   line OCR lost: it takes the next number.
 */
function restoreLostChapters(paragraphs: readonly Paragraph[]): Paragraph[] {
  if (!paragraphs.some((p) => p.marker?.style === 'chuong')) return [...paragraphs];
  const hasMuc = paragraphs.some((p) => p.marker?.style === 'muc');
  let last = 0;
  let arabic = false;
  // "Chương I" lost before the first article while "Chương II" was read: the upper-case line just above
  // the first article is chapter I's title.
  const firstChapter = paragraphs.findIndex((p) => p.marker?.style === 'chuong');
  const firstArticle = paragraphs.findIndex((p) => p.marker?.style === 'dieu');
  const head = paragraphs[firstArticle - 1];
  if (
    firstArticle > 0 &&
    firstArticle < firstChapter &&
    /^Chương (II|2)$/.test(paragraphs[firstChapter]!.marker!.number) &&
    head &&
    !head.marker &&
    head.lines <= 2 &&
    head.text.length >= 4 &&
    head.text.length <= 150 &&
    upperShare(head.text) > 0.85 &&
    /\p{L}{2}/u.test(head.text)
  ) {
    const first = paragraphs[firstChapter]!.marker!.number.endsWith('2') ? 'Chương 1' : 'Chương I';
    const fixed = [...paragraphs];
    fixed[firstArticle - 1] = { ...head, marker: { style: 'chuong', number: first, rest: head.text } };
    return restoreLostChapters(fixed);
  }
  const next = (): string => {
    last += 1;
    return `Chương ${arabic ? String(last) : toRoman(last)}`;
  };
  const out: Paragraph[] = [];
  for (const [k, p] of paragraphs.entries()) {
    const mk = p.marker;
    if (mk?.style === 'chuong') {
      if (mk.number === 'Chương') out.push({ ...p, marker: { ...mk, number: next() } });
      else {
        const num = mk.number.slice('Chương '.length);
        arabic = /^\d+$/.test(num);
        last = arabic ? Number(num) : fromRoman(num);
        out.push(p);
      }
      continue;
    }
    if (mk || hasMuc || last === 0 || p.lines > 3 || paragraphs[k + 1]?.marker?.style !== 'dieu') {
      out.push(p);
      continue;
    }
    const prevPara = out[out.length - 1];
    const prev = prevPara?.marker;
    if (prev && prev.style === 'chuong' && prevPara!.text === '') {
      out.push(p);
      continue;
    }
    const t = p.text.trim().replace(/^["“'`]+/, '');
    if (t.length < 4 || t.length > 150 || upperShare(t) < 0.85 || !/\p{L}{2}/u.test(t) || /[;,]$/.test(t)) {
      out.push(p);
      continue;
    }
    // Right under a chapter's upper-case title, with no article between, it is the rest of that title,
    // wrapped into a block of its own ("… CỦA TỔ CHỨC," / "CÁ NHÂN"), not a chapter OCR lost.
    if (prev?.style === 'chuong' && upperShare(prevPara!.text) > 0.85) {
      out[out.length - 1] = { ...prevPara!, text: `${prevPara!.text} ${t}`, lines: prevPara!.lines + p.lines };
      continue;
    }
    out.push({ ...p, text: t, marker: { style: 'chuong' as const, number: next(), rest: t } });
  }
  return out;
}

/**
 * Arabic numbers OCR broke, told by the sequence around them:
 * - "4.1." read as "44." under "4." when "4.2." follows: the sub-item it was;
 * - "2." lost before a short heading line ("Doanh thu tài chính") between "1." and "3.": when exactly
 *   one single-line, unpunctuated, capitalised paragraph stands between them, it is "2.".
 */
function repairArabic(paragraphs: Paragraph[]): Paragraph[] {
  const out = [...paragraphs];
  const markerAfter = (k: number): Marker | null => {
    for (let j = k + 1; j < out.length; j++) if (out[j]!.marker) return out[j]!.marker;
    return null;
  };
  let last: { n: number; at: number } | null = null;
  for (let k = 0; k < out.length; k++) {
    const mk = out[k]!.marker;
    if (!mk || mk.style !== 'arabic') continue;
    const n = Number(mk.number);
    if (mk.weak && !(n === 1 || (last && n === last.n + 1))) {
      // Not the number the sequence expects: a figure and a comma that open a sentence.
      out[k] = { ...out[k]!, marker: null, text: `${mk.lead ?? `${mk.number},`} ${out[k]!.text}` };
      continue;
    }
    if (last && n !== last.n + 1) {
      const next = markerAfter(k);
      const sub = next?.style === 'arabic2' ? /^(\d+)\.(\d+)$/.exec(next.number) : null;
      if (sub && Number(sub[1]) === last.n && Number(sub[2]) > 1 && String(n).length === String(last.n).length + 1 && String(n).startsWith(String(last.n))) {
        out[k] = { ...out[k]!, marker: { ...mk, style: 'arabic2', number: `${last.n}.${Number(sub[2]) - 1}` } };
        continue;
      }
      if (n === last.n + 2) {
        const between = out
          .map((p, j) => ({ p, j }))
          .filter(({ p, j }) => j > last!.at && j < k && !p.marker && p.lines === 1 && /^\p{Lu}/u.test(p.text) && !/[.;:,!?)]$/.test(p.text) && p.text.split(/\s+/).length <= 12 && !isBullet(p.src.text));
        if (between.length === 1) {
          const { p, j } = between[0]!;
          out[j] = { ...p, marker: { style: 'arabic', number: String(last.n + 1), rest: p.text } };
        }
      }
    }
    last = { n, at: k };
  }
  return out;
}

/**
 * Articles are numbered 1, 2, 3 … through the whole document (across chapters), and so are chapters. A
 * number that breaks the sequence while its neighbours keep it ("Điều 1", "Điều 7", "Điều 3": a "2"
 * misread; "Chương I", "Chương V", "Chương III") is the number the sequence gives; so is a number read
 * from letters ("Điều l.") that the sequence does not confirm.
 */
function repairSequence(paragraphs: Paragraph[], style: 'dieu' | 'chuong'): Paragraph[] {
  const word = style === 'dieu' ? 'Điều ' : 'Chương ';
  const idx = paragraphs.flatMap((p, k) => (p.marker?.style === style && p.marker.number.startsWith(word) ? [k] : []));
  const out = [...paragraphs];
  const value = (k: number): number => {
    const n = out[k]!.marker!.number.slice(word.length);
    return /^\d+$/.test(n) ? Number(n) : ROMAN.test(n) ? fromRoman(n) : NaN;
  };
  // Chapters keep the figures they are printed in (roman or arabic).
  const roman = style === 'chuong' && idx.some((k) => /^[IVX]+$/.test(out[k]!.marker!.number.slice(word.length)));
  for (let j = 0; j < idx.length; j++) {
    const k = idx[j]!;
    const n = value(k);
    if (Number.isNaN(n)) continue;
    const prev = j > 0 ? value(idx[j - 1]!) : 0;
    const next = j + 1 < idx.length ? value(idx[j + 1]!) : null;
    const weak = out[k]!.marker!.weak === true;
    if (n === prev + 1 && !(weak && next !== null && next !== n + 1)) continue;
    // The first may be "Điều 5" of an excerpt; only a neighbour on each side (or the next, for the first) tells.
    const fits = next !== null ? next === prev + 2 : weak && prev > 0;
    if (fits || (j === 0 && next === 2)) {
      const num = roman ? toRoman(prev + 1) : String(prev + 1);
      out[k] = { ...out[k]!, marker: { ...out[k]!.marker!, number: `${word}${num}`, weak: false } };
    }
  }
  return out;
}

const LEGAL_RANK: Partial<Record<NumberingStyle, number>> = { phan: 0, chuong: 1, muc: 2, dieu: 3 };

/** Build the section tree from paragraphs; paragraphs before the first section are returned apart. */
export function buildSections(input: readonly Paragraph[]): { sections: Section[]; before: Paragraph[] } {
  const paragraphs = repairSequence(repairSequence(repairArabic(restoreLostChapters(restoreLostRomans(input))), 'chuong'), 'dieu');
  const roots: Section[] = [];
  const before: Paragraph[] = [];
  // Open sections from the outermost; styles[k] is the style of stack[k].
  const stack: Section[] = [];
  for (const p of paragraphs) {
    if (!p.marker) {
      const open = stack[stack.length - 1];
      if (open) open.text = open.text ? `${open.text}\n${p.text}` : p.text;
      else before.push(p);
      continue;
    }
    const mk = p.marker;
    const k = stack.findIndex((s) => s.style === mk.style);
    if (k >= 0) stack.length = k;
    // Phần > Chương > Mục > Điều is fixed by law: a chapter whose predecessor OCR lost closes the open articles.
    const rank = LEGAL_RANK[mk.style];
    if (rank !== undefined) {
      const j = stack.findIndex((s) => (LEGAL_RANK[s.style] ?? Infinity) >= rank);
      if (j >= 0) stack.length = j;
    }
    const head = splitHeading(p.text);
    const section: Section = {
      number: mk.number,
      style: mk.style,
      title: head.title,
      text: head.body,
      level: stack.length + 1,
      page: p.src.page,
      line: p.src.line,
      ...(p.src.bbox ? { bbox: p.src.bbox } : {}),
      children: [],
    };
    const parent = stack[stack.length - 1];
    const siblings = parent ? parent.children : roots;
    const previous = siblings[siblings.length - 1];
    // OCR drops a stroke of "III" → "II": a roman heading never repeats its predecessor, so take the next one.
    if (section.style === 'roman' && previous?.style === 'roman' && previous.number === section.number) {
      section.number = toRoman(fromRoman(previous.number) + 1);
    }
    // The same for chapters and parts ("Chương II" read as "Chương I" after "Chương I").
    const ordinal = /^(Chương|Phần|Mục) ([IVX]+)$/.exec(section.number);
    if (ordinal && previous?.style === section.style && previous.number === section.number) {
      section.number = `${ordinal[1]} ${toRoman(fromRoman(ordinal[2]!) + 1)}`;
    }
    siblings.push(section);
    stack.push(section);
  }
  return { sections: roots, before };
}

/** "Phụ lục", "PHỤ LỤC I", "Phụ lục số 02: …" at the start of a line; returns the label and what follows it. */
export function matchAppendix(line: string): { number: string; rest: string } | null {
  const t = line.trim();
  const m = /^(ph[uụ] ?l[uụ]c)\b\s*((?:s[oố]\s*)?(?:[0-9]{1,3}|[IVXL]{1,6})\b)?\s*[.:\-–]?\s*/iu.exec(t);
  if (!m || fold(m[1]!).replace(/ /g, '') !== 'phuluc') return null;
  const rest = t.slice(m[0].length).trim();
  // "Phụ lục kèm theo …" inside a sentence of the body is not a label: a label stands alone or heads an upper-case title.
  if (rest && upperShare(rest) < 0.8 && !/^\(/.test(rest)) return null;
  const id = m[2] ? ` ${m[2].replace(/^s[oố]\s*/iu, 'số ').trim()}` : '';
  return { number: `Phụ lục${id}`, rest };
}

/**
 * Appendices after the signature: each "Phụ lục …" label with its upper-case
 * title (the "(Kèm theo …)" note under it is left out) and its own section tree.
 */
export function buildAppendices(lines: readonly SourceLine[]): Section[] {
  const out: Section[] = [];
  const starts: number[] = [];
  lines.forEach((l, k) => {
    if (matchAppendix(l.text)) starts.push(k);
  });
  starts.forEach((start, n) => {
    const stop = starts[n + 1] ?? lines.length;
    const label = lines[start]!;
    const m = matchAppendix(label.text)!;
    const titleParts: string[] = m.rest && !/^\(/.test(m.rest) ? [m.rest] : [];
    let k = start + 1;
    let inNote = /^\(/.test(m.rest) && !/\)$/.test(m.rest);
    for (; k < stop; k++) {
      const t = lines[k]!.text.trim();
      if (!t) {
        if (titleParts.length && !inNote) {
          // The note may follow the title after a blank line.
          const next = lines.slice(k + 1, stop).find((l) => l.text.trim());
          if (next && /^\(/.test(next.text.trim())) continue;
          break;
        }
        continue;
      }
      if (inNote) {
        if (/\)$/.test(t)) inNote = false;
        continue;
      }
      if (/^\(/.test(t)) {
        if (!/\)$/.test(t)) inNote = true;
        continue;
      }
      if (titleParts.length < 4 && upperShare(t) > 0.8 && !matchMarker(t)) {
        titleParts.push(t);
        continue;
      }
      break;
    }
    const { sections, before } = buildSections(toParagraphs(lines.slice(k, stop)));
    const relevel = (xs: Section[]): void => {
      for (const x of xs) {
        x.level += 1;
        relevel(x.children);
      }
    };
    relevel(sections);
    out.push({
      number: m.number,
      style: 'appendix',
      title: titleParts.length ? squash(titleParts.join(' ')) : null,
      text: before.map((p) => p.text).join('\n'),
      level: 1,
      page: label.page,
      line: label.line,
      ...(label.bbox ? { bbox: label.bbox } : {}),
      children: sections,
    });
  });
  return out;
}
