/**
 * Preprocessing speed: ms/page for prepare() and its steps on rendered A4
 * pages at 300 dpi: a "scan" (skewed 2.5°, shaded, speckled: every step runs),
 * the same turned 90° and at 100 dpi, and a clean level page (most steps skip).
 * Run: npx tsx bench/image.ts
 */
import { pathToFileURL } from 'node:url';
import { decodeGray, detectOrientation, flattenBackground, measureSkew, prepare, rotateRight } from '../src/image/index.js';
import { degrade, renderText, skewImage, toPageImage } from '../tests/image-render.js';

export interface ImageBench {
  /** Median wall-clock ms per page of each measured operation. */
  msPerPage: Record<string, number>;
  /** Median CPU ms per page (all threads: our JS plus libvips workers); steadier than wall time on a busy machine. */
  cpuMsPerPage: Record<string, number>;
  pages: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function time(runs: number, fn: () => Promise<unknown> | unknown): Promise<[number, number]> {
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    ts.push(performance.now() - t0);
    cs.push((c.user + c.system) / 1000);
  }
  return [Math.round(median(ts)), Math.round(median(cs))];
}

export async function benchImage(runs = 5): Promise<ImageBench> {
  const clean = await renderText();
  const skewed = await degrade(await skewImage(clean, 2.5), { shade: 0.3, speckle: 0.003 });
  const page = await toPageImage(skewed);
  const cleanPage = await toPageImage(clean);
  const gray = await decodeGray(page.data);
  const turned = rotateRight(gray, 1);
  const turnedPage = await toPageImage(await (await import('sharp')).default(skewed).rotate(90).png().toBuffer());
  const lowRes = await toPageImage(await (await import('sharp')).default(skewed).resize(Math.round(page.width / 3)).png().toBuffer(), 100);
  await prepare(page); // warm-up (JIT, sharp threads)
  const ops: Record<string, () => Promise<unknown> | unknown> = {
    decode: () => decodeGray(page.data),
    flatten: () => flattenBackground(gray),
    measureSkew: () => measureSkew(gray),
    detectOrientation: () => detectOrientation(turned),
    prepareDefault: () => prepare(page),
    prepareTurned90: () => prepare(turnedPage),
    prepare100dpiUpscaled: () => prepare(lowRes),
    prepareCleanLevel: () => prepare(cleanPage),
    prepareNoSteps: () => prepare(page, { flatten: false, normalize: false, orient: false, deskew: false }),
  };
  const msPerPage: Record<string, number> = {};
  const cpuMsPerPage: Record<string, number> = {};
  for (const [name, fn] of Object.entries(ops)) [msPerPage[name], cpuMsPerPage[name]] = await time(runs, fn);
  return { pages: runs, msPerPage, cpuMsPerPage };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchImage(), null, 2));
}
