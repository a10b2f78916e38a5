/**
 * End-to-end figures on the fixtures: CER against the ground truth (NFC,
 * whitespace collapsed, reading order included) per fixture, with and without
 * preprocessing and before/after restoration; seconds per page; and batch
 * throughput of `convert` with --jobs 2 on the clean fixtures.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { convert } from '../src/batch/convert.js';
import { Pipeline } from '../src/pipeline.js';
import { score } from '../src/quality/index.js';

interface ManifestEntry {
  path: string;
  level: string;
  pages: number;
  gt: string | null;
}

const FIXTURES = resolve('fixtures');

async function fixturesWithTruth(): Promise<ManifestEntry[]> {
  const manifest = JSON.parse(await readFile(join(FIXTURES, 'manifest.json'), 'utf8')) as ManifestEntry[];
  return manifest.filter((entry) => entry.gt !== null && existsSync(join(FIXTURES, entry.path)));
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

async function cerTable(entries: ManifestEntry[], preprocess: boolean): Promise<Map<string, { ocr: number; restored: number; secondsPerPage: number }>> {
  const pipeline = await Pipeline.create({ jobs: 2, preprocess });
  const results = new Map<string, { ocr: number; restored: number; secondsPerPage: number }>();
  try {
    for (const entry of entries) {
      const truth = await readFile(join(FIXTURES, entry.gt!), 'utf8');
      const started = performance.now();
      const doc = await pipeline.convertFile(join(FIXTURES, entry.path));
      const seconds = (performance.now() - started) / 1000;
      const ocrText = doc.pages.map((page) => page.ocr.text).join('\n');
      results.set(entry.path, {
        ocr: score(ocrText, truth).cer,
        restored: score(doc.text, truth).cer,
        secondsPerPage: seconds / Math.max(1, doc.pages.length),
      });
    }
  } finally {
    await pipeline.close();
  }
  return results;
}

export default async function benchPipeline(): Promise<void> {
  const entries = await fixturesWithTruth();
  const quick = process.env.VANBAN_BENCH_QUICK === '1';

  // Throughput first, on an otherwise idle process: the whole job as a user runs it.
  const out = await mkdtemp(join(tmpdir(), 'vanban-bench-'));
  try {
    const started = performance.now();
    const summary = await convert([join(FIXTURES, 'clean')], { out, jobs: 2, force: true });
    const minutes = (performance.now() - started) / 60_000;
    console.log(
      `[pipeline] throughput, convert fixtures/clean --jobs 2: ${summary.pages} pages in ${(minutes * 60).toFixed(1)} s ` +
        `= ${(summary.pages / minutes).toFixed(1)} pages/min (worker start-up included)`,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }

  const withPrep = await cerTable(entries, true);
  const withoutPrep = quick ? undefined : await cerTable(entries, false);
  console.log('[pipeline] CER per fixture (restored text; OCR-only in brackets), s/page with preprocessing');
  console.log('[pipeline] fixture | level | with preprocessing | without preprocessing | s/page');
  const byLevel = new Map<string, number[]>();
  for (const entry of entries) {
    const a = withPrep.get(entry.path)!;
    const b = withoutPrep?.get(entry.path);
    (byLevel.get(entry.level) ?? byLevel.set(entry.level, []).get(entry.level)!).push(a.restored);
    console.log(
      `[pipeline] ${entry.path} | ${entry.level} | ${pct(a.restored)} (${pct(a.ocr)}) | ` +
        `${b ? `${pct(b.restored)} (${pct(b.ocr)})` : 'skipped'} | ${a.secondsPerPage.toFixed(2)}`,
    );
  }
  for (const [level, values] of byLevel) {
    console.log(`[pipeline] ${level}: mean CER ${pct(values.reduce((s, v) => s + v, 0) / values.length)}, max ${pct(Math.max(...values))}`);
  }
}
