/**
 * The document and scan simulator (issue 10): writes, per document,
 * <id>.pdf (or <id>.jpg for some phone photos), <id>.gt.txt, <id>.truth.json and
 * <id>.meta.json. Deterministic from the split's seed; see scripts/sim/README.md.
 *
 *   npx tsx scripts/sim/generate.ts --split dev|test [--out DIR] [--limit N] [--ids a,b] [--shard k/n] [--force]
 *   npx tsx scripts/sim/generate.ts --split dev2|dev3 --out DIR [--seed N]   # extra tuning material (dev text, fonts and scan models)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, seedOf } from '../fixtures/random.js';
import { DOC_KINDS, makeDocument, type DocKind } from './content.js';
import { drawParams, layoutDocument, lineBoxes, pageText, type Box, type FontName } from './layout.js';
import { scanPdf } from './pdf.js';
import { loadPool, type Split } from './pool.js';
import { renderPage } from './render.js';
import { DEV_MODELS, TEST_ONLY_MODEL, drawScan, renderScale, scanPage, type ScanModelName, type ScannedPage } from './scan.js';
import { truthOf } from './truth.js';

/** Bump when a change alters generated documents (the cache and the frozen test manifest key on it). */
export const GENERATOR_VERSION = 3;
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = join(REPO, '.cache', 'sim');

/**
 * dev2: extra tuning material drawn from the dev text pool, dev fonts and dev scan models only, weighted to
 * the long chaptered kinds (Quy chế, Nghị quyết, Tờ trình, Quyết định) that dev has few of. Its own seed and
 * plan, so dev and test plans and documents are untouched; never written under .cache/sim (needs --out).
 */
export type PlanSplit = Split | 'dev2' | 'dev3';
const SEEDS: Record<PlanSplit, number> = { dev: 0x5eedd001, test: 0x7e570002, dev2: 0x5eedd2a2, dev3: 0x5eedd3a3 };
const COUNT: Record<PlanSplit, number> = { dev: 64, test: 88, dev2: 24, dev3: 64 };
const DEV2_KINDS: DocKind[] = ['QC', 'NQ', 'QC', 'TTR', 'QD', 'QC', 'NQ', 'TTR'];
const DEV2_SIZES = [12, 16, 20, 26, 30];
/**
 * dev3: more of what dev holds (every kind, dev sizes, fonts and scan models) drawn afresh, to check a rule on
 * documents it was not written from; --seed draws another set. Never written under .cache/sim (needs --out).
 */
const EXTRA: readonly PlanSplit[] = ['dev2', 'dev3'];
/** The text pool a split draws from: dev2 and dev3 share dev's (never test's). */
const textSplit = (split: PlanSplit): Split => (EXTRA.includes(split) ? 'dev' : (split as Split));
export const DEV_FONTS: FontName[] = ['tinos', 'noto-serif', 'arimo', 'roboto', 'lora'];
/** Only in the test split. */
export const TEST_ONLY_FONT: FontName = 'source-serif-4';

export interface PlanEntry {
  id: string;
  index: number;
  seed: number;
  kind: DocKind;
  font: FontName;
  model: ScanModelName;
  size: number;
}

/** Repeats `xs` to length n and shuffles with the split's PRNG, so every value appears ⌊n/|xs|⌋ times or more. */
function spread<T>(xs: readonly T[], n: number, rnd: () => number): T[] {
  const out = Array.from({ length: n }, (_, i) => xs[i % xs.length]!);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function plan(split: PlanSplit, seed: number = SEEDS[split]): PlanEntry[] {
  const n = COUNT[split];
  const rnd = mulberry32(seed);
  if (split === 'dev2') {
    const fontList = spread(DEV_FONTS, n, rnd);
    const modelList = spread(DEV_MODELS, n, rnd);
    const sizeList = spread(DEV2_SIZES, n, rnd);
    return Array.from({ length: n }, (_, i) => {
      const kind = DEV2_KINDS[i % DEV2_KINDS.length]!;
      return { id: `${split}-${String(i + 1).padStart(3, '0')}-${kind.toLowerCase()}`, index: i, seed: seedOf(`${split}:${seed}:${i}`), kind, font: fontList[i]!, model: modelList[i]!, size: sizeList[i]! };
    });
  }
  const fonts = split === 'test' ? [...DEV_FONTS, TEST_ONLY_FONT] : DEV_FONTS;
  const models = split === 'test' ? [...DEV_MODELS, TEST_ONLY_MODEL] : DEV_MODELS;
  const kinds = DOC_KINDS.flatMap((k) => [k]);
  const fontList = spread(fonts, n, rnd);
  const modelList = spread(models, n, rnd);
  const sizeList = spread([3, 4, 5, 6, 8, 10, 12, 16, 20, 26], n, rnd);
  return Array.from({ length: n }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    return { id: `${split}-${String(i + 1).padStart(3, '0')}-${kind.toLowerCase()}`, index: i, seed: seedOf(`${split}:${seed}:${i}`), kind, font: fontList[i]!, model: modelList[i]!, size: sizeList[i]! };
  });
}

