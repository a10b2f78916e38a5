/**
 * `npm run bench -- score`: `score` on long texts stays near-linear. Real text from
 * ../shared/corpus (skipped when absent): 100 KB, 1 MB and 5 MB against a noisy copy,
 * a copy with its halves swapped, and an unrelated text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { score } from '../src/quality/index.js';

const CORPUS = new URL('../../shared/corpus/admin/phapdien.txt.gz', import.meta.url);

function noisy(text: string, rate: number): string {
  let x = 12345;
  const r = (): number => (x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
  let out = '';
  for (const c of text) {
    const u = r();
    if (u < rate / 3) continue;
    if (u < (2 * rate) / 3) out += 'x';
    else if (u < rate) out += `y${c}`;
    else out += c;
  }
  return out;
}

export default async function benchScore(): Promise<Record<string, number>> {
  if (!existsSync(CORPUS)) {
    console.log('[score] ../shared/corpus absent: skipped');
    return {};
  }
  const all = gunzipSync(readFileSync(CORPUS)).toString('utf8');
  const figures: Record<string, number> = {};
  for (const kb of [100, 1000, 5000]) {
    const ref = all.slice(0, kb * 1000);
    const other = all.slice(all.length - kb * 1000);
    const cases: Array<[string, string]> = [
      ['noisy 5%', noisy(ref, 0.05)],
      ['halves swapped', ref.slice(ref.length / 2) + ref.slice(0, ref.length / 2)],
      ['unrelated', other],
    ];
    for (const [name, hyp] of cases) {
      const t = performance.now();
      const r = score(hyp, ref);
      figures[`${kb} KB ${name}: seconds`] = (performance.now() - t) / 1000;
      figures[`${kb} KB ${name}: CER`] = r.cer;
    }
  }
  return figures;
}
