/**
 * Structure on simulator documents: runs extract() on each `<id>.gt.txt` (clean text)
 * or on a text file of the pipeline's output (`--text-ext .ocr.txt`) and compares
 * with `<id>.truth.json` field by field, plus section-tree F1.
 *
 *   npx tsx scripts/eval-structure.ts DIR [--text-ext .gt.txt] [--json out.json] [--show N]
 *   npx tsx scripts/eval-structure.ts DIR --converted OUTDIR   # the pipeline's <id>.json (vanban convert), re-extracted with boxes
 *   npx tsx scripts/eval-structure.ts DIR --restored CACHE [--make [--inputs PDFDIR]] [--limit N] [--ids a,b] [--jobs N]
 *     # the pipeline's RestoredPage[] of each <id>.pdf, kept as CACHE/<id>.restored.json (made with --make
 *     # where missing: OCR once, then iterate on structure alone with lines, boxes, columns and marks)
 *
 * Section nodes are matched on their number path and heading; the heading of a
 * node is its title or, when it has none, its first paragraph, so the measure
 * does not depend on which side of the title/text convention the truth was written.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pipeline } from '../src/pipeline.js';
import { extract, type Section } from '../src/structure/index.js';
import { compareFields, compareSections, FIELDS as EVAL_FIELDS, sectionMatches } from './eval.js';
import type { OcrBlock, OcrPage, RestoredPage } from '../src/types.js';

interface ConvertedPage {
  number: number;
  width: number;
  height: number;
  dpi: number;
  ocrText: string;
  text: string;
  confidence: number;
  lines: Array<{ text: string; conf: number; bbox: [number, number, number, number]; column: 'full' | 'left' | 'right' }>;
}

/** The pages of a `vanban convert` JSON as RestoredPage[]: blocks are the runs of lines between blank lines of ocrText. */
function restoredPages(json: { pages: ConvertedPage[] }): RestoredPage[] {
  return json.pages.map((p) => {
    const blocks: OcrBlock[] = [];
    let k = 0;
    for (const chunk of p.ocrText.split(/\n\s*\n/)) {
      const n = chunk.split('\n').filter((l) => l.trim()).length;
      const lines = p.lines.slice(k, k + n);
      k += n;
      if (!lines.length) continue;
      const xs = lines.map((l) => l.bbox);
      blocks.push({
        bbox: [Math.min(...xs.map((b) => b[0])), Math.min(...xs.map((b) => b[1])), Math.max(...xs.map((b) => b[2])), Math.max(...xs.map((b) => b[3]))],
        column: lines[0]!.column,
        lines: lines.map((l) => ({ text: l.text, conf: l.conf, bbox: l.bbox, words: [] })),
      });
    }
    const ocr: OcrPage = { pageNumber: p.number, width: p.width, height: p.height, dpi: p.dpi, skew: 0, rotation: 0, steps: [], text: p.ocrText, confidence: p.confidence, blocks };
    return { ocr, text: p.text } as unknown as RestoredPage;
  });
}

interface TruthSection {
  number: string;
  title: string | null;
  text: string;
  level: number;
  children: TruthSection[];
}

type Truth = Record<string, unknown> & { sections: TruthSection[] };

const FIELDS = ['agency', 'number', 'symbol', 'place', 'date', 'dateText', 'type', 'title', 'authority', 'signer'] as const;

const squash = (t: string): string => t.replace(/\s+/g, ' ').trim();

function nodes(list: ReadonlyArray<TruthSection | Section>, path: string[] = [], out: string[] = []): string[] {
  for (const s of list) {
    const p = [...path, s.number];
    const head = squash(s.title ?? s.text.split('\n')[0] ?? '').replace(/\s*:$/, '');
    out.push(`${p.join(' / ')} | ${head}`);
    nodes(s.children, p, out);
  }
  return out;
}

/** Number paths only: the shape of the tree, whatever OCR did to the heading words. */
const paths = (xs: string[]): string[] => xs.map((x) => x.split(' | ')[0]!);

function f1(got: string[], want: string[]): { tp: number; fp: number; fn: number } {
  const pool = new Map<string, number>();
  for (const w of want) pool.set(w, (pool.get(w) ?? 0) + 1);
  let tp = 0;
  for (const g of got) {
    const n = pool.get(g) ?? 0;
    if (n > 0) {
      tp++;
      pool.set(g, n - 1);
    }
  }
  return { tp, fp: got.length - tp, fn: want.length - tp };
}

