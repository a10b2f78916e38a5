/**
 * Preprocessing speed: ms/page for prepare() and its measurement steps on
 * rendered A4 pages at 300 dpi (skewed 2.5°, and turned 90°).
 * Run: npx tsx bench/image.ts
 */
import { pathToFileURL } from 'node:url';
import { decodeGray, detectOrientation, flattenBackground, measureSkew, prepare, rotateRight } from '../src/image/index.js';
import { renderText, skewImage, toPageImage } from '../tests/image-render.js';

export interface ImageBench {
  /** Median ms per page of each measured operation. */
  msPerPage: Record<string, number>;
  pages: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function time(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return Math.round(median(ts));
}

export async function benchImage(runs = 5): Promise<ImageBench> {
  const skewed = await skewImage(await renderText(), 2.5);
  const page = await toPageImage(skewed);
  const gray = await decodeGray(page.data);
  const turned = rotateRight(gray, 1);
  const turnedPage = await toPageImage(await (await import('sharp')).default(skewed).rotate(90).png().toBuffer());
  const lowRes = await toPageImage(await (await import('sharp')).default(skewed).resize(Math.round(page.width / 2)).png().toBuffer(), 150);
  await prepare(page); // warm-up (JIT, sharp threads)
  return {
    pages: runs,
    msPerPage: {
      decode: await time(runs, () => decodeGray(page.data)),
      flatten: await time(runs, () => flattenBackground(gray)),
      measureSkew: await time(runs, () => measureSkew(gray)),
      detectOrientation: await time(runs, () => detectOrientation(turned)),
      prepareDefault: await time(runs, () => prepare(page)),
      prepareTurned90: await time(runs, () => prepare(turnedPage)),
      prepare150dpi: await time(runs, () => prepare(lowRes)),
      prepareNoSteps: await time(runs, () => prepare(page, { flatten: false, normalize: false, orient: false, deskew: false })),
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchImage(), null, 2));
}
