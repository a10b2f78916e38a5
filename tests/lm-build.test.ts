/**
 * End-to-end run of scripts/build-model.ts on a small synthetic corpus (written here,
 * not ../shared): the model it writes is deterministic, loads, and stays normalised
 * after pruning.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/restore/lm.js';

const PLACES = ['Hà Nội', 'Bình Dương', 'Đà Nẵng', 'Cần Thơ', 'Thừa Thiên Huế', 'Quảng Ninh', 'Lào Cai', 'Nghệ An'];
const TOPICS = [
  'phòng, chống thiên tai',
  'tháng hành động vì trẻ em',
  'cải cách hành chính',
  'chuyển đổi số',
  'bảo vệ môi trường',
  'phát triển giáo dục',
  'xây dựng nông thôn mới',
];
const VERBS = ['ban hành', 'triển khai', 'tổ chức thực hiện', 'hướng dẫn'];

function synthCorpus(): string {
  const root = mkdtempSync(join(tmpdir(), 'vanban-corpus-'));
  const admin: string[] = [];
  const general: string[] = [];
  let n = 0;
  for (const p of PLACES)
    for (const t of TOPICS)
      for (const v of VERBS) {
        n++;
        admin.push(`Ủy ban nhân dân tỉnh ${p} ${v} Kế hoạch số ${n}/KH-UBND về ${t} năm 2023.`);
        if (n % 3 === 0) general.push(`Người dân ${p} hưởng ứng ${t}; nhiều hoạt động được tổ chức sôi nổi.`);
      }
  for (const [d, lines] of [['admin', admin], ['general', general]] as const) {
    mkdirSync(join(root, d));
    writeFileSync(join(root, d, `${d}.txt.gz`), gzipSync(lines.join('\n') + '\n'));
  }
  return root;
}

function build(root: string, out: string, order: number, cut: string): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/build-model.ts', '--order', String(order), '--cut', cut, '--min-other', '1', '--min-syllable', '1',
      '--out', out, '--syllables-out', `${out}.tsv`],
    { env: { ...process.env, VANBAN_CORPUS: root }, encoding: 'utf8' },
  );
}

describe('build-model on a synthetic corpus', () => {
  const root = synthCorpus();
  const dir = mkdtempSync(join(tmpdir(), 'vanban-lmbuild-'));

  it.each([
    [3, '1,1,1'],
    [4, '1,1,2,2'],
  ])('order %i, cutoffs %s: loadable, normalised (order 4: byte-identical rebuild)', (order, cut) => {
    const a = join(dir, `a${order}.bin`);
    const b = join(dir, `b${order}.bin`);
    const log = build(root, a, order, cut);
    expect(log).toMatch(/held-out admin: \d+ symbols, perplexity [\d.]+/);
    if (order === 4) {
      build(root, b, order, cut);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    }
    const m = loadModel(a);
    expect(m.order).toBe(order);
    expect(m.info.ngramCounts.length).toBe(order);
    const ids = (s: string): number[] => s.split(' ').map((w) => m.id(w));
    for (const ctx of [[m.bos], ids('ủy ban'), ids('kế hoạch số'), ids('tỉnh hà nội'), ids('về tháng hành'), [m.unk]]) {
      let sum = 0;
      for (let w = 0; w < m.info.vocabSize; w++) if (w !== m.bos) sum += 10 ** m.logProb(ctx, w);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-2);
    }
    // What the corpus says most often wins.
    expect(m.logProb(ids('ủy ban nhân'), m.id('dân'))).toBeGreaterThan(m.logProb(ids('ủy ban nhân'), m.id('dần')));
    const tsv = readFileSync(`${a}.tsv`, 'utf8');
    expect(tsv).toMatch(/^ủy\t\d+\t\d+\t0$/m);
  }, 120_000);
});
