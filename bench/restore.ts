/**
 * Restorer speed: model load time, syllables per CPU-second on accent-stripped text
 * and on the seed OCR page (one core, after loading), peak RSS. Uses committed fixtures only
 * (plus held-out corpus lines when ../shared/corpus is there).
 */
import { readFileSync } from 'node:fs';
import { loadModel } from '../src/restore/lm.js';
import { warmChannel } from '../src/restore/channel.js';
import { restore } from '../src/restore/index.js';
import { tokenize } from '../src/restore/tokenize.js';
import { baseForm } from '../src/restore/orthography.js';
import { corpusAvailable } from '../src/restore/corpus.js';

const wordCount = (text: string): number => tokenize(text).filter((t) => t.kind === 'word').length;
const strip = (text: string): string =>
  tokenize(text)
    .map((t) => (t.kind === 'word' ? baseForm(t.text) : t.text))
    .join('');

export async function benchRestore(): Promise<Record<string, number>> {
  const t0 = performance.now();
  const model = loadModel();
  model.formsOfBase('a');
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  warmChannel(model);
  const indexMs = performance.now() - t1;

  const truth = readFileSync(new URL('../fixtures/restore/004.truth.txt', import.meta.url), 'utf8');
  const ocr = readFileSync(new URL('../fixtures/restore/004.ocr.txt', import.meta.url), 'utf8');
  let lines = truth.split('\n').filter(Boolean);
  if (corpusAvailable()) {
    const { heldoutSample } = await import('../scripts/eval-restore.js');
    lines = heldoutSample('admin', 20000);
  }
  const stripped = lines.map(strip);
  const syllables = stripped.reduce((n, l) => n + wordCount(l), 0);
  // CPU time of this thread, not wall time: the figure should not depend on what
  // else the machine runs. The first pass fills the candidate cache (as a batch of
  // documents does); the second shows the steady state.
  const cpuMs = (fn: () => void): number => {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    return (d.user + d.system) / 1000;
  };
  const coldMs = cpuMs(() => stripped.forEach((l) => restore(l, { model })));
  const warmMs = cpuMs(() => stripped.forEach((l) => restore(l, { model })));
  const seedColdMs = cpuMs(() => restore(ocr, { model }));
  const seedWarmMs = cpuMs(() => restore(ocr, { model }));

  return {
    modelLoadMs: loadMs,
    fuzzyIndexMs: indexMs,
    strippedSyllables: syllables,
    strippedSyllablesPerSecCold: syllables / (coldMs / 1000),
    strippedSyllablesPerSecWarm: syllables / (warmMs / 1000),
    seedPageMsCold: seedColdMs,
    seedPageMsWarm: seedWarmMs,
    seedSyllablesPerSecWarm: wordCount(ocr) / (seedWarmMs / 1000),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

export default benchRestore;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const figures = await benchRestore();
  for (const [k, v] of Object.entries(figures)) console.log(`[restore] ${k}: ${+v.toFixed(1)}`);
}
