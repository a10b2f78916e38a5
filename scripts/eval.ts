/**
 * `npm run eval -- [--split dev|test|real|all] [--limit N] [--jobs N] [--json FILE] [--real-gt DIR] [--real-scans DIR] [--ids a,b] [--model m1,m2] [--no-raw]`
 * `npm run eval -- --report FILE` prints the tables of a saved (or partial) run.
 *
 * Per page: the full pipeline (Pipeline API) and raw tesseract.js (vie, the page
 * image as readPages gives it: no preprocessing, no reading order, no restoration),
 * CER/WER of each against the ground truth (`score` from src/quality/score.ts;
 * the header's 2×2 grid may be read column by column or row by row: both
 * references are scored and the better kept). Per document: catalogue fields
 * against truth.json and section-tree F1. Per split: the quality estimate's
 * Spearman against CER and how often it flags bad pages. Tables per split, scan
 * model and dpi; every per-page result goes to JSON (default .cache/eval/<split>.json).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createWorker, type Worker } from 'tesseract.js';
import { Pipeline, type VanBanDocument } from '../src/pipeline.js';
import { readPages } from '../src/pdf/index.js';
import { score } from '../src/quality/score.js';
import type { Section } from '../src/structure/index.js';
import { ensureDocument, plan, type DocMeta } from './sim/generate.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const REAL_STEMS = ['cv-sgddt-danang-2635-2019', 'cv-ca-danang-115-2018', 'cv-ubnd-danang-274-2023'];
export const FIELDS = ['agency', 'number', 'symbol', 'place', 'date', 'type', 'title', 'authority', 'signerName'] as const;
export type FieldKey = (typeof FIELDS)[number];

export interface EvalItem {
  split: 'dev' | 'test' | 'real';
  id: string;
  input: string;
  gt: string;
  truth: string;
  meta: DocMeta | null;
}

export interface TextScore {
  cer: number;
  wer: number;
  chars: number;
  words: number;
  /** Which reference of the header scored better: column by column (as the gt) or row by row. */
  order: 'columns' | 'rows';
}

export interface PageResult {
  split: string;
  id: string;
  page: number;
  scanModel: string;
  dpi: number;
  font: string;
  type: string;
  pipeline: TextScore;
  raw: TextScore | null;
  quality: { score: number; needsReview: boolean };
  seconds: number;
  /** What the pipeline and raw tesseract.js read, to see what went wrong. */
  text: { pipeline: string; raw: string | null };
}

export interface DocResult {
  split: string;
  id: string;
  scanModel: string;
  type: string;
  pages: number;
  /** Per field: true right, false wrong; absent when the truth has no value to check (authority of a letter). */
  fields: Partial<Record<FieldKey, boolean>>;
  fieldValues: Partial<Record<FieldKey, { got: string | null; want: string | null }>>;
  sections: { truth: number; found: number; matched: number };
  error?: string;
}

export interface EvalReport {
  split: string;
  pages: PageResult[];
  documents: DocResult[];
  counts: Record<string, Record<string, number>>;
  summary: Summary;
}

// ---------------------------------------------------------------- items

export function simItems(split: 'dev' | 'test', metas: DocMeta[]): EvalItem[] {
  const dir = join(REPO, '.cache', 'sim', split);
  return metas.map((m) => ({ split, id: m.id, input: join(dir, m.file), gt: join(dir, `${m.id}.gt.txt`), truth: join(dir, `${m.id}.truth.json`), meta: m }));
}

export function realItems(gtDir: string, scansDir: string): { items: EvalItem[]; skipped: string | null } {
  const items: EvalItem[] = [];
  const missing: string[] = [];
  for (const stem of REAL_STEMS) {
    const input = join(scansDir, `${stem}.pdf`);
    const gt = join(gtDir, `${stem}.gt.txt`);
    const truth = join(gtDir, `${stem}.truth.json`);
    if (!existsSync(input)) missing.push(input);
    else if (!existsSync(gt) || !existsSync(truth)) missing.push(gt);
    else items.push({ split: 'real', id: stem, input, gt, truth, meta: null });
  }
  return { items, skipped: missing.length ? `real split: missing ${missing.join(', ')}` : null };
}

