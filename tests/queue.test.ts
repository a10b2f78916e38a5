/**
 * `convert --queue` with `vanban worker` processes on a real Redis (127.0.0.1:6379; the Redis
 * tests skip, saying why, where none answers): the same outputs as a local run, a bad page that
 * fails once without retries, a rerun that adds nothing, and clear errors for a wrong URL.
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../src/batch/convert.js';
import { documentId, pagesDir, type DocumentJobData } from '../src/batch/queue-jobs.js';
import { parseRedisUrl } from '../src/batch/queue-redis.js';
import { assembleQueuedDocument } from '../src/batch/queue-worker.js';
import { Pipeline } from '../src/pipeline.js';
import { REDIS_URL, redisMissing, removeQueue, stable, startWorker, vanban, type Spawned } from './helpers/queue.js';

const missing = await redisMissing();
if (missing) console.warn(`queue tests against Redis skipped: ${missing}`);

/** A two-page PDF whose second page is a JPEG cut short: it opens, and that page fails for good. */
async function badPagePdf(): Promise<Uint8Array> {
  const svg = `<svg width="600" height="840"><rect width="600" height="840" fill="#fff"/><text x="40" y="80" font-size="36">Kế hoạch</text><rect x="0" y="450" width="600" height="390" fill="#333"/></svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
  const half = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]);
  const pdf = await PDFDocument.create();
  for (const data of [jpeg, half]) {
    const image = await pdf.embedJpg(Uint8Array.from(data));
    pdf.addPage([595, 842]).drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
  }
  return pdf.save();
}

describe('queue URLs and connection errors', () => {
  it('parses redis URLs and refuses others with one clear message', () => {
    expect(parseRedisUrl('redis://:secret@example.org:6380/2')).toMatchObject({ host: 'example.org', port: 6380, db: 2, password: 'secret', tls: false });
    expect(parseRedisUrl('redis://example.org').shown).toBe('redis://example.org/0');
    expect(() => parseRedisUrl('http://127.0.0.1:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://127.0.0.1/x')).toThrow(/database .* must be a number/);
  });

  it('says that no Redis answers, and exits with the usage code, instead of hanging', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vanban-queue-url-'));
    try {
      await copyFile('fixtures/clean/cv-sgddt-nghe-an.pdf', join(dir, 'a.pdf'));
      const run = vanban(['convert', join(dir, 'a.pdf'), '--out', join(dir, 'out'), '--queue', 'redis://127.0.0.1:1/0']);
      const ended = await run.done;
      expect(ended.code).toBe(2);
      expect(ended.stderr).toMatch(/no Redis answers at 127\.0\.0\.1:1 \(connection refused\)/);
      const worker = await vanban(['worker', '--queue', 'redis://127.0.0.1:1/0']).done;
      expect(worker.code).toBe(2);
      expect(worker.stderr).toMatch(/no Redis answers/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('one document job run twice (a worker too busy to renew its lock)', () => {
  it('both runs finish it from the same saved pages and write the same whole outputs', { timeout: 300_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'vanban-queue-race-'));
    const pipeline = await Pipeline.create({ jobs: 1 });
    try {
      const path = join(root, 'cv.pdf');
      await copyFile('fixtures/clean/cv-sgddt-nghe-an.pdf', path);
      const out = join(root, 'out');
      const settings = { preprocess: true, restore: true };
      const d: DocumentJobData = { out, input: { path, relative: 'cv.pdf', outputStem: join(out, 'cv') }, size: 1, mtimeMs: 1, pages: [1], formats: ['json', 'txt'], settings };
      const id = documentId(out, { path, size: 1, mtimeMs: 1 }, [], d.formats, settings);
      // The page as a page job saves it.
      const page = (await pipeline.convertFile(path, undefined, { pages: [1] })).pages[0]!;
      await mkdir(pagesDir(out, id), { recursive: true });
      await writeFile(join(pagesDir(out, id), '1.json'), JSON.stringify(page));

      // The run that lost its lock finishes first; the one holding it still finds every page.
      const a = await assembleQueuedDocument(d, id, 1);
      const b = await assembleQueuedDocument(d, id, 1);
      expect(a.result.pages).toBe(1);
      expect(b.record.stem).toBe(a.record.stem);
      const json = JSON.parse(await readFile(join(out, 'cv.json'), 'utf8')) as { pages: Array<{ text: string }> };
      expect(json.pages[0]!.text).toBe(page.restored.text);
      expect(await readFile(join(out, 'cv.txt'), 'utf8')).toContain(page.restored.text.split('\n')[0]!);
      // No temporary file is left beside the outputs; the page results wait for the enqueuing command.
      expect((await readdir(out)).sort()).toEqual(['_vanban', 'cv.json', 'cv.txt']);
      expect(await readdir(pagesDir(out, id))).toEqual(['1.json']);
    } finally {
      await pipeline.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(missing !== undefined)('a folder converted by two worker processes', () => {
  const queueName = `vanban-test-${process.pid}-${Date.now()}`;
  let root: string;
  let input: string;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vanban-queue-'));
    input = join(root, 'in');
    await mkdir(join(input, 'sub'), { recursive: true });
    await copyFile('fixtures/clean/cv-sgddt-nghe-an.pdf', join(input, 'cv.pdf'));
    await copyFile('fixtures/clean/tb-stnmt-lam-dong.pdf', join(input, 'sub', 'tb.pdf'));
    await copyFile('fixtures/bad/truncated.pdf', join(input, 'truncated.pdf'));
    await writeFile(join(input, 'bad-page.pdf'), await badPagePdf());
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await removeQueue(queueName).catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('gives the same outputs as a local run; a bad page fails once, a rerun adds nothing', { timeout: 900_000 }, async () => {
    workers.push(await startWorker(queueName), await startWorker(queueName));
    const queued = vanban(['convert', input, '--out', join(root, 'queued'), '--queue', REDIS_URL, '--queue-name', queueName, '-q']);
    const local = await convert(input, { out: join(root, 'local'), jobs: 1 });
    const ended = await queued.done;

    // Same exit code and summary as a local run: two converted, two failed.
    expect(ended.code, ended.stderr).toBe(1);
    expect(ended.stderr).toMatch(/4 file\(s\): 2 converted, 0 skipped, 2 failed; 2 page\(s\)/);
    expect(local.converted).toHaveLength(2);

    for (const stem of ['cv', 'sub/tb']) {
      for (const ext of ['.txt', '.md']) {
        expect(await readFile(join(root, 'queued', stem + ext), 'utf8'), stem + ext).toBe(await readFile(join(root, 'local', stem + ext), 'utf8'));
      }
      expect(stable(await readFile(join(root, 'queued', `${stem}.json`), 'utf8'))).toEqual(stable(await readFile(join(root, 'local', `${stem}.json`), 'utf8')));
    }
    expect(await readFile(join(root, 'queued', 'metadata.csv'), 'utf8')).toBe(await readFile(join(root, 'local', 'metadata.csv'), 'utf8'));
    const errors = (dir: string) => readFile(join(root, dir, 'errors.json'), 'utf8').then((t) => stable(t));
    expect(await errors('queued')).toEqual(await errors('local'));
    const failures = (await errors('queued')) as Array<{ file: string; code: string; message: string }>;
    expect(failures.map((f) => [f.file, f.code])).toEqual([
      ['bad-page.pdf', 'CORRUPT'],
      ['truncated.pdf', 'CORRUPT'],
    ]);
    expect(failures[0]!.message).toMatch(/page 2/);
    // The bad page failed once, on one worker, and was never retried.
    const logs = workers.map((w) => w.stderr()).join('');
    expect(logs.match(/FAIL bad-page\.pdf page 2/g)).toHaveLength(1);
    expect(logs).not.toMatch(/retry/);
    // Page results are removed once their document is written.
    expect(await readdir(join(root, 'queued', '_vanban', 'pages')).catch(() => [])).toEqual([]);

    // A rerun queues nothing new: the converted documents are skipped, the failed ones fail again, once each.
    const again = await vanban(['convert', input, '--out', join(root, 'queued'), '--queue', REDIS_URL, '--queue-name', queueName, '-q']).done;
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/4 file\(s\): 0 converted, 2 skipped, 2 failed/);
    expect(((await errors('queued')) as unknown[]).length).toBe(2);

    const status = await vanban(['queue', 'status', '--queue', REDIS_URL, '--queue-name', queueName]).done;
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/2 worker\(s\) running/);
    expect(status.stderr).toMatch(/FAIL .*bad-page\.pdf: .*page 2.*\[CORRUPT\]/);
  });
});
