import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVanbanError } from '../src/errors.js';
import { corpusAvailable, corpusFiles, splitLines } from '../scripts/lib/corpus.js';
import { getModel, loadModel, type LanguageModel } from '../src/restore/lm.js';
import { dequantizeProb, type ModelHeader } from '../src/restore/lm-format.js';
import { isValidSyllable } from '../src/restore/orthography.js';
import { lmSymbols, tokenize } from '../src/restore/tokenize.js';

const model = getModel();

/** log10 P(sentence) under the model, as the decoder would score it. */
function score(m: LanguageModel, text: string): number {
  const ids = lmSymbols(tokenize(text)).map((s) => m.id(s));
  let lp = 0;
  for (let i = 1; i < ids.length; i++) lp += m.logProb(ids.slice(Math.max(0, i - m.order + 1), i), ids[i]!);
  return lp;
}

function massAfter(m: LanguageModel, context: number[]): number {
  let sum = 0;
  const v = model.info.vocabSize;
  for (let w = 0; w < v; w++) if (w !== m.bos) sum += 10 ** m.logProb(context, w);
  return sum;
}

describe('committed language model', () => {
  it('loads with its special symbols', () => {
    expect(model.order).toBeGreaterThanOrEqual(3);
    expect(new Set([model.bos, model.eos, model.unk]).size).toBe(3);
    expect(model.symbol(model.bos)).toBe('<s>');
    expect(model.id('<num>')).not.toBe(model.unk);
    expect(model.id('qwzx')).toBe(model.unk);
    expect(model.symbol(model.id('tháng'))).toBe('tháng');
    expect(model.count(model.id('của'))).toBeGreaterThan(model.count(model.id('cửa')));
    expect(model.info.vocabSize).toBeGreaterThan(5000);
  });

  it('is a probability distribution after several contexts', () => {
    const ids = (s: string): number[] => s.split(' ').map((w) => model.id(w));
    for (const ctx of [[], [model.bos], ids('ủy ban'), [model.bos, ...ids('căn cứ')], ids('kế hoạch số'), ids('qwzx tháng'), [model.unk, model.unk]]) {
      expect(Math.abs(massAfter(model, ctx) - 1)).toBeLessThan(1e-2);
    }
  });

  it('prefers the correctly accented in-domain phrase over stripped or garbled variants', () => {
    const good = score(model, 'Tháng hành động vì trẻ em');
    for (const bad of [
      'Thang hanh dong vi tre em',
      'Tháng hành động vì tre em',
      'Thắng hạnh đông vị trê êm',
      'Trẻ em vì hành động tháng',
      'Tháng hánh đồng vì trẻ em',
    ]) {
      expect(good).toBeGreaterThan(score(model, bad));
    }
    expect(score(model, 'Ủy ban nhân dân tỉnh')).toBeGreaterThan(score(model, 'Ủy ban nhân dần tính'));
    // Both tone placements map to the same key.
    expect(score(model, 'Uỷ ban nhân dân')).toBeCloseTo(score(model, 'Ủy ban nhân dân'), 9);
  });

  it('reads back every stored n-gram it is asked for (sampled from the file itself)', () => {
    // The loader rehashes the tables and puts a filter in front of them: both must stay exact.
    const buf = gunzipSync(readFileSync(join(import.meta.dirname, '../dictionaries/vi-lm.bin.gz')));
    const header = JSON.parse(buf.toString('utf8', 12, 12 + buf.readUInt32LE(8))) as ModelHeader;
    const u32 = (s: { offset: number }, i: number): number => buf.readUInt32LE(s.offset + 4 * i);
    const u16 = (s: { offset: number }, i: number): number => buf.readUInt16LE(s.offset + 2 * i);
    for (const t of header.tables) {
      let checked = 0;
      for (let j = 0; j < t.capacity && checked < 5000; j += 7) {
        const q = u16(t.prob, j);
        if (q === 0) continue;
        const lo = u32(t.lo, j);
        const hi = t.hi === undefined ? 0 : t.hi.type === 'u16' ? u16(t.hi, j) : u32(t.hi, j);
        const ids = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff].slice(4 - t.order);
        expect(model.logProb(ids.slice(0, -1), ids[ids.length - 1]!)).toBe(dequantizeProb(q));
        checked++;
      }
      expect(checked).toBe(5000);
    }
  });

  it('scores several contexts at once exactly as one at a time', () => {
    const ids = (s: string): number[] => s.split(' ').map((w) => model.id(w));
    const words = Int32Array.from([...model.formsOfBase('tre'), ...model.formsOfBase('dan'), model.unk, model.eos]);
    // Contexts that share their last word share the bigram look-ups: mix such and others.
    const contexts = [ids('ủy ban nhân'), ids('hội đồng nhân'), ids('tháng hành động'), [model.bos, model.bos, model.bos], ids('vì'), [], ids('các cháu nhân')];
    const many = new Float64Array(contexts.length * words.length);
    model.logProbsMany(contexts, words, many);
    const one = new Float64Array(words.length);
    contexts.forEach((ctx, k) => {
      model.logProbs(ctx, words, one);
      expect([...many.subarray(k * words.length, (k + 1) * words.length)]).toEqual([...one]);
      words.forEach((w, i) => expect(one[i]).toBe(model.logProb(ctx, w)));
    });
  });

  it('names the words most likely to follow a word, best first', () => {
    const next = (w: string): string[] => model.likelyNext(model.id(w)).map((id) => model.symbol(id));
    expect(next('ủy')[0]).toBe('ban');
    expect(next('<num>')).toContain('tháng');
    for (const w of ['ủy', 'ngày', 'cộng']) {
      const ids = model.likelyNext(model.id(w));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(8);
      const lps = ids.map((id) => model.logProb([model.id(w)], id));
      expect([...lps].sort((a, b) => b - a)).toEqual(lps);
      expect(ids.every((id) => !model.symbol(id).startsWith('<'))).toBe(true);
    }
  });

  it('lists the accented forms of a base, most frequent first', () => {
    const forms = model.formsOfBase('tre').map((i) => model.symbol(i));
    expect(forms).toContain('trẻ');
    expect(forms).toContain('tre');
    const counts = model.formsOfBase('tre').map((i) => model.count(i));
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(model.formsOfBase('dong').map((i) => model.symbol(i))).toEqual(expect.arrayContaining(['động', 'đồng', 'đông', 'dòng']));
    expect(model.formsOfBase('qwzx')).toEqual([]);
  });
});