// ---------------------------------------------------------------- scoring

/**
 * The header read row by row: left and right column lines interleaved by their
 * height on the page (from the meta), or, without a meta, pairwise from the
 * motto line on (the left column ends where "CỘNG HÒA" starts).
 */
export function rowOrderReference(page: string, meta: DocMeta['pages'][number] | null): string | null {
  const lines = page.replace(/\n$/, '').split('\n');
  if (meta) {
    const idx = meta.lines.map((l, i) => ({ ...l, i })).filter((l) => l.role === 'header-left' || l.role === 'header-right');
    if (!idx.some((l) => l.role === 'header-right') || !idx.some((l) => l.role === 'header-left')) return null;
    const first = Math.min(...idx.map((l) => l.i));
    const last = Math.max(...idx.map((l) => l.i));
    const ordered = [...idx].sort((a, b) => {
      const ya = (a.bbox300[1] + a.bbox300[3]) / 2;
      const yb = (b.bbox300[1] + b.bbox300[3]) / 2;
      // Same row when their middles are within half a line.
      if (Math.abs(ya - yb) < 25) return a.role === b.role ? ya - yb : a.role === 'header-left' ? -1 : 1;
      return ya - yb;
    });
    return [...lines.slice(0, first), ...ordered.map((l) => l.text), ...lines.slice(last + 1)].join('\n') + '\n';
  }
  const motto = lines.findIndex((l) => /^CỘNG H(?:ÒA|OÀ)/u.test(l));
  if (motto <= 0) return null;
  const dateLine = lines.findIndex((l, i) => i > motto && /ngày.*tháng.*năm/u.test(l));
  if (dateLine < 0) return null;
  const left = lines.slice(0, motto);
  const right = lines.slice(motto, dateLine + 1);
  const rows: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== undefined) rows.push(left[i]!);
    if (right[i] !== undefined) rows.push(right[i]!);
  }
  return [...rows, ...lines.slice(dateLine + 1)].join('\n') + '\n';
}

export function scorePage(hyp: string, ref: string, rowRef: string | null): TextScore {
  const a = score(hyp, ref);
  let best: TextScore = { cer: a.cer, wer: a.wer, chars: a.counts.chars, words: a.counts.words, order: 'columns' };
  if (rowRef) {
    const b = score(hyp, rowRef);
    if (b.cer < best.cer) best = { cer: b.cer, wer: b.wer, chars: b.counts.chars, words: b.counts.words, order: 'rows' };
  }
  return best;
}

const norm = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : s.normalize('NFC').replace(/\s+/g, ' ').trim());
const loose = (s: string | null): string | null => (s === null ? null : s.toLocaleLowerCase('vi').replace(/[.,;:]+$/u, '').replace(/\s*([-–])\s*/gu, ' - ').trim());

interface Truthish {
  agency: string | null;
  number: string | null;
  symbol: string | null;
  place: string | null;
  date: string | null;
  type: string | null;
  title: string | null;
  authority?: string | null;
  signer: { name: string | null } | null;
  sections: TruthSection[];
  /** Real scans: values written by hand into a printed blank (not in the gt, hence null above); reading them is right too. */
  handwritten?: Partial<Record<FieldKey, string>>;
}
interface TruthSection {
  number: string;
  /** Null where the number runs into a sentence of body text (the sentence then opens `text`). */
  title: string | null;
  text?: string;
  children: TruthSection[];
}

function fieldValue(doc: Record<string, unknown> & Partial<Truthish>, k: FieldKey): string | null {
  if (k === 'signerName') return norm(doc.signer?.name ?? null);
  const v = doc[k];
  return typeof v === 'string' ? norm(v) : null;
}