export interface PageMeta {
  number: number;
  file: string;
  width: number;
  height: number;
  dpi: number;
  storage: string;
  /** Quarter turn applied to the page image, clockwise degrees. */
  rotation: number;
  skew: number;
  hasHandwriting: boolean;
  hasStamp: boolean;
  hasSeal: boolean;
  hasSignature: boolean;
  /** Boxes in the stored image's pixels. */
  marks: { signature: Box | null; seal: Box | null; stamp: Box | null; handwriting: Box[] };
  /** Printed lines in reading order (the gt.txt lines of the page). */
  lines: { text: string; role: string; bbox: Box; bbox300: Box }[];
}

export interface DocMeta {
  id: string;
  split: PlanSplit;
  seed: number;
  generatorVersion: number;
  type: DocKind;
  typeName: string;
  font: FontName;
  bodySize: number;
  layout: ReturnType<typeof drawParams>;
  variants: string[];
  scanModel: ScanModelName;
  scan: ReturnType<typeof drawScan>;
  file: string;
  pageCount: number;
  dpi: number;
  pages: PageMeta[];
}

export interface GeneratedFiles {
  meta: DocMeta;
  gt: string;
  truth: string;
  input: { name: string; bytes: Uint8Array };
}

export async function generateDocument(split: PlanSplit, e: PlanEntry): Promise<GeneratedFiles> {
  const pool = loadPool(textSplit(split), CACHE);
  const rnd = mulberry32(e.seed);
  const doc = makeDocument(rnd, pool, { kind: e.kind, size: e.size, year: 2019 + Math.floor(rnd() * 8) });
  const params = drawParams(mulberry32(e.seed ^ 0x1a7), e.font);
  const pages = layoutDocument(doc, params);
  const scan = drawScan(e.model, mulberry32(e.seed ^ 0x5ca), pages.length === 1);
  const renderRnd = mulberry32(e.seed ^ 0x4e4);
  const scanRnd = mulberry32(e.seed ^ 0xdeb);
  const scanned: ScannedPage[] = [];
  const pageMetas: PageMeta[] = [];
  const sealText = `${doc.agencyLines.join(' ')} ★ ${doc.place}`;
  for (const [i, page] of pages.entries()) {
    const { image, marks } = await renderPage(page, params, { signed: doc.signed, sealed: doc.sealed, handwriting: doc.handwriting, sealText, ink: 20 + renderRnd() * 30 }, renderRnd, i === 0, renderScale(scan));
    const s = await scanPage(image, scan, scanRnd);
    scanned.push(s);
    const boxes = lineBoxes(params, page);
    pageMetas.push({
      number: i + 1,
      file: scan.imageFile ? `${e.id}.jpg` : `${e.id}.pdf`,
      width: s.width,
      height: s.height,
      dpi: s.dpi,
      storage: s.storage,
      rotation: scan.turn,
      skew: scan.skew,
      hasHandwriting: marks.handwriting.length > 0,
      hasStamp: marks.stamp !== null,
      hasSeal: marks.seal !== null,
      hasSignature: marks.signature !== null,
      marks: { signature: marks.signature && s.mapBox(marks.signature), seal: marks.seal && s.mapBox(marks.seal), stamp: marks.stamp && s.mapBox(marks.stamp), handwriting: marks.handwriting.map((b) => s.mapBox(b)) },
      lines: page.lines.map((l, k) => ({ text: l.text, role: l.role, bbox: s.mapBox(boxes[k]!), bbox300: boxes[k]! })),
    });
  }
  const gt = pages.map(pageText).join('\f');
  const truth = `${JSON.stringify(truthOf(doc), null, 2)}\n`;
  const variants = [...doc.variants, params.justify ? 'justified' : 'ragged', params.indent === 0 ? 'no-indent' : 'indent', params.numberRowAligned ? 'number-row-aligned' : 'number-row-raised', `pages-${Math.min(pages.length, 4)}${pages.length >= 4 ? '+' : ''}`];
  if (params.centredHeadings) variants.push('centred-headings');
  const input = scan.imageFile ? { name: `${e.id}.jpg`, bytes: scanned[0]!.bytes } : { name: `${e.id}.pdf`, bytes: await scanPdf(scanned) };
  const meta: DocMeta = {
    id: e.id,
    split,
    seed: e.seed,
    generatorVersion: GENERATOR_VERSION,
    type: e.kind,
    typeName: doc.type,
    font: e.font,
    bodySize: params.bodyPt,
    layout: params,
    variants,
    scanModel: e.model,
    scan,
    file: input.name,
    pageCount: pages.length,
    dpi: scanned[0]!.dpi,
    pages: pageMetas,
  };
  return { meta, gt, truth, input };
}

