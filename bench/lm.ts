/**
 * Language-model figures: load time, query speed, memory.
 *   npx tsx bench/lm.ts
 */
import { pathToFileURL } from 'node:url';
import { loadModel } from '../src/restore/lm.js';
import { lmSymbols, tokenize } from '../src/restore/tokenize.js';

export default async function benchLm(): Promise<Record<string, number>> {
  const loads: number[] = [];
  let model = loadModel();
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    model = loadModel();
    loads.push(performance.now() - t);
  }
  loads.sort((a, b) => a - b);
  const t1 = performance.now();
  model.formsOfBase('tre');
  const formsIndexMs = performance.now() - t1;
  const text =
    'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện Tháng hành động vì trẻ em năm 2023 như sau.';
  const ids = lmSymbols(tokenize(text)).map((s) => model.id(s));
  let queries = 0;
  let sink = 0;
  const t2 = performance.now();
  while (performance.now() - t2 < 500) {
    for (let i = 1; i < ids.length; i++) {
      for (let w = 5; w < 45; w++) sink += model.logProb(ids.slice(Math.max(0, i - model.order + 1), i), w);
      queries += 40;
    }
  }
  const qps = queries / ((performance.now() - t2) / 1000);
  if (sink === 0) console.log('');
  return {
    loadMsMedian: loads[2]!,
    loadMsMin: loads[0]!,
    formsOfBaseIndexMs: formsIndexMs,
    logProbPerSecond: qps,
    fileMB: model.info.fileBytes / 1e6,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [k, v] of Object.entries(await benchLm())) console.log(`[lm] ${k}: ${+v.toFixed(3)}`);
}
