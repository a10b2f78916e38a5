/**
 * `npm run bench -- compare`: vanban and OCRmyPDF on the same scanned pages in one
 * run, both with 2 jobs; pages/min of each, the ratio, vanban's peak RSS, and the
 * stage times of one page end to end.
 *
 * OCRmyPDF (a Debian package, never installed by this bench) runs native Tesseract
 * with the same Vietnamese model vanban ships (@tesseract.js-data/vie, 4.0.0_best_int),
 * unpacked into a temporary TESSDATA_PREFIX, so both read with the same network.
 * Pages: fixtures/moderate and fixtures/heavy (scanned PDFs), or VANBAN_BENCH_DIR.
 *
 * Wall-clock pages/min depend on what else the machine runs; the CPU seconds each side
 * spends per page (children's user + system time, worker threads included) do much less,
 * so both are printed, with the ratio of each.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const JOBS = 2;

/** User + system CPU seconds of this process's waited-for children (Linux /proc; 0 elsewhere). */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesised command name; cutime and cstime are the 16th and 17th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

function inputs(): string[] {
  const dirs = process.env.VANBAN_BENCH_DIR ? [process.env.VANBAN_BENCH_DIR] : ['fixtures/moderate', 'fixtures/heavy'];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.pdf'))
      .sort()
      .map((f) => resolve(d, f)),
  );
}

