/**
 * OCR engine choices measured on the fixture PDFs (CER against .gt.txt,
 * reading order included, whitespace collapsed) and seconds per page on one
 * worker. Pages are read and prepared once (src/pdf + src/image), then every
 * configuration OCRs the same PreparedImages.
 *
 *   npx tsx bench/ocr.ts                       # the two models, default settings
 *   npx tsx bench/ocr.ts all                   # every configuration below
 *   npx tsx bench/ocr.ts best,psm6 clean/qd    # chosen configs, files matching a substring
 *   npx tsx bench/ocr.ts --throughput [jobs]   # pages/min and peak RSS of an OcrPool
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OcrPool, type OcrPoolOptions } from '../src/ocr/index.js';
import { cer } from '../src/quality/index.js';
import { readPages } from '../src/pdf/index.js';
import { prepare } from '../src/image/index.js';
import type { PreparedImage } from '../src/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const LEVELS = ['clean', 'moderate', 'heavy'] as const;

export const CONFIGS: Record<string, OcrPoolOptions> = {
  fast: { model: '4.0.0', psm: 3 },
  best: { model: '4.0.0_best_int', psm: 3 },
  'best-norefine': { model: '4.0.0_best_int', psm: 3, refineColumns: false },
  'best-psm4': { model: '4.0.0_best_int', psm: 4 },
  'best-psm6': { model: '4.0.0_best_int', psm: 6 },
  'best-vie+eng': { model: '4.0.0_best_int', psm: 3, languages: ['vie', 'eng'] },
  'best-spaces': { model: '4.0.0_best_int', psm: 3, parameters: { preserve_interword_spaces: '1' } },
  'fast-psm6': { model: '4.0.0', psm: 6 },
};

export interface BenchPage {
  file: string;
  level: string;
  prepared: PreparedImage;
  truth: string;
}

/** Every fixture page that has ground truth, prepared for OCR. */
export async function loadPages(filters: string[] = []): Promise<BenchPage[]> {
  const out: BenchPage[] = [];
  for (const level of LEVELS) {
    const dir = join(FIXTURES, level);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort()) {
      const file = `${level}/${name}`;
      if (filters.length && !filters.some((f) => file.includes(f))) continue;
      const gtPath = join(dir, name.replace(/\.pdf$/u, '.gt.txt'));
      if (!existsSync(gtPath)) continue;
      const truths = (await readFile(gtPath, 'utf8')).split('\f');
      for await (const page of readPages(join(dir, name))) {
        out.push({ file: `${file}#${page.pageNumber}`, level, prepared: await prepare(page, { file }), truth: truths[page.pageNumber - 1] ?? '' });
      }
    }
  }
  return out;
}

export interface ConfigResult {
  config: string;
  pages: number;
  secondsPerPage: number;
  cer: Record<string, number>;
  perPage: Array<{ file: string; cer: number; seconds: number }>;
}

/** OCRs every page with one worker, sequentially, so seconds/page is per core. */
export async function runConfig(name: string, options: OcrPoolOptions, pages: BenchPage[]): Promise<ConfigResult> {
  const pool = await OcrPool.create({ ...options, jobs: 1 });
  const perPage: ConfigResult['perPage'] = [];
  try {
    for (const p of pages) {
      const t0 = performance.now();
      const ocr = await pool.recognize(p.prepared, p.file);
      perPage.push({ file: p.file, cer: cer(ocr.text, p.truth), seconds: (performance.now() - t0) / 1000 });
    }
  } finally {
    await pool.terminate();
  }
  const byLevel: Record<string, number> = {};
  for (const level of LEVELS) {
    const rows = perPage.filter((r) => r.file.startsWith(`${level}/`));
    if (rows.length) byLevel[level] = rows.reduce((s, r) => s + r.cer, 0) / rows.length;
  }
  return {
    config: name,
    pages: perPage.length,
    secondsPerPage: perPage.reduce((s, r) => s + r.seconds, 0) / Math.max(1, perPage.length),
    cer: byLevel,
    perPage,
  };
}

/** For bench/run.ts: seconds/page and CER per level of each model. */
export async function benchOcr(configNames: string[] = ['fast', 'best'], filters: string[] = []): Promise<Record<string, number>> {
  const pages = await loadPages(filters);
  const figures: Record<string, number> = {};
  for (const name of configNames) {
    const r = await runConfig(name, CONFIGS[name]!, pages);
    figures[`${name} s/page`] = r.secondsPerPage;
    for (const [level, value] of Object.entries(r.cer)) figures[`${name} CER ${level} %`] = 100 * value;
  }
  return figures;
}

/** Pages per minute of an OcrPool with `jobs` workers over all pages at once, and the process's peak RSS. */
export async function benchThroughput(jobs = 2, filters: string[] = []): Promise<Record<string, number>> {
  const pages = await loadPages(filters);
  const pool = await OcrPool.create({ jobs });
  const t0 = performance.now();
  try {
    await Promise.all(pages.map((p) => pool.recognize(p.prepared, p.file)));
  } finally {
    await pool.terminate();
  }
  const minutes = (performance.now() - t0) / 60_000;
  return { jobs, pages: pages.length, 'pages/min': pages.length / minutes, 'peak RSS MiB': process.resourceUsage().maxRSS / 1024 };
}

export default benchOcr;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [, , first, second] = process.argv;
  if (first === '--throughput') {
    console.log(await benchThroughput(Number(second ?? 2)));
  } else {
    const names = !first ? ['fast', 'best'] : first === 'all' ? Object.keys(CONFIGS) : first.split(',');
    const filters = second ? second.split(',') : [];
    const pages = await loadPages(filters);
    console.log(`${pages.length} pages`);
    console.log('| config | s/page | ' + LEVELS.map((l) => `CER ${l}`).join(' | ') + ' |');
    for (const name of names) {
      const r = await runConfig(name, CONFIGS[name]!, pages);
      for (const p of r.perPage) console.error(`${name} ${p.file} CER ${(100 * p.cer).toFixed(2)}% ${p.seconds.toFixed(1)} s`);
      const pct = (v: number | undefined): string => (v === undefined ? '–' : `${(100 * v).toFixed(2)}%`);
      console.log(`| ${name} | ${r.secondsPerPage.toFixed(2)} | ${LEVELS.map((l) => pct(r.cer[l])).join(' | ')} |`);
    }
  }
}
