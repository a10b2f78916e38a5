/**
 * The committed quality model on cached pipeline pages of the simulator's test split or
 * the real scans (never fitted on): Spearman of estimated against real CER, the share of
 * pages with CER > 5 % flagged, the share of pages with CER < 1 % flagged, and per page
 * the estimate, its interval and its reasons.
 *
 *   npx tsx scripts/quality-sim-cache.ts --real ../shared/realscans --gt fixtures/realscans --out /tmp/quality-cache/real
 *   npx tsx scripts/eval-quality.ts /tmp/quality-cache/real [--pages] [--model FILE]
 *
 * `--model FILE` evaluates another model file (one written by calibrate-quality.ts --out).
 */
import { pathToFileURL } from 'node:url';
import { estimateDocument } from '../src/quality/estimate.js';
import { loadQualityModel, type QualityModelFile } from '../src/quality/model.js';
import { flagMetrics, type FlagMetrics } from './calibrate-quality.js';
import { cachedInput, readCache, type CachedPage } from './quality-sim-cache.js';

/** A model on cached pages, each document estimated as the pipeline does (pages in order, its catalogue fields). */
export function evaluatePages(pages: readonly CachedPage[], model: QualityModelFile = loadQualityModel()): { metrics: FlagMetrics; lines: string[]; documents: number } {
  const byDoc = new Map<string, CachedPage[]>();
  for (const p of pages) byDoc.set(p.id, [...(byDoc.get(p.id) ?? []), p]);
  const cers: number[] = [];
  const est: number[] = [];
  const flagged: boolean[] = [];
  const lines: string[] = [];
  const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
  for (const [id, ps] of byDoc) {
    ps.sort((a, b) => a.page - b.page);
    const doc = estimateDocument(ps.map(cachedInput), { catalogue: ps[0]!.document, model });
    doc.pages.forEach((e, i) => {
      const p = ps[i]!;
      cers.push(p.cer);
      est.push(e.cer);
      flagged.push(e.needsReview);
      lines.push(
        `${id} p${p.page} ${p.scanModel}: CER ${pct(p.cer)}, estimated ${pct(e.cer)} (${pct(e.cerInterval[0])}–${pct(e.cerInterval[1])}), ` +
          `${e.needsReview ? 'FLAGGED' : 'not flagged'}${e.reasons.length ? `: ${e.reasons.join('; ')}` : ''}`,
      );
    });
    const docReasons = doc.reasons.filter((r) => !r.startsWith('page '));
    if (docReasons.length > 0) lines.push(`${id}: ${docReasons.join('; ')}`);
  }
  return { metrics: flagMetrics(cers, est, flagged), lines, documents: byDoc.size };
}

/** One line of figures, as the README quotes them. */
export function metricsLine(label: string, m: FlagMetrics, documents: number): string {
  const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
  return (
    `${label}: ${m.n} pages of ${documents} documents; Spearman ${m.spearman.toFixed(3)}; MAE ${pct(m.mae)}; ` +
    `flagged ${pct(m.caught)} of ${m.bad} pages with CER > 5 %; ${pct(m.falseAlarms)} of ${m.good} pages with CER < 1 %`
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const modelAt = args.indexOf('--model');
  const modelPath = modelAt >= 0 ? args[modelAt + 1] : undefined;
  const dir = args.find((a, i) => !a.startsWith('--') && !(modelAt >= 0 && i === modelAt + 1));
  if (!dir) throw new Error('usage: npx tsx scripts/eval-quality.ts <cache folder> [--pages] [--model FILE]');
  const pages = readCache(dir);
  const { metrics, lines, documents } = evaluatePages(pages, modelPath ? loadQualityModel(modelPath) : loadQualityModel());
  if (args.includes('--pages')) process.stdout.write(`${lines.join('\n')}\n`);
  const splits = [...new Set(pages.map((p) => p.split))].join(', ');
  process.stdout.write(`${metricsLine(splits, metrics, documents)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