export function compareFields(got: Record<string, unknown> & Partial<Truthish>, want: Truthish): Pick<DocResult, 'fields' | 'fieldValues'> {
  const fields: DocResult['fields'] = {};
  const fieldValues: DocResult['fieldValues'] = {};
  for (const k of FIELDS) {
    const w = fieldValue(want as unknown as Record<string, unknown> & Partial<Truthish>, k);
    if (k === 'authority' && w === null) continue;
    const g = fieldValue(got, k);
    // Case and trailing punctuation do not matter to a catalogue; the letters do.
    const alt = norm(want.handwritten?.[k] ?? null);
    fields[k] = loose(g) === loose(w) || (alt !== null && loose(g) === loose(alt));
    fieldValues[k] = { got: g, want: w };
  }
  return { fields, fieldValues };
}

/**
 * A section's heading as printed: its title, or, for a run-in heading (title null), the
 * opening of its text; a trailing colon does not count. Either convention then compares.
 */
function headingOf(s: TruthSection, length?: number): string {
  const heading = s.title ?? (s.text ?? '').slice(0, length ?? 80);
  return heading.replace(/\s*:$/, '');
}

function flatten(xs: readonly TruthSection[], prefix = ''): { key: string; section: TruthSection }[] {
  return xs.flatMap((s) => {
    const key = `${prefix}${s.number.replace(/[.)]$/, '')}`;
    return [{ key, section: s }, ...flatten(s.children, `${key}>`)];
  });
}

/** Section-tree matches: same numbering path, title within 10 % CER. */
export function compareSections(got: readonly TruthSection[], want: readonly TruthSection[]): DocResult['sections'] {
  const { truth, found, matched } = sectionMatches(got, want);
  return { truth, found, matched };
}

/** compareSections with the nodes left unmatched on either side ("path | heading"), to read what went wrong. */
export function sectionMatches(got: readonly TruthSection[], want: readonly TruthSection[]): DocResult['sections'] & { missed: string[]; extra: string[] } {
  // Truth written before issue 14 has no appendix sections ("Phụ lục …" after the signer): compare like with like.
  const appendix = (s: TruthSection): boolean => s.number.startsWith('Phụ lục');
  const g = flatten(want.some(appendix) ? got : got.filter((s) => !appendix(s)));
  const w = flatten(want);
  const pool = new Map<string, TruthSection[]>();
  for (const s of g) pool.set(s.key, [...(pool.get(s.key) ?? []), s.section]);
  let matched = 0;
  const missed: string[] = [];
  for (const s of w) {
    const cands = pool.get(s.key);
    const want = headingOf(s.section);
    const i = cands?.length ? cands.findIndex((t) => score(headingOf(t, [...want].length), want).cer <= 0.1) : -1;
    if (i >= 0) {
      matched++;
      cands!.splice(i, 1);
    } else missed.push(`${s.key} | ${want.slice(0, 100)}`);
  }
  const extra = [...pool].flatMap(([key, xs]) => xs.map((x) => `${key} | ${headingOf(x).slice(0, 100)}`));
  return { truth: w.length, found: g.length, matched, missed, extra };
}

// ---------------------------------------------------------------- statistics

function ranks(xs: number[]): number[] {
  const idx = xs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]!.v === idx[i]!.v) j++;
    for (let k = i; k <= j; k++) r[idx[k]!.i] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function spearman(a: number[], b: number[]): number | null {
  if (a.length < 3) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? null : num / Math.sqrt(da * db);
}

export interface Summary {
  pages: number;
  documents: number;
  /** Character-weighted over pages. */
  cer: number;
  wer: number;
  rawCer: number | null;
  rawWer: number | null;
  medianCer: number;
  rawMedianCer: number | null;
  fieldAccuracy: number | null;
  perField: Partial<Record<FieldKey, number>>;
  sectionF1: number | null;
  /** Spearman of the estimated error (1 − score) against the measured CER: 1 = perfect ranking. */
  qualitySpearman: number | null;
  /** Of the pages with CER > 5 %, the share flagged needsReview. */
  flaggedBad: number | null;
  /** Of the pages with CER < 1 %, the share flagged (false alarms). */
  flaggedGood: number | null;
}

