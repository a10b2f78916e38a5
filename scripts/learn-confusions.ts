/**
 * Learns the OCR channel's character confusion table (dictionaries/confusions.json).
 *
 * Renders Vietnamese corpus lines with sharp (Tinos), degrades them a little,
 * OCRs them with tesseract.js `eng` (diacritic-blind, like the seed's engine) and
 * `vie`, aligns the output to the truth word by word and counts the character
 * chunks that differ. Only counts are written, never corpus text.
 *
 * With --scans, it also counts the slips of real Tesseract `vie` output of whole scanned
 * pages: the page OCR that scripts/eval-restore-scans.ts caches (<id>.json, OcrPage[])
 * against the simulator's ground truth (<id>.gt.txt in --gt, pages split by form feeds).
 * Use the dev split only (150–300 dpi, grey and 1-bit): these are the tone and vowel
 * slips (đề/để, ô/ơ/ố) and punctuation-as-letters of real scans that clean renders lack.
 * Pages whose OCR failed (under 80 % of truth words aligned: turned pages, photos) are skipped.
 *
 *   tsx scripts/learn-confusions.ts [--lines 400] [--corpus ../shared/corpus] [--out dictionaries/confusions.json]
 *     [--scans .cache/eval-restore/ocr-dev-vie --gt .cache/sim/dev] [--line-cache .cache/learn-confusions]
 *
 * --line-cache keeps the rendered lines' OCR output (corpus text: never commit it), so a
 * rerun with more scans does not OCR the lines again.
 *
 * --eng-scans counts the slips of tesseract.js `eng` OCR of scanned pages (the cache of
 * `eval-restore-scans.ts --lang eng`, against --gt as above): a diacritic-blind engine on
 * real scans prints its own look-alikes (ứ → it, ượ → wg, ế → é/€, Đ → P/B, ở → &/¢/@).
 * They go to the table's "engScans" section, which only replaces that section of the
 * existing --out file (the rendered lines are not read again):
 *
 *   tsx scripts/learn-confusions.ts --eng-scans /tmp/ocr-dev-eng --gt .cache/sim/dev [--min 3]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { createWorker, type Worker } from 'tesseract.js';
import { alignChunks } from './lib/align-chunks.js';
import { corpusFiles, defaultCorpusRoot, splitLines } from './lib/corpus.js';
import type { OcrPage } from '../src/types.js';

const require = createRequire(import.meta.url);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? String(process.argv[i + 1]) : fallback;
}

const LINES = Number(arg('lines', '400'));
const CORPUS = arg('corpus', defaultCorpusRoot());
const OUT = arg('out', 'dictionaries/confusions.json');
const SCANS = arg('scans', '');
const GT = arg('gt', '');
const LINE_CACHE = arg('line-cache', '');

/** [ocr page text, truth page text] of every scanned page whose OCR is cached. */
function scanPages(): Array<[string, string]> {
  if (!SCANS) return [];
  if (!GT || !existsSync(SCANS) || !existsSync(GT)) throw new Error(`--scans ${SCANS} needs --gt <folder of <id>.gt.txt>`);
  const out: Array<[string, string]> = [];
  for (const f of readdirSync(SCANS).filter((x) => x.endsWith('.json')).sort()) {
    const gt = path.join(GT, f.replace(/\.json$/u, '.gt.txt'));
    if (!existsSync(gt)) continue;
    const pages = JSON.parse(readFileSync(path.join(SCANS, f), 'utf8')) as OcrPage[];
    const truth = readFileSync(gt, 'utf8').normalize('NFC').split('\f');
    pages.forEach((p, i) => out.push([p.text.normalize('NFC').replace(/\s+/gu, ' ').trim(), (truth[i] ?? '').replace(/\s+/gu, ' ').trim()]));
  }
  return out;
}

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

const ENG_SCANS = arg('eng-scans', '');

/**
 * The "engScans" section: log10 P(observed chunk | true chunk) of the eng engine on scanned
 * pages, the true chunk's count over the aligned words' truth as denominator, kept where seen
 * --min times or more. Writes only that section of OUT.
 */