describe('loadModel errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vanban-lm-'));
  it('names a missing file', () => {
    const missing = join(dir, 'nope.bin');
    try {
      loadModel(missing);
      expect.unreachable();
    } catch (e) {
      expect(isVanbanError(e) && e.code === 'MODEL' && e.file === missing).toBe(true);
    }
  });
  it.each([
    ['garbage', Buffer.from('not a model at all')],
    ['truncated', gunzipSync(readFileSync(join(import.meta.dirname, '../dictionaries/vi-lm.bin.gz'))).subarray(0, 4000)],
    ['truncated gzip', readFileSync(join(import.meta.dirname, '../dictionaries/vi-lm.bin.gz')).subarray(0, 4000)],
  ])('rejects a %s file', (name, bytes) => {
    const file = join(dir, `${name}.bin`);
    writeFileSync(file, bytes);
    expect(() => loadModel(file)).toThrowError(/language model/);
  });
});

describe('dictionary', () => {
  it('syllables.tsv holds valid syllables with counts', () => {
    const rows = readFileSync(join(import.meta.dirname, '../dictionaries/syllables.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(4000);
    const words = new Set(rows.map((r) => r.split('\t')[0]!));
    for (const w of ['trẻ', 'hòa', 'người', 'nghĩa', 'quyết', 'giữa']) expect(words).toContain(w);
    expect(words).not.toContain('hoà'); // one canonical key per syllable
    for (const r of rows) {
      const [w, c] = r.split('\t');
      expect(isValidSyllable(w!)).toBe(true);
      expect(Number(c)).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!corpusAvailable())('corpus split (needs ../shared/corpus)', () => {
  it('holds out about 2% of whole blocks of lines, disjoint from training', () => {
    const file = corpusFiles('admin').find((f) => f.name.startsWith('hanhchinh'))!;
    const train = [...splitLines(file, 'train')];
    const held = [...splitLines(file, 'heldout')];
    expect(held.length).toBeGreaterThan(0);
    const share = held.length / (train.length + held.length);
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.04);
    const trainSet = new Set(train);
    expect(held.filter((l) => trainSet.has(l)).length).toBeLessThan(held.length * 0.05);
    // Deterministic.
    expect([...splitLines(file, 'heldout')]).toEqual(held);
  });
});
