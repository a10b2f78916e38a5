/**
 * Catalogue metadata for a whole batch: `metadata.csv` (one row per document,
 * ready for import) and `metadata.dc.json` (the same under Dublin Core names).
 */
import type { VanBanStructure } from '../structure/index.js';
import type { PdfMetadata } from './pdf.js';

export interface MetadataRow {
  file: string;
  agency: string | null;
  number: string | null;
  symbol: string | null;
  date: string | null;
  type: string | null;
  title: string | null;
  pages: number;
  quality: number;
}

export function metadataRow(file: string, doc: VanBanStructure, pages: number, quality: number): MetadataRow {
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

/** RFC 4180: quote every field that needs it; a leading formula character is neutralised for spreadsheets. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const COLUMNS: Array<keyof MetadataRow> = ['file', 'agency', 'number', 'symbol', 'date', 'type', 'title', 'pages', 'quality'];

export function metadataCsv(rows: readonly MetadataRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Dublin Core (dcterms) names for the same fields. */
export function dublinCore(row: MetadataRow): Record<string, string | number | null> {
  const identifier = row.symbol ? `${row.number ?? ''}/${row.symbol}` : row.number;
  return {
    'dc:identifier': identifier,
    'dc:title': row.title,
    'dc:creator': row.agency,
    'dc:date': row.date,
    'dc:type': row.type,
    'dc:language': 'vi',
    'dc:format': 'application/pdf',
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
