/**
 * report.csv rows for batch conversion: one line per input file. Pure string
 * builders; the caller writes the file (atomically).
 */

export interface QualityCsvRow {
  file: string;
  pages: number;
  /** Document score, 0–1. */
  score: number;
  /** 1-based numbers of the pages needing review. */
  flaggedPages: readonly number[];
  /** Wall time for the file, seconds. */
  seconds: number;
}

const COLUMNS = ['file', 'pages', 'score', 'needs_review', 'flagged_pages', 'seconds'] as const;

/** RFC 4180 quoting: fields holding a comma, quote or line break are quoted, quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header line, with its line end. */
export function qualityCsvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

/** One file's line, with its line end. Flagged pages are joined by spaces ("3 7 12"). */
export function qualityCsvRow(row: QualityCsvRow): string {
  const cells = [
    field(row.file),
    String(row.pages),
    row.score.toFixed(4),
    row.flaggedPages.length > 0 ? 'yes' : 'no',
    row.flaggedPages.join(' '),
    row.seconds.toFixed(2),
  ];
  return `${cells.join(',')}\r\n`;
}

/** A whole report: header plus one line per file. */
export function qualityCsv(rows: readonly QualityCsvRow[]): string {
  return qualityCsvHeader() + rows.map(qualityCsvRow).join('');
}