function learnEngScans(): void {
  if (!GT || !existsSync(ENG_SCANS) || !existsSync(GT)) throw new Error(`--eng-scans ${ENG_SCANS} needs --gt <folder of <id>.gt.txt>`);
  const min = Number(arg('min', '3'));
  const pairs = new Map<string, number>();
  const truthCounts = new Map<string, number>();
  const stats = { pages: 0, skipped: 0, words: 0, same: 0 };
  for (const f of readdirSync(ENG_SCANS).filter((x) => x.endsWith('.json')).sort()) {
    const gt = path.join(GT, f.replace(/\.json$/u, '.gt.txt'));
    if (!existsSync(gt)) continue;
    const pages = JSON.parse(readFileSync(path.join(ENG_SCANS, f), 'utf8')) as OcrPage[];
    const truth = readFileSync(gt, 'utf8').normalize('NFC').split('\f');
    pages.forEach((p, i) => {
      const ocr = p.text.normalize('NFC').replace(/\s+/gu, ' ').trim();
      const t = (truth[i] ?? '').replace(/\s+/gu, ' ').trim();
      const chunks = alignChunks(ocr, t);
      // The eng engine gets few words exactly right: a page counts when most words align at all.
      if (chunks.words.length < 0.6 * t.split(' ').length) {
        stats.skipped++;
        return;
      }
      stats.pages++;
      for (const c of chunks.words) {
        stats.words++;
        if (c.obs.toLowerCase() === c.truth.toLowerCase()) stats.same++;
        const w = [...c.truth.toLowerCase()];
        // Every chunk of up to 3 characters of the aligned truth words: the denominators.
        for (let a = 0; a < w.length; a++) {
          for (let q = 1; q <= 3 && a + q <= w.length; q++) {
            const k = w.slice(a, a + q).join('');
            truthCounts.set(k, (truthCounts.get(k) ?? 0) + 1);
          }
        }
      }
      for (const { obs, truth: tr } of chunks.edits) {
        if (obs === tr) continue;
        const key = `${obs}\t${tr}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    });
  }
  const letters = [...truthCounts].filter(([k]) => [...k].length === 1).reduce((a, [, n]) => a + n, 0);
  const engScans: Array<[string, string, number]> = [];
  for (const [key, n] of pairs) {
    if (n < min) continue;
    const [obs = '', tr = ''] = key.split('\t');
    const denom = tr === '' ? letters : Math.max(n, truthCounts.get(tr) ?? 0);
    engScans.push([obs, tr, Math.round(Math.log10(Math.min(0.9, n / (denom + 1))) * 100) / 100]);
  }
  engScans.sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
  const table = JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>;
  table.engScans = engScans;
  table.engScanStats = stats;
  const tmp = `${OUT}.tmp`;
  writeFileSync(tmp, JSON.stringify(table, null, 0).replace(/\],\[/g, '],\n['));
  renameSync(tmp, OUT);
  process.stderr.write(
    `learn-confusions: eng scans ${stats.pages} pages (${stats.skipped} skipped), ${stats.same}/${stats.words} words exact, ${engScans.length} entries → ${OUT}\n`,
  );
}

function engSection(t: Record<string, unknown>): Record<string, unknown> {
  return t.engScans ? { engScans: t.engScans, engScanStats: t.engScanStats } : {};
}

async function main(): Promise<void> {
  if (ENG_SCANS) return learnEngScans();
  const lines = await sampleLines();
  process.stderr.write(`learn-confusions: ${lines.length} lines\n`);
  const pairCounts = new Map<string, number>(); // "obs\ttruth" → count
  const truthCounts = new Map<string, number>(); // truth chunk → times seen in truth (approx.)
  const stats = { eng: { words: 0, same: 0 }, vie: { words: 0, same: 0 } };
  const images: Buffer[] = [];
  for (const line of lines) images.push(await render(line));
  const cacheFile = (lang: string): string => path.join(LINE_CACHE, `lines-${lang}.json`);
  for (const lang of ['eng', 'vie'] as const) {
    // The rendered lines' OCR, from the cache when it holds these very lines.
    let read: string[] | null = null;
    if (LINE_CACHE && existsSync(cacheFile(lang))) {
      const c = JSON.parse(readFileSync(cacheFile(lang), 'utf8')) as { lines: string[]; ocr: string[] };
      if (c.lines.length === lines.length && c.lines.every((l, i) => l === lines[i])) read = c.ocr;
    }
    if (!read) {
      const worker = await makeWorker(lang);
      read = [];
      for (let i = 0; i < lines.length; i++) {
        const { data } = await worker.recognize(images[i] ?? Buffer.alloc(0));
        read.push(data.text.normalize('NFC').replace(/\s+/g, ' ').trim());
      }
      await worker.terminate();
      if (LINE_CACHE) {
        mkdirSync(LINE_CACHE, { recursive: true });
        writeFileSync(cacheFile(lang), JSON.stringify({ lines, ocr: read }));
      }
    }
    for (let i = 0; i < lines.length; i++) {
      const truth = (lines[i] ?? '').normalize('NFC');
      const ocr = read[i] ?? '';
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
    process.stderr.write(`learn-confusions: ${lang} ${stats[lang].same}/${stats[lang].words} words exact\n`);
  }
  const scans = { pages: 0, skipped: 0, words: 0, same: 0 };
  // The scans' own mark slips (ố read as ổ), with the scans' letters as denominators: the
  // odds of the vie engine on a scan, which the channel uses as they are, at any trust.
  const scanPairs = new Map<string, number>();
  const scanTruth = new Map<string, number>();
  for (const [ocr, truth] of scanPages()) {
    const chunks = alignChunks(ocr, truth);
    const truthWords = truth.split(' ').length;
    if (chunks.words.length < 0.8 * truthWords) {
      scans.skipped++;
      continue;
    }
    scans.pages++;
    for (const c of chunks.words) {
      scans.words++;
      if (c.obs.toLowerCase() === c.truth.toLowerCase()) scans.same++;
    }
    for (const { obs, truth: t } of chunks.edits) {
      const key = `${obs}\t${t}`;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1);
      if ([...obs].length === 1 && [...t].length === 1) scanPairs.set(key, (scanPairs.get(key) ?? 0) + 1);
    }
    for (const c of chunks.words) for (const ch of c.truth.toLowerCase()) scanTruth.set(ch, (scanTruth.get(ch) ?? 0) + 1);
    for (const ch of truth.toLowerCase()) truthCounts.set(ch, (truthCounts.get(ch) ?? 0) + 1);
  }
  /** Same letter, other marks: a, ă, â, á… share the letter a; đ is its own letter. */
  const letter = (c: string): string => (c === 'đ' ? 'đ' : c.normalize('NFD').charAt(0));
  const scanSlips: Array<[string, string, number]> = [];
  for (const [key, n] of scanPairs) {
    const [obs = '', t = ''] = key.split('\t');
    if (n < 3 || letter(obs) !== letter(t)) continue;
    scanSlips.push([obs, t, Math.round(Math.log10(n / ((scanTruth.get(t) ?? 0) + 1)) * 100) / 100]);
  }
  scanSlips.sort((a, b) => b[2] - a[2]);
  if (SCANS) process.stderr.write(`learn-confusions: scans ${scans.pages} pages (${scans.skipped} skipped), ${scans.same}/${scans.words} words exact\n`);
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
      'log10 P(observed chunk | true chunk), lowercase, learned by scripts/learn-confusions.ts from rendered+OCRed corpus lines (tesseract.js eng+vie) and, where scans is set, tesseract.js vie OCR of scanned simulator dev pages',
    lines: lines.length,
    stats: SCANS ? { ...stats, scans } : stats,
    subs,
    ...(SCANS ? { scanSlips } : {}),
    // The eng-scan section is learned on its own (--eng-scans): kept across a rebuild.
    ...(existsSync(OUT) ? engSection(JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {}),
  };
  const tmp = `${OUT}.tmp`;
  writeFileSync(tmp, JSON.stringify(table, null, 0).replace(/\],\[/g, '],\n['));
  renameSync(tmp, OUT);
  process.stderr.write(`learn-confusions: ${subs.length} entries → ${OUT}\n`);
}

await main();
