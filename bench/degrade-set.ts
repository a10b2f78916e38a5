/**
 * Writes degraded copies of fixture pages for OCR tuning (dev data only):
 *   npx tsx bench/degrade-set.ts <outDir> [level=moderate]
 * Per page and variant: <doc>-p<N>-<variant>.png (dpi in the PNG) and .gt.txt (that page's truth).
 * Variants: 200 dpi 1-bit, 150 dpi grey, 300 dpi blur σ 1.2, 200 dpi grey.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { readPages } from '../src/pdf/index.js';

const [, , out = '/tmp/ocr-dev', level = 'moderate'] = process.argv;
mkdirSync(out, { recursive: true });
const dir = join('fixtures', level);
const VARIANTS: Record<string, { dpi: number; bilevel?: boolean; blur?: number }> = {
  b200: { dpi: 200, bilevel: true },
  g150: { dpi: 150 },
  blur300: { dpi: 300, blur: 1.2 },
  g200: { dpi: 200 },
};
for (const f of readdirSync(dir).filter((n) => n.endsWith('.pdf')).sort()) {
  const stem = f.replace(/\.pdf$/, '');
  const gt = (await readFile(join(dir, `${stem}.gt.txt`), 'utf8')).split('\f');
  let n = 0;
  for await (const page of readPages(join(dir, f))) {
    n++;
    for (const [name, v] of Object.entries(VARIANTS)) {
      const scale = v.dpi / page.dpi;
      let img = sharp(page.data).grayscale().resize(Math.round(page.width * scale), Math.round(page.height * scale), { kernel: 'lanczos3' });
      if (v.blur) img = img.blur(v.blur);
      if (v.bilevel) img = img.threshold(150);
      const png = await img.withMetadata({ density: v.dpi }).png().toBuffer();
      const id = `${level}-${stem}-p${n}-${name}`;
      writeFileSync(join(out, `${id}.png`), png);
      writeFileSync(join(out, `${id}.gt.txt`), gt[n - 1] ?? '');
    }
  }
}
console.log(`wrote ${readdirSync(out).length} files to ${out}`);