const args = process.argv.slice(2);
const dir = args[0];
if (!dir || !existsSync(dir)) {
  console.error('usage: npx tsx scripts/eval-structure.ts DIR [--text-ext .gt.txt] [--json out.json] [--show N]');
  process.exit(2);
}
const opt = (name: string, dflt: string): string => {
  const k = args.indexOf(name);
  return k >= 0 && args[k + 1] ? args[k + 1]! : dflt;
};
const restored = opt('--restored', '');
const converted = restored || opt('--converted', '');
const ext = restored ? '.restored.json' : converted ? '.json' : opt('--text-ext', '.gt.txt');
const show = Number(opt('--show', '20'));
const only = opt('--ids', '').split(',').filter(Boolean);
const limit = Number(opt('--limit', 'Infinity'));
const truthIds = readdirSync(dir)
  .filter((f) => f.endsWith('.truth.json'))
  .map((f) => f.slice(0, -'.truth.json'.length))
  .filter((id) => !only.length || only.includes(id))
  .sort()
  .slice(0, limit);
if (restored && args.includes('--make')) {
  mkdirSync(restored, { recursive: true });
  // Scans may live apart from their truths (real scans: ../shared/realscans).
  const inputs = opt('--inputs', dir);
  const todo = truthIds.filter((id) => !existsSync(join(restored, id + ext)) && existsSync(join(inputs, id + '.pdf')));
  const pipeline = await Pipeline.create({ jobs: Number(opt('--jobs', '1')) });
  try {
    for (const [i, id] of todo.entries()) {
      const result = await pipeline.convertFile(join(inputs, id + '.pdf'));
      const pagesOut = result.pages.map((p) => p.restored);
      writeFileSync(join(restored, id + ext + '.tmp'), JSON.stringify(pagesOut));
      renameSync(join(restored, id + ext + '.tmp'), join(restored, id + ext));
      process.stderr.write(`${i + 1}/${todo.length} ${id}\n`);
    }
  } finally {
    await pipeline.close();
  }
}
const ids = truthIds.filter((id) => existsSync(join(converted || dir, id + ext)));

