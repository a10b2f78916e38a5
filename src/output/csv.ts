/**
 * The one CSV writer: RFC 4180 (CRLF, quoted where needed), a UTF-8 byte order mark so
 * spreadsheet software reads Vietnamese right, and text cells that would start a formula
 * (= + - @, tab, CR) prefixed with an apostrophe (OWASP's CSV-injection advice).
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null | undefined;

export interface CsvOptions {
  /** Start with a UTF-8 BOM (default true: spreadsheets need it; tools reading CSV skip it). */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>, options: CsvOptions = {}): string {
  const records = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : typeof cell === 'number' ? String(cell) : guardFormula(cell))));
  return stringify([[...columns], ...records], { bom: options.bom ?? true, record_delimiter: '\r\n' });
}
