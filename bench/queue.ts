/**
 * `npm run bench -- queue`: the queue's overhead. The same pages converted by a local run
 * (`convert --jobs 2`) and by two `vanban worker --jobs 1` processes on this machine through
 * Redis at 127.0.0.1:6379 (`convert --queue`), printed side by side in pages/min.
 * Workers are started (and warm) before the clock starts, as long-running workers are; the
 * local figure includes its OCR pool's start. Target: queue ≥ 95 % of local.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert } from '../src/batch/convert.js';
import { enqueue } from '../src/batch/queue.js';
import { REDIS_URL, redisMissing, removeQueue, startWorker, type Spawned } from '../tests/helpers/queue.js';

export default async function benchQueue(): Promise<Record<string, number | string>> {
  const missing = await redisMissing();
  if (missing) return { skipped: `no Redis: ${missing}` };
  const root = await mkdtemp(join(tmpdir(), 'vanban-bench-queue-'));
  const queueName = `vanban-bench-${process.pid}`;
  const workers: Spawned[] = [];
  try {
    const input = join(root, 'in');
    await mkdir(input);
    for (const f of (await readdir('fixtures/clean')).filter((f) => f.endsWith('.pdf'))) await copyFile(join('fixtures/clean', f), join(input, f));

    const local = await convert(input, { out: join(root, 'local'), jobs: 2 });
    const localRate = local.pages / (local.seconds / 60);

    workers.push(await startWorker(queueName), await startWorker(queueName));
    const queued = await enqueue(input, { out: join(root, 'queued'), queue: REDIS_URL, queueName, jobs: 2, pollMs: 500 });
    const queueRate = queued.pages / (queued.seconds / 60);
    return {
      pages: local.pages,
      'local --jobs 2 pages/min': localRate,
      'queue, 2 workers --jobs 1, pages/min': queueRate,
      'queue / local': queueRate / localRate,
      'target queue / local': 0.95,
    };
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
    await removeQueue(queueName).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}
