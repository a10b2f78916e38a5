/**
 * How well the LM alone puts the accents back: held-out corpus lines are stripped
 * of all marks (đ → d) and restored by a beam search over formsOfBase() candidates,
 * scored only by the LM. Prints syllable accuracy per domain. Needs ../shared/corpus.
 *
 *   npx tsx scripts/eval-lm.ts [model.bin] [--lines 400] [--beam 8] [--context 3] [--file congbao] [--errors 30]
 */
import { corpusFiles, splitLines, type CorpusDomain } from './lib/corpus.js';
import { loadModel, type LanguageModel } from '../src/restore/lm.js';
import { baseForm } from '../src/restore/orthography.js';
import { lmSymbolsAligned, tokenize } from '../src/restore/tokenize.js';

const args = process.argv.slice(2);
const opt = (name: string, d: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : d;
};
const path = args[0] && !args[0].startsWith('--') ? args[0] : undefined;
const LINES = Number(opt('lines', '400'));
const BEAM = Number(opt('beam', '8'));
const model = loadModel(path);
/** Context words the decoder keeps (default: order - 1). */
const CONTEXT = Number(opt('context', String(model.order - 1)));
/** Only corpus files whose name contains this. */
const FILE = opt('file', '');
/** Print this many confusions (truth → chosen) per domain, most frequent first. */
const SHOW = Number(opt('errors', '0'));

interface Hyp {
  ctx: number[];
  score: number;
  out: number[];
}

/** Restores one sentence of symbol ids; slots with several candidates are the stripped words. */
function decode(m: LanguageModel, slots: number[][]): number[] {
  let beam: Hyp[] = [{ ctx: [m.bos], score: 0, out: [] }];
  for (const cands of slots) {
    const next = new Map<string, Hyp>();
    for (const h of beam) {
      for (const c of cands) {
        const score = h.score + m.logProb(h.ctx, c);
        const ctx = [...h.ctx, c].slice(-CONTEXT);
        const key = ctx.join(',');
        const old = next.get(key);
        if (old === undefined || old.score < score) next.set(key, { ctx, score, out: [...h.out, c] });
      }
    }
    beam = [...next.values()].sort((a, b) => b.score - a.score).slice(0, BEAM);
  }
  return beam[0]!.out;
}

for (const domain of ['admin', 'general'] as CorpusDomain[]) {
  const lines: string[] = [];
  for (const f of corpusFiles(domain)) if (f.name.includes(FILE)) for (const l of splitLines(f, 'heldout')) lines.push(l);
  if (lines.length === 0) continue;
  const step = Math.max(1, Math.floor(lines.length / LINES));
  let words = 0;
  let right = 0;
  let stripRight = 0;
  const confusions = new Map<string, number>();
  const t0 = performance.now();
  for (let li = 0; li < lines.length; li += step) {
    const { symbols } = lmSymbolsAligned(tokenize(lines[li]!));
    let slots: number[][] = [];
    let truth: number[] = [];
    const flush = (): void => {
      if (slots.length === 0) return;
      const out = decode(model, slots);
      out.forEach((id, i) => {
        if (slots[i]!.length < 2 && model.symbol(truth[i]!) === baseForm(model.symbol(truth[i]!))) return;
        if (truth[i] === model.unk || model.symbol(truth[i]!).startsWith('<')) return;
        words++;
        if (id === truth[i]) right++;
        else {
          const k = `${model.symbol(truth[i]!)} → ${model.symbol(id)}`;
          confusions.set(k, (confusions.get(k) ?? 0) + 1);
        }
        if (model.symbol(truth[i]!) === baseForm(model.symbol(truth[i]!))) stripRight++;
      });
      slots = [];
      truth = [];
    };
    for (const s of symbols) {
      if (s === '<s>') continue;
      if (s === '</s>') {
        slots.push([model.eos]);
        truth.push(model.eos);
        flush();
        continue;
      }
      const id = model.id(s);
      const forms = s.startsWith('<') ? [] : model.formsOfBase(baseForm(s));
      slots.push(forms.length > 0 ? forms.slice(0, 12) as number[] : [id]);
      truth.push(id);
    }
    flush();
  }
  const ms = performance.now() - t0;
  console.log(
    `${domain}: ${words} words, LM-only restoration accuracy ${((100 * right) / words).toFixed(2)}% ` +
      `(stripped text as is: ${((100 * stripRight) / words).toFixed(2)}%), ${(ms / 1000).toFixed(1)} s`,
  );
  if (SHOW > 0) {
    const top = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, SHOW);
    console.log(top.map(([k, n]) => `  ${n}× ${k}`).join('\n'));
  }
}
