/**
 * Runs the current pipeline once over simulator documents (or the real scans) and caches,
 * per page, what the quality estimator sees (OCR words and lines, restorer choices, the
 * document's catalogue fields) with the page's true CER, so calibration and evaluation
 * can be refitted without rerunning OCR.
 *
 *   npx tsx scripts/quality-sim-cache.ts --sim DIR --out DIR [--shard k/n] [--jobs 1]
 *   npx tsx scripts/quality-sim-cache.ts --real SCANS_DIR --gt GT_DIR --out DIR
 *
 * DIR for --sim is a simulator output folder (scripts/sim: <id>.pdf|jpg, .gt.txt, .meta.json).
 * Only the dev split may be used for fitting (scripts/calibrate-quality.ts --dev).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import { Pipeline } from '../src/pipeline.js';
import { score } from '../src/quality/score.js';
import type { BBox, OcrPage } from '../src/types.js';

export interface CachedPage {
  id: string;
  split: string;
  scanModel: string;
  page: number;
  pageCount: number;
  ocr: OcrPage;
  restoredText: string;
  restored: Array<{ original: string; text: string; changed: boolean; conf: number }>;
  document: { number: string | null; symbol: string | null; date: string | null; dateText: string | null };
  truth: string;
  cer: number;
}

type RowOrder = (page: string, meta: unknown) => string | null;

/** The evaluation's row-by-row header reference (scripts/eval.ts, issue 10), when present. */
async function loadRowOrder(): Promise<RowOrder | null> {
  for (const path of [resolve('scripts/eval.ts'), process.env.VANBAN_EVAL_SCRIPT ?? '']) {
    if (path && existsSync(path)) {
      const mod = (await import(pathToFileURL(path).href)) as { rowOrderReference?: RowOrder };
      if (mod.rowOrderReference) return mod.rowOrderReference;
    }
  }
  return null;
}

interface Item {
  id: string;
  split: string;
  scanModel: string;
  input: string;
  gt: string;
  meta: { pages: unknown[] } | null;
}

function simItems(dir: string): Item[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.meta.json'))
    .sort()
    .map((f) => {
      const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { id: string; split: string; scanModel: string; file: string; pages: unknown[] };
      return { id: meta.id, split: meta.split, scanModel: meta.scanModel, input: join(dir, meta.file), gt: join(dir, `${meta.id}.gt.txt`), meta };
    });
}

function realItems(scans: string, gt: string): Item[] {
  return readdirSync(gt)
    .filter((f) => f.endsWith('.gt.txt'))
    .sort()
    .map((f) => {
      const id = f.slice(0, -'.gt.txt'.length);
      return { id, split: 'real', scanModel: 'real', input: join(scans, `${id}.pdf`), gt: join(gt, f), meta: null };
    })
    .filter((i) => existsSync(i.input));
}

interface ConvertJson {
  pages: Array<{
    number: number;
    width: number;
    height: number;
    dpi: number;
    skew?: number;
    rotation?: 0 | 90 | 180 | 270;
    steps?: string[];
    ocrText: string;
    text: string;
    confidence: number;
    lines: Array<{ text: string; conf: number; bbox: BBox; column?: 'full' | 'left' | 'right' }>;
    words: Array<{ text: string; ocr: string; conf: number; bbox: BBox; changed?: boolean; restoreConfidence?: number }>;
  }>;
  document: Record<string, unknown>;
}

