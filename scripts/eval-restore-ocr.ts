/**
 * End-to-end check of the restorer on real Tesseract (vie) output: page 1 of each
 * synthetic scan in fixtures/{clean,moderate,heavy} is read, prepared and OCRed
 * with the project's own stages, then restorePage() runs on it. Prints CER of the
 * OCR text and of the restored text against the fixture's ground truth, and how
 * many words the restorer changed for the better / worse.
 *
 *   tsx scripts/eval-restore-ocr.ts [--levels moderate,heavy] [--cache /tmp/vanban-ocr-cache]
 *
 * OCR results are cached (JSON per page) so the restorer can be re-tuned without re-OCR.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OcrPage } from '../src/types.js';
import { readPages } from '../src/pdf/index.js';
import { prepare } from '../src/image/index.js';
import { OcrPool } from '../src/ocr/index.js';
import { cer } from '../src/quality/index.js';
import { restorePage } from '../src/restore/page.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? String(process.argv[i + 1]) : fallback;
};
const levels = arg('levels', 'clean,moderate,heavy').split(',');
const cacheDir = arg('cache', '/tmp/vanban-ocr-cache');

interface Entry {
  path: string;
  level: string;
  gt: string | null;
}

async function ocrFirstPage(pool: OcrPool, pdf: string): Promise<OcrPage> {
  const key = path.join(cacheDir, `${pdf.replace(/[/\\]/g, '_')}.json`);
  if (existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as OcrPage;
  for await (const image of readPages(path.join(root, 'fixtures', pdf), { pages: [1] })) {
    const prepared = await prepare(image);
    const page = await pool.recognize(prepared);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(key, JSON.stringify(page));
    return page;
  }
  throw new Error(`${pdf}: no page 1`);
}

/** Words of a text, for counting changes against the truth. */
const words = (t: string): string[] => t.split(/\s+/).filter(Boolean);

async function main(): Promise<void> {
  const manifest = JSON.parse(readFileSync(path.join(root, 'fixtures/manifest.json'), 'utf8')) as Entry[];
  const chosen = manifest.filter((e) => levels.includes(e.level) && e.gt && e.path.endsWith('.pdf'));
  let pool: OcrPool | undefined;
  let sumBefore = 0;
  let sumAfter = 0;
  for (const e of chosen) {
    const cached = existsSync(path.join(cacheDir, `${e.path.replace(/[/\\]/g, '_')}.json`));
    if (!cached) pool ??= await OcrPool.create({ jobs: 1 });
    const page = await ocrFirstPage(pool as OcrPool, e.path);
    // Ground truth of page 1: pages end with "\n" and are separated by a form feed or blank page marker.
    const gtAll = readFileSync(path.join(root, 'fixtures', e.gt as string), 'utf8');
    const gt = gtAll.split('\f')[0] ?? gtAll;
    const restored = restorePage(page);
    const before = cer(page.text, gt);
    const after = cer(restored.text, gt);
    sumBefore += before;
    sumAfter += after;
    const truthWords = new Set(words(gt));
    let better = 0;
    let worse = 0;
    for (const w of restored.words) {
      if (!w.changed) continue;
      const wasRight = truthWords.has(w.original);
      const isRight = truthWords.has(w.text);
      if (isRight && !wasRight) better++;
      else if (wasRight && !isRight) worse++;
    }
    const changed = restored.words.filter((w) => w.changed).map((w) => `${w.original}→${w.text}`);
    console.log(
      `${e.path}: CER OCR ${(100 * before).toFixed(2)}% → restored ${(100 * after).toFixed(2)}%;` +
        ` ${changed.length} words changed (${better} to a truth word, ${worse} away from one)`,
    );
    if (process.argv.includes('--verbose')) console.log(`  ${changed.join('  ')}`);
  }
  await pool?.terminate();
  if (chosen.length) {
    console.log(
      `mean CER over ${chosen.length} pages: OCR ${((100 * sumBefore) / chosen.length).toFixed(2)}% → restored ${((100 * sumAfter) / chosen.length).toFixed(2)}%`,
    );
  }
}

await main();
