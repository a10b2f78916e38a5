/**
 * The estimator on whole pages through the real pipeline: every fixture PDF with a ground
 * truth (fixtures/clean, moderate, heavy), page by page, estimate against the measured CER
 * of the OCR text and of the restored text.
 *
 *   npx tsx bench/quality-fixtures.ts [--jobs 1] [--level heavy]
 *
 * CPU-heavy (one OCR per page): about 21 pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pipeline } from '../src/pipeline.js';
import { score } from '../src/quality/score.js';
import { estimateMetrics } from './quality-synth.js';

interface Entry {
  path: string;
  level: string;
  gt: string | null;
  format: string;
}

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const root = join(import.meta.dirname, '..', 'fixtures');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Entry[];
const level = opt('--level');
const entries = manifest.filter((e) => e.gt && ['clean', 'moderate', 'heavy'].includes(e.level) && (!level || e.level === level));

const pipeline = await Pipeline.create({ jobs: Number(opt('--jobs') ?? 1) });
const scores: number[] = [];
const cers: number[] = [];
try {
  process.stdout.write('file                                   page  est.CER  OCR CER  restored CER  review\n');
  for (const e of entries) {
    const truthPages = readFileSync(join(root, e.gt!), 'utf8').split('\f');
    const doc = await pipeline.convertFile(join(root, e.path));
    for (const page of doc.pages) {
      const truth = truthPages[page.number - 1] ?? '';
      const ocrCer = Math.min(1, score(page.ocr.text, truth).cer);
      const restoredCer = Math.min(1, score(page.restored.text, truth).cer);
      scores.push(page.quality.score);
      cers.push(ocrCer);
      process.stdout.write(
        `${e.path.padEnd(38)} ${String(page.number).padStart(4)}  ${(1 - page.quality.score).toFixed(3).padStart(7)}  ` +
          `${ocrCer.toFixed(3).padStart(7)}  ${restoredCer.toFixed(3).padStart(12)}  ${page.quality.needsReview ? 'yes' : 'no'}\n`,
      );
    }
  }
} finally {
  await pipeline.close();
}
const m = estimateMetrics(scores, cers, 0.9);
process.stdout.write(
  `\nvs OCR CER: n=${m.n} spearman ${m.spearman.toFixed(3)} MAE ${m.mae.toFixed(4)} caught ${(100 * m.caught).toFixed(0)}% of ${m.badPages} ` +
    `flagged ${(100 * m.falseAlarms).toFixed(0)}% of ${m.goodPages} good\n`,
);
