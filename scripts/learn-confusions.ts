/**
 * Learns the OCR channel's character confusion table (dictionaries/confusions.json).
 *
 * Renders Vietnamese corpus lines with sharp (Tinos), degrades them a little,
 * OCRs them with tesseract.js `eng` (diacritic-blind, like the seed's engine) and
 * `vie`, aligns the output to the truth word by word and counts the character
 * chunks that differ. Only counts are written, never corpus text.
 *
 *   tsx scripts/learn-confusions.ts [--lines 400] [--corpus ../shared/corpus] [--out dictionaries/confusions.json]
 */
import { writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { createWorker, type Worker } from 'tesseract.js';
import { alignChunks } from './lib/align-chunks.js';
import { corpusFiles, defaultCorpusRoot, splitLines } from './lib/corpus.js';

const require = createRequire(import.meta.url);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? String(process.argv[i + 1]) : fallback;
}

const LINES = Number(arg('lines', '400'));
const CORPUS = arg('corpus', defaultCorpusRoot());
const OUT = arg('out', 'dictionaries/confusions.json');

/** Deterministic PRNG so a rerun learns the same table. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rand = rng(20240519);

/** Lines from the training split only (held-out text stays unseen by everything we learn). */
async function sampleLines(): Promise<string[]> {
  const files = corpusFiles('all', CORPUS);
  const perFile = Math.ceil(LINES / files.length);
  const out: string[] = [];
  for (const file of files) {
    let n = 0;
    let kept = 0;
    for (const line of splitLines(file, 'train')) {
      n++;
      // Lines spread over the start of each file: every 97th.
      if (n % 97 !== 0) continue;
      const words = line.split(' ');
      if (words.length < 6) continue;
      // A chunk of 8–12 words: one rendered text line.
      const start = Math.floor(rand() * Math.max(1, words.length - 10));
      out.push(words.slice(start, start + 8 + Math.floor(rand() * 5)).join(' '));
      if (++kept >= perFile) break;
    }
  }
  return out;
}

function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const fontfile = path.join(
  path.dirname(require.resolve('@expo-google-fonts/tinos/package.json')),
  '400Regular/Tinos_400Regular.ttf',
);

/** Renders one line as a scan-like grayscale PNG: small dpi, blur, resample, threshold. */
async function render(text: string): Promise<Buffer> {
  const dpi = 150 + Math.floor(rand() * 120);
  const upper = rand() < 0.15;
  const img = sharp({
    text: { text: escapeMarkup(upper ? text.toUpperCase() : text), font: 'Tinos', fontfile, dpi, rgba: false },
  });
  const raw = await img.png().toBuffer();
  const meta = await sharp(raw).metadata();
  const w = meta.width ?? 100;
  const h = meta.height ?? 20;
  const shrink = 0.55 + rand() * 0.4;
  let pipeline = sharp(raw)
    .extend({ top: 20, bottom: 20, left: 20, right: 20, background: { r: 0, g: 0, b: 0 } })
    .negate({ alpha: false })
    .resize(Math.round((w + 40) * shrink), Math.round((h + 40) * shrink))
    .resize(w + 40, h + 40)
    .grayscale();
  if (rand() < 0.5) pipeline = pipeline.blur(0.3 + rand() * 0.6);
  if (rand() < 0.4) pipeline = pipeline.threshold(110 + Math.floor(rand() * 60));
  return pipeline.png().toBuffer();
}

async function makeWorker(lang: 'eng' | 'vie'): Promise<Worker> {
  const langPath = (require(`@tesseract.js-data/${lang}`) as { langPath: string }).langPath;
  return createWorker(lang, 1, { langPath, gzip: true, cacheMethod: 'none' });
}

async function main(): Promise<void> {
  const lines = await sampleLines();
  process.stderr.write(`learn-confusions: ${lines.length} lines\n`);
  const pairCounts = new Map<string, number>(); // "obs\ttruth" → count
  const truthCounts = new Map<string, number>(); // truth chunk → times seen in truth (approx.)
  const stats = { eng: { words: 0, same: 0 }, vie: { words: 0, same: 0 } };
  const images: Buffer[] = [];
  for (const line of lines) images.push(await render(line));
  for (const lang of ['eng', 'vie'] as const) {
    const worker = await makeWorker(lang);
    for (let i = 0; i < lines.length; i++) {
      const truth = (lines[i] ?? '').normalize('NFC');
      const { data } = await worker.recognize(images[i] ?? Buffer.alloc(0));
      const ocr = data.text.normalize('NFC').replace(/\s+/g, ' ').trim();
      const chunks = alignChunks(ocr, truth);
      for (const c of chunks.words) {
        stats[lang].words++;
        if (c.obs.toLowerCase() === c.truth.toLowerCase()) stats[lang].same++;
      }
      for (const { obs, truth: t } of chunks.edits) {
        const key = `${obs}\t${t}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
      }
      for (const ch of truth.toLowerCase()) truthCounts.set(ch, (truthCounts.get(ch) ?? 0) + 1);
    }
    await worker.terminate();
    process.stderr.write(`learn-confusions: ${lang} ${stats[lang].same}/${stats[lang].words} words exact\n`);
  }
  // log10 P(obs | truth) with add-one smoothing on the truth chunk's count.
  const subs: Array<[string, string, number]> = [];
  for (const [key, n] of pairCounts) {
    if (n < 2) continue;
    const [obs = '', truth = ''] = key.split('\t');
    let denom = 0;
    if (truth.length > 0) {
      denom = truthCounts.get(truth) ?? 0;
      if (truth.length > 1) denom = Math.max(n, Math.min(...[...truth].map((c) => truthCounts.get(c) ?? n)));
    } else denom = [...truthCounts.values()].reduce((a, b) => a + b, 0);
    const p = Math.log10(Math.min(0.9, n / (denom + 1)));
    subs.push([obs, truth, Math.round(p * 100) / 100]);
  }
  subs.sort((a, b) => b[2] - a[2]);
  const table = {
    description:
      'log10 P(observed chunk | true chunk), lowercase, learned by scripts/learn-confusions.ts from rendered+OCRed corpus lines (tesseract.js eng+vie)',
    lines: lines.length,
    stats,
    subs,
  };
  const tmp = `${OUT}.tmp`;
  writeFileSync(tmp, JSON.stringify(table, null, 0).replace(/\],\[/g, '],\n['));
  renameSync(tmp, OUT);
  process.stderr.write(`learn-confusions: ${subs.length} entries → ${OUT}\n`);
}

await main();
