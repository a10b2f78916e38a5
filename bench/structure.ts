/**
 * Structure extraction speed: ms per page over our own documents, the seeds and
 * the fixtures' ground-truth pages (plain text), clean and with OCR-like noise.
 * Target: < 20 ms/page. Run: `npx tsx bench/structure.ts` or `npm run bench -- structure`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from '../src/structure/index.js';
import { noisify } from '../tests/fixtures-structure/noise.js';

function texts(): string[] {
  const out: string[] = [];
  const own = fileURLToPath(new URL('../tests/fixtures-structure/', import.meta.url));
  for (const name of readdirSync(own).filter((n) => n.endsWith('.txt'))) out.push(readFileSync(join(own, name), 'utf8'));
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.gt.txt')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(fileURLToPath(new URL('../fixtures/', import.meta.url)));
  return [...out, ...out.map((t, i) => noisify(t, i + 1))];
}

export async function benchStructure(): Promise<Record<string, number>> {
  const docs = texts();
  const pages = docs.reduce((n, t) => n + t.split('\f').length, 0);
  for (const t of docs) extract(t); // warm-up (JIT, caches)
  const rounds = 20;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of docs) extract(t);
  const ms = performance.now() - started;
  const perPage = ms / (rounds * pages);
  // Worst document by its median of 7 runs, so one GC pause or a busy neighbour does not decide it.
  let worst = 0;
  for (const t of docs) {
    const runs: number[] = [];
    for (let r = 0; r < 7; r++) {
      const s = performance.now();
      extract(t);
      runs.push(performance.now() - s);
    }
    runs.sort((a, b) => a - b);
    worst = Math.max(worst, runs[3]! / t.split('\f').length);
  }
  return { documents: docs.length, pages, 'ms per page (mean)': perPage, 'ms per page (worst document, median of 7)': worst };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await benchStructure();
  for (const [k, v] of Object.entries(figures)) console.log(`[structure] ${k}: ${+v.toFixed(3)}`);
}
