/**
 * OCR-stage CER (prepare + OcrPool with reading order, no restoration) on a folder of
 * page images with `<stem>.gt.txt` beside each, or on PDFs whose gt splits by \f:
 *   npx tsx bench/ocr-eval.ts <dir> [substring,...]
 * Environment: VANBAN_PREP='{"rules":false}' (PrepareOptions), VANBAN_ENGINE='{"refineColumns":false}',
 * VANBAN_JOBS (default 2), VANBAN_PAGES (read at most this many pages of each file). Prints one line per
 * page, then the mean per variant (the file name's last "-" part: `020tb-b200.pdf` counts under b200).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepare, type PrepareOptions } from '../src/image/index.js';
import { OcrPool, type OcrPoolOptions } from '../src/ocr/index.js';
import { cer } from '../src/quality/index.js';
import { readPages } from '../src/pdf/index.js';
import type { PageImage } from '../src/types.js';

const [, , dir = '/tmp/ocr-dev', filter] = process.argv;
const filters = filter ? filter.split(',') : [];
const prepOptions = JSON.parse(process.env.VANBAN_PREP ?? '{}') as PrepareOptions;
const engineOptions = JSON.parse(process.env.VANBAN_ENGINE ?? '{}') as OcrPoolOptions;
const pool = await OcrPool.create({ jobs: Number(process.env.VANBAN_JOBS ?? 2), ...engineOptions });

interface Item {
  id: string;
  variant: string;
  page: PageImage;
  gt: string;
}
const maxPages = Number(process.env.VANBAN_PAGES ?? Infinity);
const items: Item[] = [];
for (const f of readdirSync(dir).sort()) {
  const m = /^(.*)\.(png|pdf|jpg|tif)$/.exec(f);
  if (!m || (filters.length && !filters.some((s) => f.includes(s)))) continue;
  const gtPath = join(dir, `${m[1]}.gt.txt`);
  if (!existsSync(gtPath)) continue;
  const gts = (await readFile(gtPath, 'utf8')).split('\f');
  let n = 0;
  for await (const page of readPages(join(dir, f))) {
    if (n >= maxPages) break;
    items.push({ id: `${m[1]}${m[2] === 'pdf' ? `-p${n + 1}` : ''}`, variant: m[1]!.split('-').pop()!, page, gt: gts[n] ?? '' });
    n++;
  }
}
const started = performance.now();
// Two pages in flight, so prepare times are per page and memory stays flat.
const rows: Array<{ id: string; variant: string; cer: number; prepMs: number; ocrMs: number; steps: string; marks: number }> = [];
const queue = [...items];
const run = async (): Promise<void> => {
  for (let item = queue.shift(); item; item = queue.shift()) {
    const t0 = performance.now();
    const prepared = await prepare(item.page, prepOptions);
    const t1 = performance.now();
    const ocr = await pool.recognize(prepared);
    const t2 = performance.now();
    const row = { id: item.id, variant: item.variant, cer: cer(ocr.text, item.gt), prepMs: Math.round(t1 - t0), ocrMs: Math.round(t2 - t1), steps: prepared.steps.join('+'), marks: ocr.marks?.length ?? 0 };
    console.log(JSON.stringify(row));
    if (process.env.VANBAN_SHOW) console.log(ocr.text);
    rows.push(row);
  }
};
await Promise.all(Array.from({ length: pool.size }, run));
await pool.terminate();
const groups = new Map<string, number[]>();
for (const r of rows) {
  const v = r.variant;
  groups.set(v, [...(groups.get(v) ?? []), r.cer]);
}
const all = rows.map((r) => r.cer);
for (const [k, v] of [...groups, ['all', all] as [string, number[]]]) {
  console.log(`${k}: mean CER ${((100 * v.reduce((a, b) => a + b, 0)) / Math.max(1, v.length)).toFixed(2)}% over ${v.length} pages, max ${(100 * Math.max(...v)).toFixed(2)}%`);
}
console.log(`${items.length} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
