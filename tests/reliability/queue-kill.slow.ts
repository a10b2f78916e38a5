/**
 * Queue workers that die or lose Redis (real Redis at 127.0.0.1:6379; skipped, saying why,
 * where none answers): a worker killed with SIGKILL mid-document loses no page (another takes
 * its pages after the lock time); a worker whose Redis goes away says so and reconnects.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisMissing, removeQueue, startWorker, vanban, type Spawned } from '../helpers/queue.js';
import { blankPng } from '../helpers/bad-inputs.js';
import { parseRedisUrl, probeRedis } from '../../src/batch/queue-redis.js';

const missing = await redisMissing();
if (missing) console.warn(`queue reliability tests skipped: ${missing}`);

/** One PDF of three real scanned pages from the fixtures. */
async function threePages(): Promise<Uint8Array> {
  const out = await PDFDocument.create();
  for (const name of ['cv-sgddt-nghe-an', 'tb-stnmt-lam-dong', 'ttr-ptckh-con-cuong']) {
    const src = await PDFDocument.load(await readFile(`fixtures/clean/${name}.pdf`));
    const [page] = await out.copyPages(src, [0]);
    out.addPage(page!);
  }
  return out.save();
}

let root: string;
const started: Spawned[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vanban-queue-kill-'));
});
afterAll(async () => {
  for (const p of started) p.child.kill('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)('a worker killed with SIGKILL mid-document', () => {
  const queueName = `vanban-kill-${process.pid}-${Date.now()}`;
  afterAll(async () => {
    await removeQueue(queueName).catch(() => undefined);
  });

  it('loses no page: another worker takes its pages after the lock time', async () => {
    const input = join(root, 'in');
    const out = join(root, 'out');
    await mkdir(input, { recursive: true });
    await writeFile(join(input, 'three.pdf'), await threePages());
    const lock = ['--lock-seconds', '10'];
    const first = await startWorker(queueName, lock);
    started.push(first);
    const queued = vanban(['convert', input, '--out', out, '--queue', REDIS_URL, '--queue-name', queueName, '-v']);
    started.push(queued);

    // Kill the worker as soon as its first page is saved: the document is half done, pages are in flight.
    const pages = join(out, '_vanban', 'pages');
    for (;;) {
      const docs = existsSync(pages) ? await readdir(pages) : [];
      const saved = docs.length > 0 ? await readdir(join(pages, docs[0]!)).catch(() => []) : [];
      if (saved.some((f) => f.endsWith('.json'))) break;
      if (queued.child.exitCode !== null) throw new Error(`the enqueuing run ended early:\n${queued.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    first.child.kill('SIGKILL');
    await first.done;
    const second = await startWorker(queueName, lock);
    started.push(second);

    const ended = await queued.done;
    expect(ended.code, `${ended.stderr}\n--- second worker:\n${second.stderr()}`).toBe(0);
    expect(ended.stderr).toMatch(/1 file\(s\): 1 converted, 0 skipped, 0 failed; 3 page\(s\)/);
    const doc = JSON.parse(await readFile(join(out, 'three.json'), 'utf8')) as { pages: Array<{ number: number; text: string }> };
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    for (const page of doc.pages) expect(page.text.length).toBeGreaterThan(200);
    expect(JSON.parse(await readFile(join(out, 'errors.json'), 'utf8'))).toEqual([]);
    expect(second.stderr()).not.toMatch(/FAIL/);
  });
});

/** A free TCP port for a private Redis. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startRedis(port: number): ReturnType<typeof spawn> {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

/** Resolves once a Redis answers on `port` (a freshly spawned one takes a moment). */
async function listening(port: number): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await probeRedis(parseRedisUrl(`redis://127.0.0.1:${port}/0`), 1000);
    } catch (error) {
      if (i > 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe.skipIf(missing !== undefined || !existsSync('/usr/bin/redis-server'))('a worker whose Redis goes away', () => {
  it('says the connection is lost, and converts again once Redis is back', async () => {
    const port = await freePort();
    let redis = startRedis(port);
    await listening(port);
    const worker = vanban(['worker', '--queue', `redis://127.0.0.1:${port}/0`, '-j', '1']);
    started.push(worker);
    try {
      await worker.waitFor(/worker ready/, 120_000);
      const gone = new Promise((r) => redis.once('exit', r));
      redis.kill('SIGKILL');
      await gone; // its port is free again
      await worker.waitFor(/Redis connection lost: .*127\.0\.0\.1:\d+.*; reconnecting/, 60_000);
      redis = startRedis(port);
      await listening(port);
      // Back to work: a document queued once Redis is back is converted by the same worker.
      const input = join(root, 'after');
      await mkdir(input, { recursive: true });
      await writeFile(join(input, 'blank.png'), await blankPng(900, 1200));
      const queued = await vanban(['convert', input, '--out', join(root, 'after-out'), '--queue', `redis://127.0.0.1:${port}/0`]).done;
      expect(queued.code, `${queued.stderr}\n--- worker:\n${worker.stderr()}`).toBe(0);
      expect(queued.stderr).toMatch(/1 file\(s\): 1 converted/);
      worker.child.kill('SIGTERM');
      const ended = await worker.done;
      expect(ended.stderr).toMatch(/stopped; 1 document\(s\) and 1 page\(s\) done/);
    } finally {
      worker.child.kill('SIGKILL');
      redis.kill('SIGKILL');
    }
  });
});
