/**
 * OCR error with and without each preprocessing step, on the fixture PDFs,
 * with real tesseract.js (vie, 4.0.0_best_int, PSM 3). Slow (one OCR per page
 * per configuration); run alone:
 *   npx tsx bench/image-cer.ts [config,...] [dir/name-substring,...]
 * Prints one line per page and configuration, then a table of mean CER.
 */
import { readdirSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWorker, OEM, PSM } from 'tesseract.js';
import { prepare, type PrepareOptions } from '../src/image/index.js';
import { readPages } from '../src/pdf/index.js';
import { cer } from '../src/quality/index.js';

const require = createRequire(import.meta.url);

export const CONFIGS: Record<string, PrepareOptions | 'raw'> = {
  raw: 'raw',
  default: {},
  noFlatten: { flatten: false, normalize: false },
  noNormalize: { normalize: false },
  noDeskew: { deskew: false },
  noRescale: { minDpi: 0 },
  upscale: { minDpi: 250 },
  denoise: { denoise: true },
  noDenoise: { denoise: false },
  upscaleDenoise: { minDpi: 250, denoise: true },
  sauvola: { binarize: 'sauvola' },
  otsu: { binarize: 'otsu' },
};

interface Row {
  page: string;
  config: string;
  cer: number;
  prepMs: number;
  ocrMs: number;
  steps: string;
}

export async function runCer(configs: string[], filters: string[] = [], log: (r: Row) => void = () => undefined): Promise<Row[]> {
  const langPath = join(dirname(require.resolve('@tesseract.js-data/vie/package.json')), '4.0.0_best_int');
  const worker = await createWorker('vie', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
  await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
  const rows: Row[] = [];
  try {
    for (const dir of ['clean', 'moderate', 'heavy', 'special']) {
      if (!existsSync(join('fixtures', dir))) continue;
      for (const f of readdirSync(join('fixtures', dir)).sort()) {
        if (!/\.(pdf|png)$/.test(f)) continue;
        const id = `${dir}/${f.replace(/\.(pdf|png)$/, '')}`;
        if (filters.length && !filters.some((s) => id.includes(s))) continue;
        const gtPath = join('fixtures', dir, f.replace(/\.(pdf|png)$/, '.gt.txt'));
        if (!existsSync(gtPath)) continue;
        const gt = await readFile(gtPath, 'utf8');
        const pages = [];
        for await (const p of readPages(join('fixtures', dir, f))) pages.push(p);
        for (const config of configs) {
          const opt = CONFIGS[config];
          if (!opt) throw new Error(`unknown config ${config}`);
          let text = '';
          let prepMs = 0;
          let ocrMs = 0;
          let steps = '';
          for (const page of pages) {
            const t0 = performance.now();
            const img = opt === 'raw' ? { png: page.data, dpi: page.dpi, steps: [] as string[] } : await prepare(page, opt);
            const t1 = performance.now();
            await worker.setParameters({ user_defined_dpi: String(Math.round(img.dpi)) });
            const r = await worker.recognize(Buffer.from(img.png));
            ocrMs += performance.now() - t1;
            prepMs += t1 - t0;
            text += r.data.text + '\n';
            steps = img.steps.join('+');
          }
          const row = { page: id, config, cer: cer(text, gt), prepMs: Math.round(prepMs / pages.length), ocrMs: Math.round(ocrMs / pages.length), steps };
          rows.push(row);
          log(row);
        }
      }
    }
  } finally {
    await worker.terminate();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const configs = (process.argv[2] ?? 'raw,default').split(',');
  const filters = process.argv[3] ? process.argv[3].split(',') : [];
  const rows = await runCer(configs, filters, (r) => console.log(JSON.stringify(r)));
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const key = `${r.page.split('/')[0]} ${r.config}`;
    groups.set(key, [...(groups.get(key) ?? []), r.cer]);
  }
  console.log('\nset config meanCER pages');
  for (const [k, v] of groups) console.log(k, (v.reduce((a, b) => a + b, 0) / v.length).toFixed(4), v.length);
}