/** Pages of a `vanban convert` JSON made by the current pipeline from the same simulator documents. */
function importConvertJson(json: ConvertJson, item: Item, rowOrder: RowOrder | null): CachedPage[] {
  const gtPages = readFileSync(item.gt, 'utf8').split('\f');
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return json.pages.map((p) => {
    const lines = p.lines.map((l) => ({ text: l.text, conf: l.conf, bbox: l.bbox, words: [] as OcrPage['blocks'][number]['lines'][number]['words'] }));
    // Words are in reading order and each line's text holds its OCR words.
    let at = 0;
    for (const line of lines) {
      const n = line.text.split(/\s+/u).filter((t) => t !== '').length;
      for (const w of p.words.slice(at, at + n)) line.words.push({ text: w.ocr, conf: w.conf, bbox: w.bbox });
      at += n;
    }
    const ocr: OcrPage = {
      pageNumber: p.number,
      width: p.width,
      height: p.height,
      dpi: p.dpi,
      skew: p.skew ?? 0,
      rotation: p.rotation ?? 0,
      steps: p.steps ?? [],
      text: p.ocrText,
      confidence: p.confidence,
      blocks: lines.map((l) => ({ bbox: l.bbox, column: 'full' as const, lines: [l] })),
    };
    const truth = gtPages[p.number - 1] ?? '';
    let cer = score(p.text, truth).cer;
    const rowRef = p.number === 1 && rowOrder ? rowOrder(truth, item.meta?.pages[0] ?? null) : null;
    if (rowRef) cer = Math.min(cer, score(p.text, rowRef).cer);
    return {
      id: item.id,
      split: item.split,
      scanModel: item.scanModel,
      page: p.number,
      pageCount: json.pages.length,
      ocr,
      restoredText: p.text,
      restored: p.words.map((w) => ({ original: w.ocr, text: w.text, changed: w.changed ?? w.ocr !== w.text, conf: w.restoreConfidence ?? 1 })),
      document: { number: str(json.document.number), symbol: str(json.document.symbol), date: str(json.document.date), dateText: str(json.document.dateText) },
      truth,
      cer: Math.min(1, cer),
    };
  });
}

export interface CacheOptions {
  /** Simulator output folder (scripts/sim), or the real scans with --gt. */
  sim?: string;
  real?: string;
  gt?: string;
  out: string;
  /** k/n: the k-th of n interleaved parts, to spread a split over processes. */
  shard?: string;
  jobs?: number;
  reverse?: boolean;
  /** A folder of `vanban convert` JSON files of the same documents, imported instead of converting. */
  importJson?: string;
  log?: (line: string) => void;
}

