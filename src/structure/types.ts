/**
 * Catalogue data and section tree of a Vietnamese administrative document
 * (layout of Nghị định 30/2020/NĐ-CP).
 *
 * Plain values sit at the top level (what a catalogue needs); `fields` tells,
 * for each of them, where on the page it was read and how sure we are.
 */
import type { BBox } from '../types.js';

/** Where a value was read and how sure the extractor is of it. */
export interface FieldSource {
  /** 1-based page number (1 for plain text input). */
  page: number;
  /** 0-based line index within the page, in reading order (plain text: the line of the text). */
  line: number;
  /** Box of the line(s) the value came from, in PageImage pixels, when the input had boxes. */
  bbox?: BBox;
  /** 0–1: how well the fixed phrases / patterns matched and how clean the text was. */
  confidence: number;
}

export interface Field<T> extends FieldSource {
  value: T;
}

/** A line of the input as the extractor sees it. */
export interface SourceLine {
  text: string;
  page: number;
  line: number;
  bbox?: BBox;
  /** Column of the OCR block the line belongs to; absent for plain text. */
  column?: 'full' | 'left' | 'right';
  /** OCR confidence of the line 0–100, when known. */
  conf?: number;
  /** Word boxes (and OCR confidences) of the OCR line, when known: a mark over one word removes just that word. */
  words?: ReadonlyArray<{ bbox: BBox; conf?: number }>;
}

export interface Signer {
  /** The authority lines (those with a TM./KT./Q./TL./TUQ. prefix) joined by "\n"; null when the head signs in own name. */
  authority: string | null;
  /** The same lines, one per entry ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"). */
  authorityLines: string[];
  /** The signer's own position: the title line under the authority lines ("PHÓ CHỦ TỊCH"). */
  title: string | null;
  name: string | null;
}

/** Numbering styles, in the order they usually nest. */
export type NumberingStyle =
  | 'phan' // Phần I / Phần thứ nhất
  | 'chuong' // Chương I
  | 'muc' // Mục 1
  | 'dieu' // Điều 1.
  | 'roman' // I. II.
  | 'arabic' // 1. 2.
  | 'arabic2' // 1.1.
  | 'arabic3' // 1.1.1.
  | 'alpha' // a) b)
  | 'khoan' // 1) 2)
  | 'appendix'; // Phụ lục I, after the signature

export interface Section {
  /** Numbering as printed without its final "." or ")": "I", "1", "1.1", "a", "Điều 1", "Chương I", "Mục 1". */
  number: string;
  style: NumberingStyle;
  /**
   * Heading text after the number, without a trailing ":" ("1. Mục đích:" → "Mục đích"); null when the
   * number is followed by a sentence of body text ("Điều 3. Quyết định này có hiệu lực …"), which then opens `text`.
   */
  title: string | null;
  /** Body paragraphs up to the next section, joined by "\n" ("-"/"+" bullets kept as lines). */
  text: string;
  /** 1 for top-level sections, +1 per nesting. */
  level: number;
  /** Page and line index of the heading line; its box when the input had boxes. */
  page: number;
  line: number;
  bbox?: BBox;
  children: Section[];
}

export interface VanBanStructure {
  /** Quốc hiệu, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" when found (canonical form). */
  nationalMotto: string | null;
  /** Tiêu ngữ, "Độc lập - Tự do - Hạnh phúc" when found (canonical form). */
  slogan: string | null;
  /** Issuing agency (lines of the left header joined by a space). */
  agency: string | null;
  /** Agency directly above the issuing one, when the header names it first. */
  parentAgency: string | null;
  /** Document number; null when printed blank ("Số:      /KH-UBND"). */
  number: string | null;
  /** Ký hiệu after the number: "KH-UBND", "2020/NĐ-CP". */
  symbol: string | null;
  /** Place name of the place-and-date line. */
  place: string | null;
  /** ISO yyyy-mm-dd; null when any part (usually the day) is blank. */
  date: string | null;
  /** The date as written, after the place: "ngày    tháng 4 năm 2023". */
  dateText: string | null;
  /** Document type, uppercase canonical name ("KẾ HOẠCH", "CÔNG VĂN"). */
  type: string | null;
  /** Official abbreviation of the type (Phụ lục III), null for Công văn and Thư công. */
  typeAbbreviation: string | null;
  /** Trích yếu: the title under the type name, or the "V/v …" line of a công văn. */
  title: string | null;
  /** Issuing authority line of a decision or resolution, under the title ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"). */
  authority: string | null;
  /** "Kính gửi: …" addressees of a letter (công văn, tờ trình). */
  addressees: string[];
  /** Legal bases: the "Căn cứ …" / "Theo đề nghị …" paragraphs, as written. */
  bases: string[];
  /** Opening paragraphs before the first section that are not bases. */
  preamble: string[];
  sections: Section[];
  /** "Nơi nhận" list, one entry per line, bullet and trailing ";"/"." removed. */
  recipients: string[];
  signer: Signer | null;
  fields: Partial<Record<FieldName, Field<unknown>>>;
}

export type FieldName =
  | 'nationalMotto'
  | 'slogan'
  | 'agency'
  | 'parentAgency'
  | 'number'
  | 'symbol'
  | 'place'
  | 'date'
  | 'dateText'
  | 'type'
  | 'typeAbbreviation'
  | 'title'
  | 'authority'
  | 'addressees'
  | 'bases'
  | 'recipients'
  | 'signer';

/**
 * A region that holds no print (handwriting, a stamp, a seal), as the OCR stage
 * flags it: lines on that page whose box lies mostly inside `bbox`, or the line
 * with index `line`, are left out, so no field is built from them.
 */
export interface ExcludedRegion {
  /** 1-based page number. */
  page: number;
  bbox?: BBox;
  /** 0-based line index within the page (SourceLine.line). */
  line?: number;
}

export interface ExtractOptions {
  /** Name used in error messages (a file path). */
  file?: string;
  /** Non-print marks to leave out. Marks that OcrPage carries itself (`marks`) are left out as well. */
  exclude?: readonly ExcludedRegion[];
}
