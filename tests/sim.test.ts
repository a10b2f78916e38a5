/**
 * The simulator (scripts/sim) and `npm run eval` (scripts/eval.ts): determinism,
 * the frozen test split, ground truth against the layout, every type, and one
 * small end-to-end evaluation. Needs ../shared/corpus (the simulator writes
 * held-out corpus text); skipped, saying so, without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable } from '../scripts/lib/corpus.js';
import { mulberry32 } from '../scripts/fixtures/random.js';
import { DOC_KINDS, makeDocument } from '../scripts/sim/content.js';
import { CACHE, ensureDocument, generateDocument, plan, sha256, GENERATOR_VERSION } from '../scripts/sim/generate.js';
import { drawParams, layoutDocument, pageText } from '../scripts/sim/layout.js';
import { MANIFEST, type TestManifest } from '../scripts/sim/manifest.js';
import { loadPool } from '../scripts/sim/pool.js';
import { truthOf } from '../scripts/sim/truth.js';
import { compareSections, rowOrderReference, scorePage, spearman } from '../scripts/eval.js';

const corpus = corpusAvailable();

describe.skipIf(!corpus)('document simulator (needs ../shared/corpus)', () => {
  it('writes the same bytes from the same seed', async () => {
    // A one-page document on a cheap scan model keeps this fast.
    const e = plan('dev').find((x) => x.size <= 4 && x.model === 'low-res-grey')!;
    const a = await generateDocument('dev', e);
    const b = await generateDocument('dev', e);
    expect(a.gt).toBe(b.gt);
    expect(a.truth).toBe(b.truth);
    expect(sha256(a.input.bytes)).toBe(sha256(b.input.bytes));
    expect(JSON.stringify(a.meta)).toBe(JSON.stringify(b.meta));
  });

  it('keeps the frozen test split: regenerated documents match the manifest hashes', async () => {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as TestManifest;
    expect(m.generatorVersion).toBe(GENERATOR_VERSION);
    expect(m.documents).toBeGreaterThanOrEqual(80);
    expect(m.pages).toBeGreaterThanOrEqual(120);
    const byId = new Map(plan('test').map((e) => [e.id, e]));
    // Two one-page documents at the lowest resolutions: the cheapest to regenerate.
    const cheap = m.entries.filter((x) => x.pages === 1 && x.scanModel !== 'phone-photo').sort((a, b) => a.dpi - b.dpi || a.id.localeCompare(b.id));
    for (const entry of cheap.slice(0, 2)) {
      const g = await generateDocument('test', byId.get(entry.id)!);
      expect(sha256(g.gt), entry.id).toBe(entry.gtSha256);
      expect(sha256(g.truth), entry.id).toBe(entry.truthSha256);
    }
  });

  it('covers every type, font and scan model in the test split, with a font and a model dev never uses', () => {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as TestManifest;
    const dev = plan('dev');
    const test = plan('test');
    expect(new Set(m.entries.map((e) => e.type)).size).toBeGreaterThanOrEqual(8);
    const devFonts = new Set(dev.map((e) => e.font));
    const devModels = new Set(dev.map((e) => e.model));
    expect(test.some((e) => !devFonts.has(e.font))).toBe(true);
    expect(test.some((e) => !devModels.has(e.model))).toBe(true);
    for (const v of ['blank-number', 'blank-day', 'appendix', 'closing-alone', 'addressee-list', 'addressee-inline', 'title-1', 'title-4', 'seal', 'handwriting', 'issued-with']) {
      expect(m.entries.some((e) => e.variants.includes(v)), v).toBe(true);
    }
  });

  it('plans dev2 from dev fonts and dev scan models only, long chaptered kinds, ids apart from dev', () => {
    const dev = plan('dev');
    const dev2 = plan('dev2');
    const devFonts = new Set(dev.map((e) => e.font));
    const devModels = new Set(dev.map((e) => e.model));
    expect(dev2.every((e) => devFonts.has(e.font) && devModels.has(e.model))).toBe(true);
    expect(dev2.every((e) => ['QC', 'NQ', 'TTR', 'QD'].includes(e.kind) && e.size >= 12)).toBe(true);
    const devIds = new Set(dev.map((e) => e.id));
    expect(dev2.some((e) => devIds.has(e.id))).toBe(false);
    expect(new Set(dev2.map((e) => e.seed)).size).toBe(dev2.length);
  });

  it('plans dev3 from dev fonts and models, every seed a different set of documents, never test documents', () => {
    const dev = plan('dev');
    const devFonts = new Set(dev.map((e) => e.font));
    const devModels = new Set(dev.map((e) => e.model));
    const a = plan('dev3');
    const b = plan('dev3', 7);
    expect(a.every((e) => devFonts.has(e.font) && devModels.has(e.model))).toBe(true);
    const seeds = new Set([...dev, ...plan('test')].map((e) => e.seed));
    expect(a.some((e) => seeds.has(e.seed))).toBe(false);
    expect(b.some((e) => a.some((x) => x.seed === e.seed))).toBe(false);
  });

  it('lays out all 8 types with their own blocks, and the page gt is the layout lines', () => {
    const pool = loadPool('dev', CACHE);
    for (const [i, kind] of DOC_KINDS.entries()) {
      const rnd = mulberry32(1000 + i);
      const doc = makeDocument(rnd, pool, { kind, size: 8, year: 2025 });
      const pages = layoutDocument(doc, drawParams(rnd, 'arimo'));
      const truth = truthOf(doc);
      const text = pages.map(pageText).join('\f');
      expect(text.normalize('NFC')).toBe(text);
      expect(text).not.toMatch(/ {2}|\n\n/);
      expect(text.split('\f').every((p) => p.endsWith('\n'))).toBe(true);
      expect(text).toContain(kind === 'CV' ? 'V/v ' : truth.type);
      if (kind === 'QD') expect(text).toContain('QUYẾT ĐỊNH:');
      if (kind === 'NQ') expect(text).toContain('QUYẾT NGHỊ:');
      if (kind === 'QD' || kind === 'NQ') expect(truth.authority).toBeTruthy();
      if (kind === 'QC') expect(text).toMatch(/^Chương I$/m);
      if (kind === 'CV' || kind === 'TTR') expect(text).toContain('Kính gửi:');
      expect(truth.sections.length).toBeGreaterThan(0);
      // Every body sentence comes from the held-out pool, never from the fixtures' Tinos template.
      expect(text).toContain(truth.signer.name);
    }
  });

  it('writes gt lines that match the meta, with boxes inside the stored image', async () => {
    const e = plan('dev').find((x) => x.size <= 4 && x.model === 'low-res-grey')!;
    const meta = await ensureDocument('dev', e, join(CACHE, 'dev'));
    const gt = readFileSync(join(CACHE, 'dev', `${e.id}.gt.txt`), 'utf8').split('\f');
    expect(gt.length).toBe(meta.pageCount);
    meta.pages.forEach((p, i) => {
      expect(p.lines.map((l) => l.text).join('\n') + '\n').toBe(gt[i]);
      for (const l of p.lines) {
        expect(l.bbox[0]).toBeGreaterThanOrEqual(0);
        expect(l.bbox[2]).toBeLessThanOrEqual(p.width);
        expect(l.bbox[3]).toBeLessThanOrEqual(p.height);
        expect(l.bbox[2]).toBeGreaterThan(l.bbox[0]);
      }
    });
  });
});

describe('eval scoring helpers', () => {
  it('accepts the header read row by row as well as column by column', () => {
    const page = 'UBND TỈNH X\nSỞ Y TẾ\nSố: 12/SYT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nX, ngày 01 tháng 02 năm 2024\nNội dung.\n';
    const rows = rowOrderReference(page, null)!;
    expect(rows.split('\n').slice(0, 2)).toEqual(['UBND TỈNH X', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']);
    const read = 'UBND TỈNH X CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ Y TẾ Độc lập - Tự do - Hạnh phúc\nSố: 12/SYT X, ngày 01 tháng 02 năm 2024\nNội dung.\n';
    const s = scorePage(read, page, rows);
    expect(s.order).toBe('rows');
    expect(s.cer).toBe(0);
    expect(scorePage(page, page, rows).order).toBe('columns');
  });

  it('matches sections by numbering path and title', () => {
    const want = [{ number: 'I', title: 'MỤC ĐÍCH', children: [{ number: '1', title: 'Mục đích', children: [] }] }];
    expect(compareSections(want, want)).toEqual({ truth: 2, found: 2, matched: 2 });
    expect(compareSections([{ number: 'I', title: 'MỤC ĐÍCH', children: [] }], want)).toEqual({ truth: 2, found: 1, matched: 1 });
    expect(compareSections([{ number: 'II', title: 'MỤC ĐÍCH', children: [] }], want).matched).toBe(0);
  });

  it('ranks with Spearman', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

describe.skipIf(!corpus)('npm run eval end to end (needs ../shared/corpus)', () => {
  it('scores one small dev page through the pipeline and raw tesseract.js', async () => {
    const { Pipeline } = await import('../src/pipeline.js');
    const { createRawWorker, evaluateItem, simItems, summarize } = await import('../scripts/eval.js');
    const e = plan('dev').find((x) => x.size <= 4 && x.model === 'low-res-grey')!;
    const meta = await ensureDocument('dev', e, join(CACHE, 'dev'));
    expect(existsSync(join(CACHE, 'dev', meta.file))).toBe(true);
    const pipeline = await Pipeline.create({ jobs: 1 });
    const raw = await createRawWorker();
    try {
      const { pages, doc } = await evaluateItem(simItems('dev', [meta])[0]!, pipeline, raw);
      expect(pages.length).toBe(meta.pageCount);
      for (const p of pages) {
        expect(Number.isFinite(p.pipeline.cer)).toBe(true);
        expect(Number.isFinite(p.raw!.cer)).toBe(true);
        expect(p.pipeline.chars).toBeGreaterThan(100);
        expect(p.quality.score).toBeGreaterThanOrEqual(0);
      }
      // OCR of a real page reads most of it: far from an empty or garbage hypothesis.
      expect(pages[0]!.raw!.cer).toBeLessThan(0.6);
      expect(Object.keys(doc.fields)).toEqual(expect.arrayContaining(['agency', 'number', 'date', 'type', 'title', 'signerName']));
      const s = summarize(pages, [doc]);
      expect(s.pages).toBe(pages.length);
      expect(typeof s.cer).toBe('number');
    } finally {
      await pipeline.close();
      await raw.terminate();
    }
  }, 600_000); // ~15 s on an idle 2-core machine; generous for a loaded one
});
