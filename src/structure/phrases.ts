/**
 * Fixed phrases of the layout, found fuzzily on the folded text so that
 * unaccented or noisy OCR ("CONG HOA XA HQI…", "Poc lap - Tw do") still matches.
 */
import { distance } from 'fastest-levenshtein';
import { fold, fuzzyFind, tolerance, type FuzzyHit } from './fold.js';

const MOTTO_KEY = 'cong hoa xa hoi chu nghia viet nam';
const SLOGAN_KEY = 'doc lap - tu do - hanh phuc';

export function findMotto(line: string): FuzzyHit | null {
  return fuzzyFind(fold(line), MOTTO_KEY, tolerance(MOTTO_KEY.length, 0.25));
}

export function findSlogan(line: string): FuzzyHit | null {
  const f = fold(line);
  const hit = fuzzyFind(f, SLOGAN_KEY, tolerance(SLOGAN_KEY.length, 0.28));
  if (hit) return hit;
  // Dashes lost by OCR: match without them ("Doc lap Tu do Hanh phuc").
  return fuzzyFind(f, 'doc lap tu do hanh phuc', 5);
}

/** "Số:" at the start of the line (sé:, s6:, So :, SỐ:). Returns the offset after the colon. */
export function matchNumberLabel(line: string): number | null {
  const m = /^[^\p{L}\d]{0,3}([sş5][\p{L}\d]{0,2})\s{0,2}[:;.](?!\/)/iu.exec(line);
  if (!m) {
    // "Số 127/KH-UBND" without a colon: accept only "so"/"số" followed by a number or a blank before "/".
    const n = /^[^\p{L}\d]{0,3}(s[\p{L}]{1})\s+(?=[\d_.…\s]*\/)/iu.exec(line);
    if (n && fold(n[1]!) === 'so') return n[0].length;
    // "Số ZQyĐ-SGDĐT": a blank number whose "/" OCR read as a letter, the symbol glued after it. Mixed case
    // "Số" only: an agency line opens on an upper-case "SỞ".
    const g = /^[^\p{L}\d]{0,3}(S\p{Ll})\s+(?=[\p{Lu}\d][\p{L}\d&.]{0,6}-\p{Lu}[\p{L}\d&.-]*\s*$)/u.exec(line);
    if (g && fold(g[1]!) === 'so') return g[0].length;
    return null;
  }
  const key = fold(m[1]!);
  if (key.length === 1 && key !== 's') return null;
  if (key.length >= 2 && distance(key, 'so') > 1) return null;
  return m[0].length;
}

/** Recipient list heading "Nơi nhận:" at the line start (Noi nhan, Nơi nhân, N0i nhận). */
export function matchRecipientsLabel(line: string): number | null {
  // A label, not the words "Có nhận" of a numbered sentence: no figure before it, and a colon (or the line or column ends) after it.
  const m = /^[^\p{L}\d]{0,3}([^\s:;.]{2,4}\s{0,2}[^\s:;.]{3,5})\s*([:;.]|$|\s{2,})/u.exec(line);
  if (!m) return null;
  const key = fold(m[1]!).replace(/\s+/g, ' ');
  if (distance(key, 'noi nhan') <= (m[2] === ':' ? 2 : 1)) return m[0].length;
  return null;
}

/** "Kính gửi:" at the line start. */
export function matchAddresseeLabel(line: string): number | null {
  const m = /^[^\p{L}]{0,3}(\S{3,5}\s{0,2}\S{2,4})\s*[:;.]/u.exec(line);
  if (!m) return null;
  return distance(fold(m[1]!), 'kinh gui') <= 2 ? m[0].length : null;
}

/** "V/v" (về việc) at the line start; returns the offset of the subject text. */
export function matchSubjectLabel(line: string): number | null {
  // The slash is often read as "j", "l", "I", "1", "|" or "\\".
  const m = /^[^\p{L}]{0,2}[vV]\s*[/|lI1jJ\\!]\s*[vV][.:]?\s+/u.exec(line);
  return m ? m[0].length : null;
}

/** Opening words of a legal basis paragraph. */
export function isBasisStart(line: string): boolean {
  const f = fold(line.slice(0, 40)).replace(/^[^a-z]+/, '');
  const [w1 = '', w2 = ''] = f.split(/\s+/, 2);
  // "Căn cứ" read as "Cian cu", "Can cir", "Cǎn cú"; a lower-case "cấp cứu" inside a wrapped title is not one.
  const lead = line.replace(/^[^\p{L}]+/u, '');
  if (/^\p{Ll}/u.test(lead) && !/^can cu\b/.test(f)) return false;
  if (w1.length <= 5 && distance(w1, 'can') <= 1 && w2.replace(/[^a-z]/g, '').length <= 3 && distance(w2.replace(/[^a-z]/g, ''), 'cu') <= 1 && w2.startsWith('c'))
    return true;
  // "Xét tờ trình / đề nghị …" reads as the motive of a resolution and stays in the preamble.
  return /^theo (de nghi|de xuat)/.test(f);
}

/** "QUYẾT ĐỊNH:" (or "QUYẾT NGHỊ:") alone on a line: the enacting formula before the articles. */
export function isEnactingFormula(line: string): boolean {
  if (line.length > 30) return false;
  const f = fold(line).replace(/[^a-z: ]/g, '').trim();
  if (!f.endsWith(':')) return false;
  const core = f.slice(0, -1).trim();
  return distance(core, 'quyet dinh') <= 2 || distance(core, 'quyet nghi') <= 2 || distance(core, 'ket luan') <= 1;
}

/** Authority prefix of a signature line: "TM.", "KT.", "Q.", "TL.", "TUQ.". */
export function matchAuthority(line: string): { prefix: 'TM.' | 'KT.' | 'Q.' | 'TL.' | 'TUQ.'; rest: string } | null {
  const m = /^\s*(TUQ|TM|KT|TL|Q)\s*[.,]\s*(.*)$/u.exec(line);
  if (!m) return null;
  return { prefix: `${m[1]}.` as 'TM.' | 'KT.' | 'Q.' | 'TL.' | 'TUQ.', rest: m[2]!.trim() };
}

/** A line that only draws a rule or a blank (underscores, dashes, dots). */
export function isDecoration(line: string): boolean {
  const t = line.trim();
  return t.length > 0 && /^[\s_\-–—=~.…·*]+$/.test(t);
}

/** Signature placeholders: "(Đã ký)", "(ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)". */
export function isSignaturePlaceholder(line: string): boolean {
  const f = fold(line).trim();
  return /^\(?\s*(da ky|ky|ky ten|ky,|chu ky|dau)[^)]{0,40}\)?$/.test(f) || /^\(.*(ky|dau).*\)$/.test(f);
}
