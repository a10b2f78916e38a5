/**
 * Checks the committed quality model on held-out synthetic pages (never fitted on),
 * clean to unreadable:
 *
 *   npm run eval:quality [-- --samples 600]
 *
 * Prints Spearman's correlation of the estimate with the true CER (target ≤ −0.85), the
 * mean absolute error of 1 − score against CER (≤ 0.05), and flagging at the model's
 * threshold: bad pages (CER > 10 %) caught (≥ 90 %) and good pages (CER < 3 %) flagged (≤ 20 %).
 * OCR results are cached (see bench/quality-synth.ts), so only the first run OCRs.
 * Exit code 1 when a target is missed.
 */
import { estimate } from '../src/quality/estimate.js';
import { loadQualityModel, type QualityModelFile } from '../src/quality/model.js';
import { score } from '../src/quality/score.js';
import { collectSamples, estimateMetrics, type EstimateMetrics, type SynthSample } from '../bench/quality-synth.js';

function report(label: string, m: EstimateMetrics): string {
  return (
    `${label.padEnd(32)} n=${String(m.n).padStart(3)}  spearman ${m.spearman.toFixed(3)}  MAE ${m.mae.toFixed(4)}  ` +
    `caught ${(100 * m.caught).toFixed(0)}% of ${m.badPages} (CER>10%)  flagged ${(100 * m.falseAlarms).toFixed(0)}% of ${m.goodPages} (CER<3%)`
  );
}

function evaluate(samples: readonly SynthSample[], withConfidences: boolean, model: QualityModelFile): EstimateMetrics {
  const scores: number[] = [];
  const cers: number[] = [];
  for (const s of samples) {
    const page = withConfidences ? { text: s.text, words: s.words, width: s.width, height: s.height, dpi: s.dpi } : { text: s.text };
    scores.push(estimate(page, { model }).score);
    cers.push(Math.min(1, score(s.text, s.truth).cer));
  }
  return estimateMetrics(scores, cers, model.threshold);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--samples');
  const count = at >= 0 ? Number(args[at + 1]) : 600;
  const model = loadQualityModel();
  const samples = (await collectSamples(count, (m) => process.stderr.write(`${m}\n`))).filter((s) => s.split === 'holdout');
  process.stdout.write(`held-out synthetic pages (Tinos, tesseract.js vie, clean → heavy degradation), threshold ${model.threshold}\n`);
  // What a page gets in practice: the first model its data allows.
  const full = evaluate(samples, true, model);
  process.stdout.write(`${report('as used (OCR words)', full)}\n`);
  process.stdout.write(`${report('as used (plain text)', evaluate(samples, false, model))}\n`);
  // Each model alone, to see what the fallbacks are worth.
  for (const m of model.models) {
    const usesConf = m.terms.some((t) => t.startsWith('conf') || t.endsWith('ConfShare'));
    process.stdout.write(`${report(`  model ${m.name}`, evaluate(samples, usesConf, { ...model, models: [m] }))}\n`);
  }
  const pass = full.spearman <= -0.85 && full.mae <= 0.05 && full.caught >= 0.9 && full.falseAlarms <= 0.2;
  process.stdout.write(`targets (spearman ≤ −0.85, MAE ≤ 0.05, caught ≥ 90%, flagged good ≤ 20%): ${pass ? 'met' : 'MISSED'}\n`);
  if (!pass) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
