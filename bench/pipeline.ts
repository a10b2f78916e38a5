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
import type { VanBanStructure } from '../src/structure/index.js';

interface ManifestEntry {
  path: string;
  level: string;
  pages: number;
  gt: string | null;
  truth: string | null;
}

interface TruthSection {
  number: string;
  title: string;
  level: number;
  children: TruthSection[];
}

interface StructureFigures {
  fieldsRight: number;
  fields: number;
  wrong: string[];
  headingsTrue: number;
  headingsFound: number;
  headingsMatched: number;
}

const flatten = (sections: readonly TruthSection[]): TruthSection[] =>
  sections.flatMap((section) => [section, ...flatten(section.children)]);

/**
 * Catalogue fields right (deep-equal to truth.json) and section headings found
 * (same number and level, title within 10% CER: run-in items carry a whole
 * paragraph as their title, where one misread letter should not lose the heading).
 */
function compareStructure(truth: Record<string, unknown>, found: VanBanStructure): StructureFigures {
  const got: Record<string, unknown> = { ...found };
  const figures: StructureFigures = { fieldsRight: 0, fields: 0, wrong: [], headingsTrue: 0, headingsFound: 0, headingsMatched: 0 };
  for (const [key, value] of Object.entries(truth)) {
    if (key === 'sections') continue;
    figures.fields += 1;
    const mine = key === 'signer' && found.signer ? pickSigner(found.signer, value as Record<string, unknown>) : got[key];
    if (JSON.stringify(mine) === JSON.stringify(value)) figures.fieldsRight += 1;
    else figures.wrong.push(key);
  }
  const want = flatten((truth.sections ?? []) as TruthSection[]);
  const have = flatten(found.sections as unknown as TruthSection[]);
  figures.headingsTrue = want.length;
  figures.headingsFound = have.length;
  const used = new Set<number>();
  for (const w of want) {
    const i = have.findIndex(
      (h, k) => !used.has(k) && h.number === w.number && h.level === w.level && score(h.title, w.title).cer <= 0.1,
    );
    if (i >= 0) {
      used.add(i);
      figures.headingsMatched += 1;
    }
  }
  return figures;
}

function pickSigner(signer: NonNullable<VanBanStructure['signer']>, truth: Record<string, unknown>): Record<string, unknown> {
  const all = signer as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(truth).map((k) => [k, all[k]]));
}

const FIXTURES = resolve('fixtures');

async function fixturesWithTruth(): Promise<ManifestEntry[]> {
  const manifest = JSON.parse(await readFile(join(FIXTURES, 'manifest.json'), 'utf8')) as ManifestEntry[];
  return manifest.filter((entry) => entry.gt !== null && existsSync(join(FIXTURES, entry.path)));
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

interface FixtureResult {
  ocr: number;
  restored: number;
  secondsPerPage: number;
  structure?: StructureFigures;
}

async function cerTable(entries: ManifestEntry[], preprocess: boolean): Promise<Map<string, FixtureResult>> {
  const pipeline = await Pipeline.create({ jobs: 2, preprocess });
  const results = new Map<string, FixtureResult>();
  try {
    for (const entry of entries) {
      const truth = await readFile(join(FIXTURES, entry.gt!), 'utf8');
      const started = performance.now();
      const doc = await pipeline.convertFile(join(FIXTURES, entry.path));
      const seconds = (performance.now() - started) / 1000;
      const ocrText = doc.pages.map((page) => page.ocr.text).join('\n');
      const structureTruth = entry.truth
        ? (JSON.parse(await readFile(join(FIXTURES, entry.truth), 'utf8')) as Record<string, unknown>)
        : undefined;
      results.set(entry.path, {
        ocr: score(ocrText, truth).cer,
        restored: score(doc.text, truth).cer,
        secondsPerPage: seconds / Math.max(1, doc.pages.length),
        ...(structureTruth ? { structure: compareStructure(structureTruth, doc.document) } : {}),
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

  // Structure extracted from the OCR of the degraded scans, against truth.json.
  for (const level of ['clean', 'moderate', 'heavy', 'special']) {
    const figures = entries
      .filter((e) => e.level === level)
      .map((e) => ({ path: e.path, s: withPrep.get(e.path)?.structure }))
      .filter((x): x is { path: string; s: StructureFigures } => x.s !== undefined);
    if (figures.length === 0) continue;
    const sum = (f: (s: StructureFigures) => number): number => figures.reduce((n, x) => n + f(x.s), 0);
    const precision = sum((s) => s.headingsMatched) / Math.max(1, sum((s) => s.headingsFound));
    const recall = sum((s) => s.headingsMatched) / Math.max(1, sum((s) => s.headingsTrue));
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    console.log(
      `[pipeline] structure on OCR, ${level}: catalogue fields right ${sum((s) => s.fieldsRight)}/${sum((s) => s.fields)} ` +
        `(${pct(sum((s) => s.fieldsRight) / Math.max(1, sum((s) => s.fields)))}), section headings P ${pct(precision)} R ${pct(recall)} F1 ${f1.toFixed(3)}`,
    );
    for (const { path, s } of figures) if (s.wrong.length > 0) console.log(`[pipeline]   ${path}: wrong ${s.wrong.join(', ')}`);
  }
}