const right: Record<string, number> = Object.fromEntries(FIELDS.map((f) => [f, 0]));
let allRight = 0;
let tp = 0;
let fp = 0;
let fn = 0;
let ms = 0;
let ttp = 0;
let tfp = 0;
let tfn = 0;
let pages = 0;
// The measure of npm run eval (loose field comparison, headings within 10 % CER), for figures comparable with it.
const evalRight: Record<string, number> = {};
const evalCount: Record<string, number> = {};
let evalMatched = 0;
let evalTruth = 0;
let evalFound = 0;
const misses: string[] = [];
// --loose: misses are listed as npm run eval counts them (case and trailing punctuation ignored), and fields and
// section F1 are also given per scan model (from <id>.meta.json), to read OCR's effect on structure.
const looseMode = args.includes('--loose');
const byModel = new Map<string, { right: Record<string, number>; count: Record<string, number>; matched: number; truth: number; found: number; docs: number }>();
const modelOf = (id: string): string => {
  const f = join(dir, id + '.meta.json');
  return existsSync(f) ? String((JSON.parse(readFileSync(f, 'utf8')) as { scanModel?: string }).scanModel ?? '?') : '?';
};
const perDoc: Array<Record<string, unknown>> = [];
for (const id of ids) {
  const truth = JSON.parse(readFileSync(join(dir, id + '.truth.json'), 'utf8')) as Truth;
  const text = readFileSync(join(converted || dir, id + ext), 'utf8');
  const input = restored
    ? (JSON.parse(text) as RestoredPage[])
    : converted
      ? restoredPages(JSON.parse(text) as { pages: ConvertedPage[] })
      : text;
  pages += typeof input === 'string' ? input.split('\f').length : input.length;
  const t0 = performance.now();
  const doc = extract(input);
  ms += performance.now() - t0;
  const got = doc as unknown as Record<string, unknown>;
  let ok = true;
  const wrong: string[] = [];
  for (const f of FIELDS) {
    if (!(f in truth)) continue;
    const same = JSON.stringify(got[f] ?? null) === JSON.stringify(truth[f] ?? null);
    if (same) right[f]!++;
    else {
      ok = false;
      wrong.push(f);
      if (!looseMode) misses.push(`${id} ${f}: got ${JSON.stringify(got[f] ?? null)} want ${JSON.stringify(truth[f] ?? null)}`);
    }
  }
  if (ok) allRight++;
  const ev = compareFields(got, truth as unknown as Parameters<typeof compareFields>[1]);
  for (const [k, v] of Object.entries(ev.fields)) {
    evalCount[k] = (evalCount[k] ?? 0) + 1;
    if (v) evalRight[k] = (evalRight[k] ?? 0) + 1;
    else if (looseMode) misses.push(`${id} ${k}~ got ${JSON.stringify(ev.fieldValues[k as keyof typeof ev.fieldValues]?.got)} want ${JSON.stringify(ev.fieldValues[k as keyof typeof ev.fieldValues]?.want)}`);
    else if (k === 'signerName') misses.push(`${id} ${k}: got ${JSON.stringify(ev.fieldValues[k]?.got)} want ${JSON.stringify(ev.fieldValues[k]?.want)}`);
  }
  const es = compareSections(doc.sections as never, truth.sections as never);
  evalMatched += es.matched;
  evalTruth += es.truth;
  evalFound += es.found;
  if (looseMode && args.includes('--detail')) {
    const sm = sectionMatches(doc.sections as never, truth.sections as never);
    for (const x of sm.extra) misses.push(`${id} ~+ ${x}`);
    for (const x of sm.missed) misses.push(`${id} ~- ${x}`);
  }
  if (looseMode) {
    const m = modelOf(id);
    const b = byModel.get(m) ?? { right: {}, count: {}, matched: 0, truth: 0, found: 0, docs: 0 };
    for (const [k, v] of Object.entries(ev.fields)) {
      b.count[k] = (b.count[k] ?? 0) + 1;
      if (v) b.right[k] = (b.right[k] ?? 0) + 1;
    }
    b.matched += es.matched;
    b.truth += es.truth;
    b.found += es.found;
    b.docs++;
    byModel.set(m, b);
  }
  // Simulator truth written before issue 14 has no appendix sections: compare like with like.
  const truthHasAppendix = JSON.stringify(truth.sections).includes('"Phụ lục');
  const gotNodes = nodes(truthHasAppendix ? doc.sections : doc.sections.filter((x) => x.style !== 'appendix'));
  const wantNodes = nodes(truth.sections);
  const s = f1(gotNodes, wantNodes);
  if (args.includes('--detail') && !looseMode && (s.fp || s.fn)) {
    for (const g of gotNodes) if (!wantNodes.includes(g)) misses.push(`${id}   + ${g}`);
    for (const w of wantNodes) if (!gotNodes.includes(w)) misses.push(`${id}   - ${w}`);
  }
  const t = f1(paths(gotNodes), paths(wantNodes));
  ttp += t.tp;
  tfp += t.fp;
  tfn += t.fn;
  tp += s.tp;
  fp += s.fp;
  fn += s.fn;
  if ((s.fp || s.fn) && !looseMode) misses.push(`${id} sections: ${s.tp} right, ${s.fp} extra, ${s.fn} missed`);
  perDoc.push({ id, wrong, sections: s });
}
const n = ids.length;
const pct = (x: number): string => `${((100 * x) / Math.max(1, n)).toFixed(1)} %`;
const precision = tp / Math.max(1, tp + fp);
const recall = tp / Math.max(1, tp + fn);
const sectionF1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
console.log(`${n} documents (${pages} pages) from ${dir}, text ${ext}`);
for (const f of FIELDS) console.log(`  ${f.padEnd(10)} ${pct(right[f]!)}`);
console.log(`  every field right: ${pct(allRight)}`);
console.log(`  section F1: ${sectionF1.toFixed(3)} (P ${precision.toFixed(3)}, R ${recall.toFixed(3)})`);
const tf1 = (2 * ttp) / Math.max(1, 2 * ttp + tfp + tfn);
console.log(`  section tree F1 (number paths only): ${tf1.toFixed(3)}`);
{
  const all = EVAL_FIELDS.reduce((a, k) => a + (evalRight[k] ?? 0), 0) / Math.max(1, EVAL_FIELDS.reduce((a, k) => a + (evalCount[k] ?? 0), 0));
  const per = EVAL_FIELDS.filter((k) => evalCount[k]).map((k) => `${k} ${((100 * (evalRight[k] ?? 0)) / evalCount[k]!).toFixed(0)}`);
  const ef1 = (2 * evalMatched) / Math.max(1, evalTruth + evalFound);
  console.log(`  as npm run eval measures: fields ${(100 * all).toFixed(1)} % (${per.join(', ')}), section F1 ${(100 * ef1).toFixed(1)} %`);
}
for (const [m, b] of [...byModel].sort(([a], [c]) => a.localeCompare(c))) {
  const fk = EVAL_FIELDS.filter((k) => k !== 'signerName' && b.count[k]);
  const all = fk.reduce((a, k) => a + (b.right[k] ?? 0), 0) / Math.max(1, fk.reduce((a, k) => a + b.count[k]!, 0));
  const f1m = (2 * b.matched) / Math.max(1, b.truth + b.found);
  console.log(`  ${m.padEnd(16)} ${String(b.docs).padStart(3)} docs  fields (no signer) ${(100 * all).toFixed(1)} %  section F1 ${(100 * f1m).toFixed(1)} %  ${fk.filter((k) => (b.right[k] ?? 0) < b.count[k]!).map((k) => `${k} ${b.right[k] ?? 0}/${b.count[k]}`).join(', ')}`);
}
console.log(`  extract: ${(ms / Math.max(1, pages)).toFixed(2)} ms/page`);
if (show > 0) for (const m of misses.slice(0, show)) console.log(`  - ${m.slice(0, 400)}`);
const json = opt('--json', '');
if (json) writeFileSync(json, JSON.stringify({ dir, ext, documents: n, pages, fields: right, allRight, sectionF1, treeF1: tf1, precision, recall, perDoc }, null, 2) + '\n');