function hasOcrmypdf(): boolean {
  return spawnSync('ocrmypdf', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Runs `ocrmypdf` over the files, `JOBS` processes at a time (one page each per process). */
async function runOcrmypdf(files: string[], out: string): Promise<number> {
  const tessdata = mkdtempSync(join(tmpdir(), 'vanban-tessdata-'));
  const model = join(dirname(require.resolve('@tesseract.js-data/vie/package.json')), '4.0.0_best_int', 'vie.traineddata.gz');
  writeFileSync(join(tessdata, 'vie.traineddata'), gunzipSync(await readFile(model)));
  const queue = [...files];
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const target = join(out, `${f.split('/').slice(-2).join('-')}`);
      await new Promise<void>((resolveRun, reject) => {
        const child = spawn('ocrmypdf', ['-l', 'vie', '--jobs', '1', '--force-ocr', '--output-type', 'pdf', '--optimize', '0', '--quiet', f, target], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, TESSDATA_PREFIX: tessdata, OMP_THREAD_LIMIT: '1' },
        });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`ocrmypdf failed on ${f}: ${err.trim().slice(-300)}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  const seconds = (performance.now() - started) / 1000;
  rmSync(tessdata, { recursive: true, force: true });
  return seconds;
}

interface VanbanFigures {
  pages: number;
  seconds: number;
  rssMiB: number;
  /** Engine calls of the run per kind (page, turned, missed, column, weak): calls and pixels. */
  calls: Record<string, { calls: number; pixels: number }>;
}

/** vanban in a child process, so its peak RSS is its own: `convert` with 2 jobs, worker start-up included. */
function runVanban(files: string[], inDir: string, out: string): VanbanFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--vanban', inDir, out], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`vanban run failed: ${child.stderr}`);
  const line = child.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as VanbanFigures;
}

async function vanbanChild(inDir: string, out: string): Promise<void> {
  const { convert } = await import('../src/batch/convert.js');
  const { ocrCallStats } = await import('../src/ocr/index.js');
  const started = performance.now();
  const summary = await convert([inDir], { out, jobs: JOBS, force: true });
  const seconds = (performance.now() - started) / 1000;
  const calls = Object.fromEntries(Object.entries(ocrCallStats()).map(([k, v]) => [k, { calls: v.calls, pixels: v.pixels }]));
  console.log(JSON.stringify({ pages: summary.pages, seconds, rssMiB: process.resourceUsage().maxRSS / 1024, calls }));
}

/** Stage times of one page, each stage alone on an idle worker. */
async function profilePage(file: string): Promise<Record<string, number>> {
  const { readPages } = await import('../src/pdf/index.js');
  const { prepare, prepareStepStats } = await import('../src/image/index.js');
  const { OcrPool } = await import('../src/ocr/index.js');
  const { restorePage } = await import('../src/restore/page.js');
  const { extract } = await import('../src/structure/index.js');
  const { estimate } = await import('../src/quality/index.js');
  const times: Record<string, number> = {};
  const t = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    times[name] = Math.round(performance.now() - t0);
    return r;
  };
  const pool = await t('worker start', () => OcrPool.create({ jobs: 1 }));
  try {
    const page = await t('read page', async () => {
      for await (const p of readPages(file)) return p;
      throw new Error(`no page in ${file}`);
    });
    const prepared = await t('prepare', () => prepare(page));
    // Where prepare's time went, per step (CPU is the steadier figure on a loaded machine).
    const steps = Object.entries(prepareStepStats()).sort((a, b) => b[1].cpuMs - a[1].cpuMs);
    console.log(`[compare] prepare steps, CPU ms (wall ms): ${steps.map(([k, v]) => `${k} ${Math.round(v.cpuMs)} (${Math.round(v.ms)})`).join(', ')}`);
    const ocr = await t('ocr', () => pool.recognize(prepared));
    const restored = await t('restore', () => restorePage(ocr));
    await t('structure', () => extract([restored]));
    await t('quality', () => estimate(restored));
  } finally {
    await pool.terminate();
  }
  return times;
}

export default async function benchCompare(): Promise<Record<string, number | string>> {
  const files = inputs();
  const work = mkdtempSync(join(tmpdir(), 'vanban-compare-'));
  const inDir = join(work, 'in');
  mkdirSync(inDir);
  for (const f of files) copyFileSync(f, join(inDir, f.split('/').slice(-2).join('-')));
  const figures: Record<string, number | string> = {};
  try {
    const stages = await profilePage(files[0]!);
    console.log(`[compare] stage times of one page (${files[0]!.split('/').slice(-2).join('/')}), ms: ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const cpu0 = childrenCpuSeconds();
    const v = runVanban(files, inDir, join(work, 'vanban'));
    const vanbanCpu = childrenCpuSeconds() - cpu0;
    figures['vanban pages'] = v.pages;
    figures['vanban CPU s/page'] = vanbanCpu / v.pages;
    figures['vanban pages/min'] = (60 * v.pages) / v.seconds;
    figures['vanban peak RSS MiB'] = v.rssMiB;
    const perPage = Object.entries(v.calls).map(([k, c]) => `${k} ${(c.calls / v.pages).toFixed(2)} (${(c.pixels / v.pages / 1e6).toFixed(2)} MP)`);
    const allCalls = Object.values(v.calls).reduce((n, c) => n + c.calls, 0);
    figures['vanban OCR calls/page'] = allCalls / v.pages;
    console.log(`[compare] vanban engine calls per page: ${allCalls / v.pages} = ${perPage.join(', ')}`);
    console.log(`[compare] vanban convert --jobs ${JOBS}: ${v.pages} pages in ${v.seconds.toFixed(1)} s = ${((60 * v.pages) / v.seconds).toFixed(1)} pages/min, ${(vanbanCpu / v.pages).toFixed(1)} CPU s/page, peak RSS ${v.rssMiB.toFixed(0)} MiB`);
    if (!hasOcrmypdf()) {
      console.log('[compare] ocrmypdf is not installed: no comparison (apt-get install ocrmypdf to add it)');
      return figures;
    }
    const ocrOut = join(work, 'ocrmypdf');
    mkdirSync(ocrOut);
    const cpu1 = childrenCpuSeconds();
    const seconds = await runOcrmypdf(readdirSync(inDir).map((f) => join(inDir, f)), ocrOut);
    const ocrmypdfCpu = childrenCpuSeconds() - cpu1;
    const pages = v.pages;
    figures['ocrmypdf CPU s/page'] = ocrmypdfCpu / pages;
    if (vanbanCpu > 0) figures['vanban / ocrmypdf (CPU)'] = ocrmypdfCpu / vanbanCpu;
    figures['ocrmypdf pages/min'] = (60 * pages) / seconds;
    figures['vanban / ocrmypdf'] = (60 * v.pages) / v.seconds / ((60 * pages) / seconds);
    console.log(`[compare] ocrmypdf -l vie, ${JOBS} at a time: ${pages} pages in ${seconds.toFixed(1)} s = ${((60 * pages) / seconds).toFixed(1)} pages/min, ${(ocrmypdfCpu / pages).toFixed(1)} CPU s/page`);
    console.log(`[compare] vanban / ocrmypdf: ${figures['vanban / ocrmypdf'].toFixed(2)}× by wall clock, ${vanbanCpu > 0 ? (ocrmypdfCpu / vanbanCpu).toFixed(2) : '–'}× by CPU time (target ≥ 1.6×; peak RSS target < 1024 MiB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--vanban') await vanbanChild(process.argv[3]!, process.argv[4]!);
  else await benchCompare();
}