export const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

/**
 * Generates one document into `dir` unless `dir` already holds it from this
 * generator version; returns its meta. `dir` is the cache: .cache/sim/<split>
 * by default, or the caller's --out folder (never shared between the two, so
 * runs of other versions elsewhere cannot overwrite each other's documents).
 */
export async function ensureDocument(split: PlanSplit, e: PlanEntry, dir: string = join(CACHE, split), force = false): Promise<DocMeta> {
  mkdirSync(dir, { recursive: true });
  const metaPath = join(dir, `${e.id}.meta.json`);
  if (!force && existsSync(metaPath)) {
    const m = JSON.parse(readFileSync(metaPath, 'utf8')) as DocMeta;
    if (m.generatorVersion === GENERATOR_VERSION && existsSync(join(dir, m.file))) return m;
  }
  const g = await generateDocument(split, e);
  // Temp file and rename, meta last: a reader of the folder sees whole documents only.
  const put = (name: string, data: string | Uint8Array): void => {
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, name));
  };
  put(g.input.name, g.input.bytes);
  put(`${e.id}.gt.txt`, g.gt);
  put(`${e.id}.truth.json`, g.truth);
  put(`${e.id}.meta.json`, `${JSON.stringify(g.meta)}\n`);
  return g.meta;
}

function counts(metas: DocMeta[]): Record<string, Record<string, number>> {
  const c: Record<string, Record<string, number>> = { type: {}, font: {}, scanModel: {}, dpi: {}, variant: {}, storage: {} };
  const inc = (k: string, v: string | number): void => {
    c[k]![String(v)] = (c[k]![String(v)] ?? 0) + 1;
  };
  for (const m of metas) {
    inc('type', m.typeName);
    inc('font', m.font);
    inc('scanModel', m.scanModel);
    inc('dpi', m.dpi);
    inc('storage', m.pages[0]!.storage + (m.file.endsWith('.jpg') ? ' (image file)' : ''));
    for (const v of m.variants) inc('variant', v);
  }
  return c;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const split = (opt('split') ?? 'dev') as PlanSplit;
  if (!(Object.keys(SEEDS) as string[]).includes(split)) throw new Error(`--split must be dev, test, dev2 or dev3, got ${split}`);
  if (EXTRA.includes(split) && !opt('out')) throw new Error(`--split ${split} needs --out DIR (it is never written under .cache/sim)`);
  const seed = opt('seed') === undefined ? SEEDS[split] : Number(opt('seed'));
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${opt('seed')}`);
  if (opt('seed') !== undefined && !EXTRA.includes(split)) throw new Error('--seed is only for dev2 and dev3: dev and test plans are frozen');
  const out = opt('out') ?? join(CACHE, split);
  const limit = opt('limit') ? Number(opt('limit')) : Infinity;
  const ids = opt('ids')?.split(',');
  const force = args.includes('--force');
  // --shard k/n: the k-th of n interleaved parts, to spread a split over processes.
  const [k, n] = (opt('shard') ?? '0/1').split('/').map(Number) as [number, number];
  const entries = plan(split, seed)
    .filter((e) => !ids || ids.includes(e.id))
    .slice(0, limit)
    .filter((e) => e.index % n === k);
  const t0 = performance.now();
  const metas: DocMeta[] = [];
  for (const e of entries) {
    const m = await ensureDocument(split, e, out, force);
    metas.push(m);
    process.stderr.write(`\r${metas.length}/${entries.length} ${e.id} `);
  }
  process.stderr.write('\n');
  const pages = metas.reduce((a, m) => a + m.pageCount, 0);
  console.log(`${split}: ${metas.length} documents, ${pages} pages → ${out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  for (const [k, v] of Object.entries(counts(metas))) {
    console.log(`  ${k}: ${Object.entries(v).sort().map(([a, b]) => `${a} ${b}`).join(', ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