export function summarize(pages: PageResult[], docs: DocResult[]): Summary {
  const chars = pages.reduce((a, p) => a + p.pipeline.chars, 0);
  const words = pages.reduce((a, p) => a + p.pipeline.words, 0);
  const rawPages = pages.filter((p) => p.raw);
  const rawChars = rawPages.reduce((a, p) => a + p.raw!.chars, 0);
  const rawWords = rawPages.reduce((a, p) => a + p.raw!.words, 0);
  const sorted = pages.map((p) => p.pipeline.cer).sort((a, b) => a - b);
  const perField: Summary['perField'] = {};
  let right = 0;
  let total = 0;
  for (const k of FIELDS) {
    const vals = docs.map((d) => d.fields[k]).filter((v): v is boolean => v !== undefined);
    if (!vals.length) continue;
    perField[k] = vals.filter(Boolean).length / vals.length;
    right += vals.filter(Boolean).length;
    total += vals.length;
  }
  const tp = docs.reduce((a, d) => a + d.sections.matched, 0);
  const nTruth = docs.reduce((a, d) => a + d.sections.truth, 0);
  const nFound = docs.reduce((a, d) => a + d.sections.found, 0);
  const bad = pages.filter((p) => p.pipeline.cer > 0.05);
  const good = pages.filter((p) => p.pipeline.cer < 0.01);
  return {
    pages: pages.length,
    documents: docs.length,
    cer: chars ? pages.reduce((a, p) => a + p.pipeline.cer * p.pipeline.chars, 0) / chars : 0,
    wer: words ? pages.reduce((a, p) => a + p.pipeline.wer * p.pipeline.words, 0) / words : 0,
    rawCer: rawChars ? rawPages.reduce((a, p) => a + p.raw!.cer * p.raw!.chars, 0) / rawChars : null,
    rawWer: rawWords ? rawPages.reduce((a, p) => a + p.raw!.wer * p.raw!.words, 0) / rawWords : null,
    medianCer: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
    rawMedianCer: rawPages.length ? rawPages.map((p) => p.raw!.cer).sort((a, b) => a - b)[Math.floor(rawPages.length / 2)]! : null,
    fieldAccuracy: total ? right / total : null,
    perField,
    sectionF1: nTruth + nFound ? (2 * tp) / (nTruth + nFound) : null,
    qualitySpearman: spearman(pages.map((p) => 1 - p.quality.score), pages.map((p) => p.pipeline.cer)),
    flaggedBad: bad.length ? bad.filter((p) => p.quality.needsReview).length / bad.length : null,
    flaggedGood: good.length ? good.filter((p) => p.quality.needsReview).length / good.length : null,
  };
}

// ---------------------------------------------------------------- running

async function rawPng(data: Uint8Array): Promise<Uint8Array> {
  // tesseract.js reads PNG and JPEG; other encodings (TIFF of a G4 page) go through sharp losslessly.
  const head = Buffer.from(data.subarray(0, 4)).toString('hex');
  if (head.startsWith('89504e47') || head.startsWith('ffd8')) return data;
  return sharp(data).png().toBuffer();
}

export async function createRawWorker(): Promise<Worker> {
  const { langPath } = require('@tesseract.js-data/vie') as { langPath: string };
  return createWorker('vie', 1, { langPath, gzip: true, cacheMethod: 'none' });
}

