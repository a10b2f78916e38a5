/**
 * Word recall of the searchable PDF's text layer: for every page of the given
 * inputs (default: every fixture), the share of the JSON text's words that
 * `pdftotext -raw` and plain `pdftotext` give back as separate words.
 * Usage: tsx scripts/measure-text-layer.ts [--docs DIR] [files…]  (needs poppler-utils)
 * --docs keeps each converted document as JSON in DIR and reuses it on the next run, so a
 * change to the layer writer is measured again without OCR. --convert-only (with --docs) only
 * converts and keeps the documents, measuring nothing (a long split converted ahead of time).
 * --truth VARIANT (simulated scans only) draws the layer from each scan's truth lines instead of OCR,
 * moved as OCR output moves (scripts/lib/truth-layer-doc.ts: exact, jitter, merged-closing, marks,
 * half-dpi, all), so many pages are measured in seconds; --seeds N draws N variants per document;
 * --failing prints only the pages under 100 %.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSearchablePdf } from '../src/output/pdf.js';
import { pageImageReader } from '../src/pdf/index.js';
import { Pipeline } from '../src/pipeline.js';
import type { VanBanDocument } from '../src/types.js';
import { TRUTH_VARIANTS, truthDocument, type TruthVariant } from './lib/truth-layer-doc.js';
import { wordRecall } from './lib/word-recall.js';

const manifest = JSON.parse(readFileSync('fixtures/manifest.json', 'utf8')) as Array<{ path: string; level: string }>;
const argv = process.argv.slice(2);
const docsAt = argv.indexOf('--docs');
const docsDir = docsAt >= 0 ? argv.splice(docsAt, 2)[1] : undefined;
if (docsDir) mkdirSync(docsDir, { recursive: true });
const convertOnlyAt = argv.indexOf('--convert-only');
const convertOnly = convertOnlyAt >= 0;
if (convertOnly) argv.splice(convertOnlyAt, 1);
if (convertOnly && !docsDir) throw new Error('--convert-only needs --docs DIR');
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv.splice(at, 2)[1] : undefined;
};
const truth = option('--truth') as TruthVariant | undefined;
if (truth !== undefined && !TRUTH_VARIANTS.includes(truth)) throw new Error(`--truth takes one of ${TRUTH_VARIANTS.join(', ')}`);
const seeds = Number(option('--seeds') ?? 1);
const failingAt = argv.indexOf('--failing');
const failingOnly = failingAt >= 0;
if (failingOnly) argv.splice(failingAt, 1);
const files = argv.length > 0 ? argv : manifest.filter((e) => e.level !== 'bad').map((e) => `fixtures/${e.path}`);
const dir = mkdtempSync(path.join(tmpdir(), 'vanban-layer-'));
// Created on the first document to convert (none with --truth or kept documents).
let pipeline: Pipeline | undefined;
let worst = 1;
let pages = 0;
let under = 0;
const totals = { raw: { found: 0, total: 0 }, plain: { found: 0, total: 0 } };
try {
  for (const [file, seed] of files.flatMap((f) => Array.from({ length: truth ? seeds : 1 }, (_, k) => [f, k + 1] as const))) {
    const saved = docsDir && path.join(docsDir, `${file.replace(/[\\/]/g, '_')}.json`);
    let doc: VanBanDocument;
    if (truth) doc = truthDocument(file.replace(/\.(pdf|jpg|png|tiff?)$/, '.meta.json'), file, truth, seed);
    else if (saved && existsSync(saved)) doc = JSON.parse(readFileSync(saved, 'utf8')) as VanBanDocument;
    else {
      pipeline ??= await Pipeline.create({ jobs: 1 });
      doc = await pipeline.convertFile(file);
      if (saved) writeFileSync(saved, JSON.stringify(doc));
    }
    if (convertOnly) {
      console.log(`${file}: converted (${doc.pages.length} pages)`);
      continue;
    }
    const out = path.join(dir, 'out.pdf');
    writeFileSync(out, (await buildSearchablePdf(doc, file, { pageImage: pageImageReader(file) })).bytes);
    for (const page of doc.pages) {
      const cells: string[] = [];
      for (const mode of ['raw', 'plain'] as const) {
        const args = [...(mode === 'raw' ? ['-raw'] : []), '-enc', 'UTF-8', '-f', String(page.number), '-l', String(page.number), out, '-'];
        const r = wordRecall(page.restored.text, execFileSync('pdftotext', args, { encoding: 'utf8' }));
        totals[mode].found += r.found;
        totals[mode].total += r.total;
        const share = r.total === 0 ? 1 : r.found / r.total;
        worst = Math.min(worst, share);
        if (mode === 'plain') pages += 1;
        if (share < 0.995) under += 1;
        cells.push(`${mode} ${(share * 100).toFixed(2)}% (${r.total - r.found} missed of ${r.total}${r.missed.length ? `: ${r.missed.slice(0, 8).join(' ')}` : ''})`);
      }
      if (!failingOnly || cells.some((c) => !c.includes('(0 missed'))) console.log(`${file}${truth ? ` #${seed}` : ''} p${page.number}: ${cells.join(', ')}`);
    }
  }
} finally {
  await pipeline?.close();
  rmSync(dir, { recursive: true, force: true });
}
const pct = (t: { found: number; total: number }): string => ((100 * t.found) / Math.max(1, t.total)).toFixed(2);
console.log(`all pages: raw ${pct(totals.raw)}%, plain ${pct(totals.plain)}%; worst page ${(worst * 100).toFixed(2)}%; ${pages} pages, ${under} page-modes under 99.5%`);
