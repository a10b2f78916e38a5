/**
 * Are two conversions of the same inputs the same? Compares two output folders
 * file by file, byte for byte, and where bytes differ, again with what changes
 * on every run blanked out: the vanban version, timings (`seconds`, report.csv's
 * seconds column), times of writing (PDF dates, XMP dates, errors.json's
 * failedAt, ISO timestamps in XML) and the PDF's random file ID. The batch
 * state folder (_vanban/: absolute paths, run times, the lock) is not an output
 * and is skipped.
 *
 *   npx vanban convert fixtures/ --out /tmp/a --formats json,txt,md,pdf,alto,hocr,mets   (before)
 *   npx vanban convert fixtures/ --out /tmp/b --formats json,txt,md,pdf,alto,hocr,mets   (after)
 *   npx tsx scripts/compare-outputs.ts /tmp/a /tmp/b
 *
 * Exits 1 when any file is missing on one side or differs after blanking.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const [before, after] = process.argv.slice(2).map((p) => resolve(p));
if (!before || !after) {
  console.error('usage: tsx scripts/compare-outputs.ts <output-dir-before> <output-dir-after>');
  process.exit(2);
}

const VOLATILE_KEYS = new Set(['vanban', 'seconds', 'failedAt']);

function blankJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blankJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE_KEYS.has(k) ? '<blank>' : blankJson(v)]));
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?/g;

/** Same-length replacements keep the PDF's cross-reference offsets comparable. */
function blankPdf(bytes: Buffer): string {
  const same = (m: string): string => m.replace(/[0-9A-Fa-f:+\-'TZ]/g, '#');
  return bytes
    .toString('latin1')
    .replace(/\/(CreationDate|ModDate) \(D:[^)]*\)/g, same)
    .replace(/<xmp:(CreateDate|ModifyDate|MetadataDate)>[^<]*</g, same)
    .replace(/\/ID \[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]/g, same)
    .replace(/vanban \d+\.\d+\.\d+[^ )<]*/g, 'vanban <version>');
}

/** Minimal CSV split (quoted cells, doubled quotes) to drop one column by header name. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

function blankCsv(text: string): string {
  const rows = csvRows(text);
  const drop = rows[0]?.findIndex((h) => h.replace(/^\uFEFF/, '') === 'seconds') ?? -1;
  return JSON.stringify(drop < 0 ? rows : rows.map((r) => r.filter((_, i) => i !== drop)));
}

function blank(name: string, bytes: Buffer): string {
  if (name.endsWith('.json')) return JSON.stringify(blankJson(JSON.parse(bytes.toString('utf8'))));
  if (name.endsWith('.pdf')) return blankPdf(bytes);
  if (name.endsWith('.csv')) return blankCsv(bytes.toString('utf8'));
  if (/\.(xml|hocr)$/.test(name)) return bytes.toString('utf8').replace(ISO_TIME, '<time>').replace(/vanban \d+\.\d+\.\d+/g, 'vanban <version>');
  return bytes.toString('latin1');
}

async function files(dir: string): Promise<Set<string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return new Set(
    entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .filter((name) => !name.startsWith('_vanban/')),
  );
}

const [left, right] = await Promise.all([files(before), files(after)]);
const names = [...new Set([...left, ...right])].sort();
let identical = 0;
let blanked = 0;
const different: string[] = [];
for (const name of names) {
  if (!left.has(name) || !right.has(name)) {
    different.push(`${name}: only in ${left.has(name) ? 'before' : 'after'}`);
    continue;
  }
  const [a, b] = await Promise.all([readFile(join(before, name)), readFile(join(after, name))]);
  if (a.equals(b)) identical += 1;
  else if (blank(name, a) === blank(name, b)) blanked += 1;
  else different.push(`${name}: differs`);
}
for (const line of different) console.log(line);
console.log(
  `${names.length} files: ${identical} byte-identical, ${blanked} identical but for version, timings, dates and PDF IDs, ${different.length} different`,
);
process.exit(different.length > 0 ? 1 : 0);
