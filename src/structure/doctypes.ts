/**
 * Types of administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I) and
 * their abbreviations in the document symbol (Phụ lục III), plus the legal
 * normative types that use the same layout.
 */
import { distance } from 'fastest-levenshtein';
import { fold, squash } from './fold.js';

export interface DocType {
  /** Uppercase name as printed in the title block. */
  name: string;
  /** Abbreviation used in the symbol; null where the decree gives none (công văn: <agency>-<unit>). */
  abbreviation: string | null;
}

export const DOC_TYPES: readonly DocType[] = [
  { name: 'NGHỊ QUYẾT', abbreviation: 'NQ' },
  { name: 'QUYẾT ĐỊNH', abbreviation: 'QĐ' },
  { name: 'CHỈ THỊ', abbreviation: 'CT' },
  { name: 'QUY CHẾ', abbreviation: 'QC' },
  { name: 'QUY ĐỊNH', abbreviation: 'QYĐ' },
  { name: 'THÔNG CÁO', abbreviation: 'TC' },
  { name: 'THÔNG BÁO', abbreviation: 'TB' },
  { name: 'HƯỚNG DẪN', abbreviation: 'HD' },
  { name: 'CHƯƠNG TRÌNH', abbreviation: 'CTr' },
  { name: 'KẾ HOẠCH', abbreviation: 'KH' },
  { name: 'PHƯƠNG ÁN', abbreviation: 'PA' },
  { name: 'ĐỀ ÁN', abbreviation: 'ĐA' },
  { name: 'DỰ ÁN', abbreviation: 'DA' },
  { name: 'BÁO CÁO', abbreviation: 'BC' },
  { name: 'BIÊN BẢN', abbreviation: 'BB' },
  { name: 'TỜ TRÌNH', abbreviation: 'TTr' },
  { name: 'HỢP ĐỒNG', abbreviation: 'HĐ' },
  { name: 'CÔNG VĂN', abbreviation: null },
  { name: 'CÔNG ĐIỆN', abbreviation: 'CĐ' },
  { name: 'BẢN GHI NHỚ', abbreviation: 'GN' },
  { name: 'BẢN THỎA THUẬN', abbreviation: 'TTh' },
  { name: 'GIẤY ỦY QUYỀN', abbreviation: 'GUQ' },
  { name: 'GIẤY MỜI', abbreviation: 'GM' },
  { name: 'GIẤY GIỚI THIỆU', abbreviation: 'GGT' },
  { name: 'GIẤY NGHỈ PHÉP', abbreviation: 'GNP' },
  { name: 'PHIẾU GỬI', abbreviation: 'PG' },
  { name: 'PHIẾU CHUYỂN', abbreviation: 'PC' },
  { name: 'PHIẾU BÁO', abbreviation: 'PB' },
  { name: 'THƯ CÔNG', abbreviation: null },
  // Legal normative documents (Luật Ban hành văn bản quy phạm pháp luật) share the layout and reach the same archives.
  { name: 'NGHỊ ĐỊNH', abbreviation: 'NĐ' },
  { name: 'THÔNG TƯ', abbreviation: 'TT' },
  { name: 'THÔNG TƯ LIÊN TỊCH', abbreviation: 'TTLT' },
  { name: 'LUẬT', abbreviation: null },
  { name: 'PHÁP LỆNH', abbreviation: null },
  { name: 'LỆNH', abbreviation: null },
];

const FOLDED = DOC_TYPES.map((t) => ({ type: t, key: fold(t.name) }));

export interface TypeMatch {
  type: DocType;
  confidence: number;
}

/**
 * The document type a title line names, or null. The line must be the type name
 * alone (OCR noise tolerated): "KẾ HOẠCH", "KE HOACH", "QUYET DJNH".
 */
export function matchTypeLine(line: string): TypeMatch | null {
  if (line.length > 40) return null;
  const key = squash(fold(line).replace(/[^a-z0-9 ]+/g, ' '));
  if (key.length < 4 || key.length > 20) return null;
  let best: TypeMatch | null = null;
  for (const { type, key: k } of FOLDED) {
    const d = distance(key, k);
    // Short names like "de an" allow one error; spaces lost by OCR are cheap too.
    const allowed = k.length <= 5 ? 0 : k.length <= 6 ? 1 : 2;
    const d2 = Math.min(d, distance(key.replace(/ /g, ''), k.replace(/ /g, '')));
    if (d2 <= allowed) {
      const confidence = 1 - d2 / k.length;
      if (!best || confidence > best.confidence) best = { type, confidence };
    }
  }
  return best;
}

/** Type named by the symbol's first part ("KH" in "KH-UBND"), exact or case-insensitive. */
export function typeFromSymbol(symbol: string): DocType | null {
  const part = symbol.split('/').pop()!.split('-')[0] ?? '';
  const exact = DOC_TYPES.find((t) => t.abbreviation === part);
  if (exact) return exact;
  const folded = fold(part);
  return DOC_TYPES.find((t) => t.abbreviation !== null && fold(t.abbreviation) === folded) ?? null;
}
