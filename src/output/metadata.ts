/**
 * Catalogue metadata for a whole batch: `metadata.csv` (one row per document,
 * ready for import) and `metadata.dc.json` (the same under Dublin Core names).
 */
import type { VanBanStructure } from '../types.js';
import { extname } from 'node:path';
import type { PdfMetadata } from './pdf.js';
import { toCsv } from './csv.js';
import type { ReviewRow } from '../types.js';

/** The catalogue fields of a document, as metadata.csv and Dublin Core list them. */
type CatalogueFields = Pick<VanBanStructure, 'agency' | 'number' | 'symbol' | 'date' | 'type' | 'title'>;

export interface MetadataRow extends CatalogueFields {
  /** Input path relative to its input root (never an absolute local path). */
  file: string;
  pages: number;
  quality: number;
}

/** What a catalogue row is built from (the batch state keeps exactly this per document). */
export interface CatalogueEntry extends CatalogueFields {
  source: string;
  stem: string;
  pages: number;
  seconds: number;
  quality: number;
  flaggedPages: readonly number[];
  reason?: string;
}

export function metadataRow(file: string, doc: CatalogueFields, pages: number, quality: number): MetadataRow {
  return {
    file,
    agency: doc.agency,
    number: doc.number,
    symbol: doc.symbol,
    date: doc.date,
    type: doc.type,
    title: doc.title,
    pages,
    quality: Math.round(quality * 10_000) / 10_000,
  };
}

const COLUMNS: Array<keyof MetadataRow> = ['file', 'agency', 'number', 'symbol', 'date', 'type', 'title', 'pages', 'quality'];

/** metadata.csv: one row per document, ready for import into a catalogue. */
export function metadataCsv(rows: readonly MetadataRow[]): string {
  return toCsv(COLUMNS, rows.map((row) => COLUMNS.map((c) => row[c])));
}

export const REPORT_COLUMNS = ['file', 'pages', 'score', 'needs_review', 'flagged_pages', 'seconds', 'review_reason'] as const;

/** report.csv: per document its quality score and the pages to review (space-separated). */
export function reportCsv(entries: readonly CatalogueEntry[]): string {
  return toCsv(
    REPORT_COLUMNS,
    entries.map((e) => [
      e.source,
      e.pages,
      e.quality.toFixed(4),
      e.flaggedPages.length > 0 || e.reason ? 'yes' : 'no',
      e.flaggedPages.join(' '),
      e.seconds.toFixed(2),
      e.reason ?? '',
    ]),
  );
}

const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** The source file's media type, from its name (inputs are sniffed before they get here). */
export function mediaType(file: string): string {
  return MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Dublin Core (dcterms) names for the same fields; `dc:format` is the source's media type. */
export function dublinCore(row: MetadataRow): Record<string, string | number | null> {
  const identifier = row.symbol ? `${row.number ?? ''}/${row.symbol}` : row.number;
  return {
    'dc:identifier': identifier,
    'dc:title': row.title,
    'dc:creator': row.agency,
    'dc:date': row.date,
    'dc:type': row.type,
    'dc:language': 'vi',
    'dc:format': mediaType(row.file),
    'dc:source': row.file,
    'dcterms:extent': `${row.pages} page(s)`,
    'vanban:quality': row.quality,
  };
}

/** Document properties of the searchable PDF, from the extracted structure. */
export function pdfMetadata(doc: VanBanStructure): PdfMetadata {
  const title = [doc.type, doc.title].filter(Boolean).join(' ');
  const identifier = doc.symbol ? `Số: ${doc.number ?? '…'}/${doc.symbol}` : undefined;
  const keywords = [doc.type, doc.symbol, doc.place].filter((k): k is string => Boolean(k));
  const metadata: PdfMetadata = { keywords };
  if (title) metadata.title = title;
  if (doc.agency) metadata.author = doc.agency;
  if (identifier) metadata.subject = [identifier, doc.title].filter(Boolean).join(' — ');
  if (doc.date) metadata.created = new Date(`${doc.date}T00:00:00Z`);
  return metadata;
}

const REVIEW_COLUMNS = ['file', 'page', 'kind', 'text', 'x0', 'y0', 'x1', 'y1', 'confidence', 'expected_errors', 'gain', 'reasons'] as const;

/** review.csv: every flagged page and its least certain words, in the order given (quality's sortReviewRows: most worth reviewing first). */
export function reviewCsv(rows: readonly ReviewRow[]): string {
  return toCsv(
    REVIEW_COLUMNS,
    rows.map((r) => [
      r.file,
      r.page,
      r.kind,
      r.text,
      ...(r.bbox ? r.bbox.map((v) => Math.round(v)) : [null, null, null, null]),
      r.conf === undefined ? null : r.conf.toFixed(0),
      r.expectedErrors.toFixed(2),
      r.gain.toFixed(4),
      r.reasons.join('; '),
    ]),
  );
}