/** Caches every page of the folder's documents not cached yet (one file per document, written atomically). */
export async function buildCache(o: CacheOptions): Promise<void> {
  const log = o.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const out = o.out;
  let items = o.sim ? simItems(o.sim) : o.real ? realItems(o.real, o.gt ?? 'fixtures/realscans') : [];
  if (o.shard) {
    const [k, n] = o.shard.split('/').map(Number);
    items = items.filter((_, i) => i % n! === k!);
  }
  mkdirSync(out, { recursive: true });
  const rowOrder = await loadRowOrder();
  const imports = o.importJson;
  if (imports) {
    for (const item of items) {
      const src = join(imports, `${item.id}.json`);
      const file = join(out, `${item.id}.json`);
      if (existsSync(file) || !existsSync(src)) continue;
      const pages = importConvertJson(JSON.parse(readFileSync(src, 'utf8')) as ConvertJson, item, rowOrder);
      writeFileSync(file, JSON.stringify(pages));
      log(`${item.id}: imported ${pages.length} pages, CER ${pages.map((p) => (100 * p.cer).toFixed(1)).join(' ')}`);
    }
    return;
  }
  if (o.reverse) items.reverse();
  items = items.filter((item) => !existsSync(join(out, `${item.id}.json`)));
  if (items.length === 0) return;
  const pipeline = await Pipeline.create({ jobs: o.jobs ?? 1 });
  try {
    for (const item of items) {
      const file = join(out, `${item.id}.json`);
      const t0 = performance.now();
      const gtPages = readFileSync(item.gt, 'utf8').split('\f');
      let doc;
      try {
        doc = await pipeline.convertFile(item.input);
      } catch (error) {
        log(`${item.id}: ${(error as Error).message}`);
        continue;
      }
      const fields = doc.document as unknown as Record<string, unknown>;
      const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
      const pages: CachedPage[] = doc.pages.map((p) => {
        const truth = gtPages[p.number - 1] ?? '';
        let cer = score(p.restored.text, truth).cer;
        const rowRef = p.number === 1 && rowOrder ? rowOrder(truth, item.meta?.pages[0] ?? null) : null;
        if (rowRef) cer = Math.min(cer, score(p.restored.text, rowRef).cer);
        return {
          id: item.id,
          split: item.split,
          scanModel: item.scanModel,
          page: p.number,
          pageCount: doc.pages.length,
          ocr: p.ocr,
          restoredText: p.restored.text,
          restored: p.restored.words.map((w) => ({ original: w.original, text: w.text, changed: w.changed, conf: w.restoreConfidence })),
          document: { number: str(fields.number), symbol: str(fields.symbol), date: str(fields.date), dateText: str(fields.dateText) },
          truth,
          cer: Math.min(1, cer),
        };
      });
      writeFileSync(`${file}.tmp`, JSON.stringify(pages));
      renameSync(`${file}.tmp`, file);
      log(`${item.id}: ${pages.length} pages, ${((performance.now() - t0) / 1000).toFixed(0)} s, CER ${pages.map((p) => (100 * p.cer).toFixed(1)).join(' ')}`);
    }
  } finally {
    await pipeline.close();
  }
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const out = opt('--out');
  if (!out) throw new Error('usage: --sim DIR | --real SCANS --gt GT, and --out DIR');
  const o: CacheOptions = { out, jobs: Number(opt('--jobs') ?? 1), reverse: args.includes('--reverse') };
  for (const [key, name] of [['sim', '--sim'], ['real', '--real'], ['gt', '--gt'], ['shard', '--shard'], ['importJson', '--import-json']] as const) {
    const v = opt(name);
    if (v !== undefined) o[key] = v;
  }
  await buildCache(o);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Estimator code: changing it changes no cached page, so it is left out of the fingerprint. */
const ESTIMATOR_FILES = new Set(['features.ts', 'estimate.ts', 'model.ts', 'review.ts', 'report.ts', 'index.ts'].map((f) => `src/quality/${f}`));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * A hash of what the cached pages depend on: the pipeline's source (src/, but not the estimator
 * itself), its dictionaries (but not the quality model) and the installed package versions. A
 * cache made under another fingerprint is stale: the OCR or restorer has changed since.
 */
export function pipelineFingerprint(): string {
  const files = [
    ...filesUnder(join(REPO, 'src')).filter((f) => f.endsWith('.ts')),
    ...filesUnder(join(REPO, 'dictionaries')).filter((f) => !/quality-|README/.test(f)),
    join(REPO, 'package-lock.json'),
  ]
    .map((f) => relative(REPO, f))
    .filter((f) => !ESTIMATOR_FILES.has(f))
    .sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(REPO, f))).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/** The estimator's input for a cached page (as pageInputOf builds it from a pipeline page). */
export function cachedInput(p: CachedPage): import('../src/quality/features.js').PageInput {
  const words = p.ocr.blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
  const marks = (p.ocr as { marks?: unknown }).marks;
  return {
    text: p.ocr.text,
    words: words.map((w) => ({ text: w.text, conf: w.conf, bbox: w.bbox })),
    restored: {
      tokens: p.restored.map((w, i) => ({ original: w.original, text: w.text, source: [i], alternatives: [], confidence: w.conf, changed: w.changed })),
    },
    width: p.ocr.width,
    height: p.ocr.height,
    dpi: p.ocr.dpi,
    lines: p.ocr.blocks.flatMap((b) => b.lines.map((l) => ({ bbox: l.bbox, words: l.words.map((w) => w.bbox) }))),
    ...(Array.isArray(marks) && { marks: marks.length }),
    ...(p.ocr.imageStats && { image: p.ocr.imageStats }),
    pageIndex: p.page,
  };
}

/** Every cached page of a folder written by this script. */
export function readCache(dir: string): CachedPage[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CachedPage[]);
}
