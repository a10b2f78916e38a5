/**
 * Evaluates the restorer on held-out corpus text and on the seed OCR page.
 *
 *   npm run eval:restore [-- --syllables 30000]
 *
 * (a) all marks stripped → syllable accuracy, admin and general;
 * (b) stripped + synthetic OCR garbles (confusion table) on 5 % / 15 % of syllables;
 * (c) correct text → share of syllables left unchanged;
 * (d) seed 004 OCR page → CER against fixtures/restore/004.truth.txt;
 * each beside a most-frequent-form baseline; plus speed and peak RSS.
 * Accuracy compares normalizeKey forms (case and tone placement style ignored).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cer } from '../src/quality/index.js';
import { getModel, type LanguageModel } from '../src/restore/lm.js';
import { corpusAvailable, corpusFiles, splitLines, type CorpusDomain } from './lib/corpus.js';
import { tokenize, type Token } from '../src/restore/tokenize.js';
import { applyCase, baseForm, normalizeKey } from '../src/restore/orthography.js';
import { getLearnedConfusions } from '../src/restore/channel.js';
import { restore } from '../src/restore/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Deterministic PRNG (the same noise every run). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Held-out lines of a domain, spread over its files, up to about `syllables` words. */
export function heldoutSample(domain: CorpusDomain, syllables: number): string[] {
  const files = corpusFiles(domain);
  const out: string[] = [];
  let total = 0;
  files.forEach((f, i) => {
    // Even shares; a file with too little held-out text leaves its share to the rest.
    const quota = (syllables - total) / (files.length - i);
    let n = 0;
    for (const line of splitLines(f, 'heldout')) {
      out.push(line);
      n += tokenize(line).filter((t) => t.kind === 'word').length;
      if (n >= quota) break;
    }
    total += n;
  });
  return out;
}

/** Replaces every word by its mark-less base, keeping case ("Độc" → "Doc"). */
export function stripMarks(text: string): string {
  return tokenize(text)
    .map((t) => (t.kind === 'word' ? baseForm(t.text) : t.text))
    .join('');
}

/** Most-frequent-form baseline: each word → the commonest vocabulary form of its base. */
export function baselineRestore(model: LanguageModel, text: string): string {
  return tokenize(text)
    .map((t) => {
      if (t.kind !== 'word') return t.text;
      const best = model.formsOfBase(baseForm(normalizeKey(t.text)))[0];
      return best === undefined ? t.text : applyCase(t.text, model.symbol(best));
    })
    .join('');
}

/**
 * Confusion entries usable for noise: [obs, truth, p] where the truth chunk has letters.
 * Only the learned table (OCR of rendered training lines), never the hand list, whose
 * look-alikes were partly read off the seed page. The decoder scores with the same
 * learned odds, so the garbled figures are in-sample for the channel.
 */
function noiseEntries(): Array<[string, string, number]> {
  const out: Array<[string, string, number]> = [];
  for (const [key, p] of getLearnedConfusions()) {
    const [obs = '', truth = ''] = key.split('\t');
    if (!truth || obs === baseForm(truth)) continue; // plain mark loss is not a garble
    // Letter-level garbles only: a chunk that adds punctuation or spaces would
    // change the tokenization, which this per-word measure cannot score.
    if (!/^[\p{L}0146]{1,2}$/u.test(obs) || [...truth].length > 2) continue;
    out.push([obs, truth, p]);
  }
  return out;
}

/** Stripped text where a share of words carries an OCR-like garble from the confusion table. */
export function garble(text: string, rate: number, rand: () => number): string {
  const entries = noiseEntries();
  return tokenize(text)
    .map((t) => {
      if (t.kind !== 'word') return t.text;
      if (rand() >= rate) return baseForm(t.text);
      const lower = t.text.toLowerCase();
      const fits = entries.filter(([, truth]) => lower.includes(truth));
      if (fits.length === 0) return baseForm(t.text);
      let z = 0;
      for (const e of fits) z += 10 ** e[2];
      let r = rand() * z;
      let pick = fits[0] as [string, string, number];
      for (const e of fits) {
        r -= 10 ** e[2];
        if (r <= 0) {
          pick = e;
          break;
        }
      }
      const at = lower.indexOf(pick[1]);
      const orig = t.text;
      const noisy = baseForm(orig.slice(0, at)) + pick[0] + baseForm(orig.slice(at + pick[1].length));
      return orig === orig.toUpperCase() && orig.length > 1 ? noisy.toUpperCase() : noisy;
    })
    .join('');
}

function words(text: string): Token[] {
  return tokenize(text).filter((t) => t.kind === 'word');
}