export async function evaluateItem(item: EvalItem, pipeline: Pipeline, raw: Worker | null): Promise<{ pages: PageResult[]; doc: DocResult }> {
  const gtPages = readFileSync(item.gt, 'utf8').split('\f');
  const truth = JSON.parse(readFileSync(item.truth, 'utf8')) as Truthish;
  const base = { split: item.split, id: item.id, scanModel: item.meta?.scanModel ?? 'real', type: item.meta?.typeName ?? truth.type ?? '?' };
  const t0 = performance.now();
  let result: VanBanDocument | null = null;
  let error: string | undefined;
  try {
    result = await pipeline.convertFile(item.input);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const seconds = (performance.now() - t0) / 1000;
  const rawTexts: string[] = [];
  if (raw) {
    for await (const img of readPages(item.input)) {
      const { data } = await raw.recognize(Buffer.from(await rawPng(img.data)));
      rawTexts.push(data.text);
    }
  }
  const byNumber = new Map((result?.pages ?? []).map((p) => [p.number, p]));
  const pages: PageResult[] = gtPages.map((ref, i) => {
    const p = byNumber.get(i + 1);
    const pm = item.meta?.pages[i] ?? null;
    const rowRef = i === 0 ? rowOrderReference(ref, pm) : null;
    return {
      ...base,
      page: i + 1,
      dpi: pm?.dpi ?? p?.image.dpi ?? 0,
      font: item.meta?.font ?? 'real',
      pipeline: scorePage(p?.restored.text ?? '', ref, rowRef),
      raw: raw ? scorePage(rawTexts[i] ?? '', ref, rowRef) : null,
      quality: { score: p?.quality.score ?? 0, needsReview: p?.quality.needsReview ?? true },
      seconds: seconds / gtPages.length,
      text: { pipeline: p?.restored.text ?? '', raw: raw ? (rawTexts[i] ?? '') : null },
    };
  });
  const structure = (result?.document ?? {}) as unknown as Record<string, unknown> & Partial<Truthish>;
  const doc: DocResult = {
    ...base,
    pages: gtPages.length,
    ...compareFields(structure, truth),
    sections: compareSections((structure.sections as Section[] | undefined) ?? [], truth.sections ?? []),
    ...(error !== undefined && { error }),
  };
  return { pages, doc };
}

function group<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

const pct = (v: number | null | undefined, d = 2): string => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(d)} %`);
const num = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toFixed(2));

export function table(title: string, pages: PageResult[], docs: DocResult[], by: (p: PageResult) => string, byDoc: ((d: DocResult) => string) | null): string {
  const rows: string[][] = [[title, 'pages', 'CER', 'WER', 'raw CER', 'raw WER', 'median CER', 'raw median', 'fields', 'section F1', 'ρ quality', 'flag >5 %', 'flag <1 %']];
  const groups = group(pages, by);
  const docGroups = byDoc ? group(docs, byDoc) : new Map<string, DocResult[]>();
  for (const [k, ps] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const s = summarize(ps, docGroups.get(k) ?? []);
    rows.push([k, String(s.pages), pct(s.cer), pct(s.wer), pct(s.rawCer), pct(s.rawWer), pct(s.medianCer), pct(s.rawMedianCer), byDoc ? pct(s.fieldAccuracy, 1) : '', byDoc ? pct(s.sectionF1, 1) : '', num(s.qualitySpearman), pct(s.flaggedBad, 0), pct(s.flaggedGood, 0)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ') + (i === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}

export function formatReport(r: EvalReport): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`\n=== ${r.split}: ${s.documents} documents, ${s.pages} pages ===`);
  out.push(table('split', r.pages, r.documents, () => r.split, () => r.split));
  out.push('');
  out.push(table('scan model', r.pages, r.documents, (p) => p.scanModel, (d) => d.scanModel));
  out.push('');
  out.push(table('dpi', r.pages, r.documents, (p) => String(p.dpi), null));
  out.push('');
  out.push(table('type', r.pages, r.documents, (p) => p.type, (d) => d.type));
  out.push('');
  out.push(table('font', r.pages, r.documents, (p) => p.font, null));
  out.push(`\nfields: ${FIELDS.map((k) => `${k} ${pct(s.perField[k], 0)}`).join(', ')}`);
  const worst = [...r.pages].sort((a, b) => b.pipeline.cer - a.pipeline.cer).slice(0, 5);
  out.push(`worst pages: ${worst.map((p) => `${p.id} p${p.page} ${pct(p.pipeline.cer, 1)} (raw ${pct(p.raw?.cer, 1)})`).join('; ')}`);
  for (const [k, v] of Object.entries(r.counts)) out.push(`${k}: ${Object.entries(v).sort().map(([a, b]) => `${a} ${b}`).join(', ')}`);
  return out.join('\n');
}

function countsOf(items: EvalItem[]): Record<string, Record<string, number>> {
  const c: Record<string, Record<string, number>> = { type: {}, font: {}, scanModel: {}, variant: {} };
  const inc = (k: string, v: string): void => {
    c[k]![v] = (c[k]![v] ?? 0) + 1;
  };
  for (const it of items) {
    if (!it.meta) continue;
    inc('type', it.meta.typeName);
    inc('font', it.meta.font);
    inc('scanModel', it.meta.scanModel);
    for (const v of it.meta.variants) inc('variant', v);
  }
  return c;
}

export async function runEval(
  split: 'dev' | 'test' | 'real',
  items: EvalItem[],
  pipeline: Pipeline,
  raw: Worker | null,
  log: (s: string) => void = () => {},
  onProgress: (partial: EvalReport) => void = () => {},
): Promise<EvalReport> {
  const pages: PageResult[] = [];
  const documents: DocResult[] = [];
  const counts = countsOf(items);
  for (const [i, it] of items.entries()) {
    const { pages: ps, doc } = await evaluateItem(it, pipeline, raw);
    pages.push(...ps);
    documents.push(doc);
    onProgress({ split, pages, documents, counts, summary: summarize(pages, documents) });
    log(`${i + 1}/${items.length} ${it.id}: CER ${ps.map((p) => pct(p.pipeline.cer, 1)).join(' ')} raw ${ps.map((p) => pct(p.raw?.cer, 1)).join(' ')}${doc.error ? ` ERROR ${doc.error}` : ''}`);
  }
  return { split, pages, documents, counts, summary: summarize(pages, documents) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const which = opt('split') ?? 'all';
  if (!['dev', 'test', 'real', 'all'].includes(which)) throw new Error(`--split must be dev, test, real or all, got ${which}`);
  const limit = opt('limit') ? Number(opt('limit')) : Infinity;
  const jobs = Number(opt('jobs') ?? '1');
  const ids = opt('ids')?.split(',');
  // --model phone-photo,blurred-300: only documents of these scan models (real scans are 'real').
  const models = opt('model')?.split(',');
  const splits = (which === 'all' ? ['dev', 'test', 'real'] : [which]) as ('dev' | 'test' | 'real')[];
  const realGt = opt('real-gt') ?? join(REPO, 'fixtures', 'realscans');
  const scans = opt('real-scans') ?? join(REPO, '..', 'shared', 'realscans');
  const saved = opt('report');
  if (saved) {
    console.log(formatReport(JSON.parse(readFileSync(saved, 'utf8')) as EvalReport));
    return;
  }
  const pipeline = await Pipeline.create({ jobs });
  const raw = args.includes('--no-raw') ? null : await createRawWorker();
  try {
    for (const split of splits) {
      let items: EvalItem[];
      if (split === 'real') {
        const r = realItems(realGt, scans);
        if (r.skipped) console.log(`skipping: ${r.skipped}`);
        items = r.items;
      } else {
        const entries = plan(split).filter((e) => !ids || ids.includes(e.id)).slice(0, models ? Infinity : limit);
        const metas: DocMeta[] = [];
        for (const e of entries) metas.push(await ensureDocument(split, e, join(REPO, '.cache', 'sim', split)));
        items = simItems(split, metas);
      }
      items = items
        .filter((it) => !ids || ids.includes(it.id))
        .filter((it) => !models || models.includes(it.meta?.scanModel ?? 'real'))
        .slice(0, limit);
      if (!items.length) continue;
      const file = opt('json') ? (splits.length > 1 ? opt('json')!.replace(/(\.json)?$/, `-${split}.json`) : opt('json')!) : join(REPO, '.cache', 'eval', `${split}.json`);
      mkdirSync(dirname(file), { recursive: true });
      // Rewritten after every document, so a long run interrupted still leaves its results.
      const save = (r: EvalReport): void => writeFileSync(file, `${JSON.stringify(r, null, 1)}\n`);
      const report = await runEval(split, items, pipeline, raw, (s) => process.stderr.write(`${s}\n`), save);
      save(report);
      console.log(formatReport(report));
      console.log(`per-page results: ${file}`);
    }
  } finally {
    await pipeline.close();
    await raw?.terminate();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