function lcs(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = [0];
    for (let j = 1; j <= b.length; j++) cur[j] = x === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Share of truth words whose output word matches (normalizeKey), by position. */
export function syllableAccuracy(outputs: string[], truths: string[]): { correct: number; total: number } {
  let correct = 0;
  let total = 0;
  outputs.forEach((out, i) => {
    const a = words(out);
    const b = words(truths[i] ?? '');
    if (a.length !== b.length) {
      // Tokenization changed (a garble split or joined words): count the longest common subsequence.
      total += b.length;
      correct += lcs(a.map((t) => normalizeKey(t.text)), b.map((t) => normalizeKey(t.text)));
      return;
    }
    b.forEach((w, k) => {
      total++;
      if (normalizeKey((a[k] as Token).text) === normalizeKey(w.text)) correct++;
    });
  });
  return { correct, total };
}

/** Share of words left byte-identical. */
export function unchangedRate(outputs: string[], inputs: string[]): { same: number; total: number } {
  let same = 0;
  let total = 0;
  outputs.forEach((out, i) => {
    const a = words(out);
    const b = words(inputs[i] ?? '');
    if (a.length !== b.length) {
      // A word split or joined: the rest of the line is compared by common subsequence.
      total += b.length;
      same += lcs(a.map((t) => t.text), b.map((t) => t.text));
      return;
    }
    b.forEach((w, k) => {
      total++;
      if ((a[k] as Token).text === w.text) same++;
    });
  });
  return { same, total };
}

const pct = (n: number, d: number): string => `${((100 * n) / Math.max(1, d)).toFixed(2)}%`;

async function main(): Promise<void> {
  const argIdx = process.argv.indexOf('--syllables');
  const target = argIdx >= 0 ? Number(process.argv[argIdx + 1]) : 30000;
  const t0 = performance.now();
  const model = getModel();
  model.formsOfBase('a');
  await runEval(model, target, performance.now() - t0);
}

/** All figures for one model; `loadMs` is how long loading it took. */
export async function runEval(model: LanguageModel, target: number, loadMs: number): Promise<void> {
  const t0 = performance.now() - loadMs;
  restore('khoi dong', { model }); // builds the fuzzy index once
  const warmMs = performance.now() - t0;
  console.log(`model loaded in ${loadMs.toFixed(0)} ms (with restore index ${warmMs.toFixed(0)} ms)`);

  // (d) seed page first: it needs no corpus.
  const ocr = readFileSync(`${root}fixtures/restore/004.ocr.txt`, 'utf8');
  const truth = readFileSync(`${root}fixtures/restore/004.truth.txt`, 'utf8');
  const restored = restore(ocr, { model }).text;
  console.log(
    `seed 004 CER: OCR ${(100 * cer(ocr, truth)).toFixed(2)}% → restored ${(100 * cer(restored, truth)).toFixed(2)}%` +
      ` (baseline most-frequent-form ${(100 * cer(baselineRestore(model, ocr), truth)).toFixed(2)}%)`,
  );

  if (!corpusAvailable()) {
    console.log('corpus (../shared/corpus) not found: held-out figures skipped');
    return;
  }
  let syl = 0;
  let cpuUs = 0;
  /** Restores and, for the stripped runs, counts CPU time (robust on a shared machine). */
  const timed = (text: string): string => {
    const c = process.cpuUsage();
    const out = restore(text, { model }).text;
    const d = process.cpuUsage(c);
    cpuUs += d.user + d.system;
    syl += words(text).length;
    return out;
  };
  const plain = (text: string): string => restore(text, { model }).text;
  for (const domain of ['admin', 'general'] as const) {
    const lines = heldoutSample(domain, target);
    const stripped = lines.map(stripMarks);
    const out = stripped.map(timed);
    const acc = syllableAccuracy(out, lines);
    const base = syllableAccuracy(stripped.map((l) => baselineRestore(model, l)), lines);
    console.log(
      `[${domain}] (a) stripped: accuracy ${pct(acc.correct, acc.total)} of ${acc.total} syllables` +
        ` (baseline ${pct(base.correct, base.total)})`,
    );
    for (const rate of [0.05, 0.15]) {
      const rand = rng(rate === 0.05 ? 5 : 15);
      const noisy = lines.map((l) => garble(l, rate, rand));
      const nout = noisy.map(plain);
      const nacc = syllableAccuracy(nout, lines);
      const nbase = syllableAccuracy(noisy.map((l) => baselineRestore(model, l)), lines);
      console.log(
        `[${domain}] (b) stripped + ${rate * 100}% OCR garbles: accuracy ${pct(nacc.correct, nacc.total)}` +
          ` (baseline ${pct(nbase.correct, nbase.total)})`,
      );
    }
    const kept = unchangedRate(lines.map(plain), lines);
    const keptBase = unchangedRate(lines.map((l) => baselineRestore(model, l)), lines);
    console.log(
      `[${domain}] (c) correct text unchanged: ${pct(kept.same, kept.total)} of ${kept.total} syllables` +
        ` (baseline ${pct(keptBase.same, keptBase.total)})`,
    );
  }
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `speed (a), first pass, candidate cache cold: ${Math.round(syl / (cpuUs / 1e6))} syllables per CPU-second (one core, after loading); peak RSS ${rssMiB.toFixed(0)} MiB`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
