/**
 * A queue worker: takes page and document jobs from Redis and does them with the same
 * pipeline and writers as a local run. Any number of workers, on any machines that see the
 * same files, share one queue.
 *
 * Failure rules: a permanent failure (the input's own: corrupt, encrypted, …) fails its job
 * once, without retry; a transient one (a crash inside OCR, an unexpected error) is retried.
 * A worker killed mid-job loses nothing: its lock expires and, after the stall interval, another
 * worker takes the job again. Outputs are written atomically and page results are kept until the
 * enqueuing command has recorded the document, so two workers racing on one document both
 * finish it with the same whole files.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { assembleDocument, Pipeline, resolveJobs } from '../pipeline.js';
import { VanbanError } from '../errors.js';
import { writeFileAtomic } from '../output/atomic.js';
import { OUTPUT_EXTENSIONS } from '../output/index.js';
import type { ConvertedPage } from '../types.js';
import { fileResult, recordOf, toFileError, writeOutputs } from './convert.js';
import { bullConnection, describeRedisError, Heartbeat, parseRedisUrl, probeRedis } from './queue-redis.js';
import { hostname } from 'node:os';
import {
  DEFAULT_QUEUE_NAME,
  decodeFailure,
  encodeFailure,
  isTransient,
  pagesDir,
  parsePageJobId,
  type DocumentJob,
  type DocumentJobData,
  type DocumentJobResult,
  type PageJob,
  type PageJobResult,
  type QueueSettings,
} from './queue-jobs.js';
import { join } from 'node:path';

export interface WorkerOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379/0. */
  queue: string;
  queueName?: string;
  /** OCR workers in this process (default: the number of cores). */
  jobs?: number;
  /**
   * Seconds a job's lock lasts without renewal, and how often stalled jobs are looked for:
   * how long the pages of a killed worker wait before another takes them (default 30).
   */
  lockSeconds?: number;
  /** Stops the worker: jobs in progress finish, no new one is taken. */
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}

export interface WorkerSummary {
  pages: number;
  documents: number;
  failed: number;
}

const settingsKey = (s: QueueSettings): string => JSON.stringify([s.preprocess, s.restore, s.language ?? null, s.imageDpi ?? null, s.existingText ?? null]);

/** A failure as BullMQ should see it: permanent ones are never retried. */
function jobError(error: unknown, file: string): Error {
  if (error instanceof UnrecoverableError) return error;
  const failure = toFileError(error, file);
  return isTransient(failure.code) ? new Error(encodeFailure(failure)) : new UnrecoverableError(encodeFailure(failure));
}

async function checkUnchanged(path: string, size: number, mtimeMs: number): Promise<void> {
  const info = await stat(path);
  if (info.size !== size || info.mtimeMs !== mtimeMs) {
    throw new VanbanError('USAGE', 'the file changed after it was queued; queue it again (rerun the convert command)', { file: path });
  }
}

/**
 * A document job's second half: its saved pages assembled and its outputs written. The page
 * results stay where they are: the enqueuing command removes them once it has recorded the
 * document, so a second run of the same job (a worker too busy to renew its lock, the job taken
 * again) finds them too, and both runs write the same whole files instead of one failing.
 */
export async function assembleQueuedDocument(d: DocumentJobData, docId: string, seconds: number): Promise<DocumentJobResult> {
  const dir = pagesDir(d.out, docId);
  const pages: ConvertedPage[] = [];
  for (const page of d.pages) {
    const text = await readFile(join(dir, `${page}.json`), 'utf8').catch(() => {
      throw new UnrecoverableError(encodeFailure({ file: d.input.relative, code: 'INTERNAL', message: `the result of page ${page} is missing from ${dir}; convert the file again` }));
    });
    pages.push(JSON.parse(text) as ConvertedPage);
  }
  const document = assembleDocument(d.input.path, pages, seconds, d.settings.existingText ?? 'redo');
  await writeOutputs(document, d.input, d.out, d.formats, d.settings.pdfa);
  const extensions = d.formats.map((f) => OUTPUT_EXTENSIONS[f]);
  return { record: recordOf(d.input, d.out, document, extensions, d.size, d.mtimeMs), result: fileResult(d.input, document) };
}

/** Run a worker until `options.signal` aborts; returns what it did. */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const target = parseRedisUrl(options.queue);
  await probeRedis(target);
  const jobs = resolveJobs(options.jobs);
  const lockMs = Math.round((options.lockSeconds ?? 30) * 1000);
  if (!(lockMs >= 1000)) throw new VanbanError('USAGE', `the lock time must be at least 1 second, got ${String(options.lockSeconds)}`);
  const log = options.onLog ?? (() => undefined);
  const summary: WorkerSummary = { pages: 0, documents: 0, failed: 0 };

  // One pipeline (OCR pool) per set of settings; a batch normally has one.
  const pipelines = new Map<string, Promise<Pipeline>>();
  const pipelineFor = (settings: QueueSettings): Promise<Pipeline> => {
    const key = settingsKey(settings);
    let pipeline = pipelines.get(key);
    if (!pipeline) {
      pipeline = Pipeline.create({
        jobs,
        preprocess: settings.preprocess,
        restore: settings.restore,
        ...(settings.language !== undefined && { language: settings.language }),
        ...(settings.imageDpi !== undefined && { imageDpi: settings.imageDpi }),
        ...(settings.existingText !== undefined && { existingText: settings.existingText }),
      });
      pipelines.set(key, pipeline);
    }
    return pipeline;
  };

  const processPage = async (job: PageJob): Promise<PageJobResult> => {
    const d = job.data;
    try {
      await checkUnchanged(d.path, d.size, d.mtimeMs);
      const pipeline = await pipelineFor(d.settings);
      const started = performance.now();
      const document = await pipeline.convertFile(d.path, undefined, { pages: [d.page] });
      const page = document.pages[0];
      if (!page) throw new VanbanError('NO_PAGES', `page ${d.page} is not in the file`, { file: d.path });
      const dir = pagesDir(d.out, d.docId);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, `${d.page}.json`), JSON.stringify(page));
      return { page: d.page, seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      throw jobError(error, d.relative);
    }
  };

  const processDocument = async (job: DocumentJob): Promise<DocumentJobResult> => {
    const d = job.data;
    try {
      // A page that failed for good fails its document with that page's error (the first page's).
      const failures = Object.entries(await job.getIgnoredChildrenFailures());
      if (failures.length > 0) {
        const first = failures
          .map(([key, reason]) => ({ page: parsePageJobId(key.split(':').pop() ?? '')?.page ?? 0, reason }))
          .sort((a, b) => a.page - b.page)[0]!;
        await rm(pagesDir(d.out, job.id!), { recursive: true, force: true });
        throw new UnrecoverableError(encodeFailure(decodeFailure(first.reason, d.input.relative)));
      }
      const values = Object.values(await job.getChildrenValues<PageJobResult>());
      return await assembleQueuedDocument(d, job.id!, values.reduce((n, v) => n + v.seconds, 0));
    } catch (error) {
      throw jobError(error, d.input.relative);
    }
  };

  const connection = bullConnection(target);
  const worker = new Worker(
    options.queueName ?? DEFAULT_QUEUE_NAME,
    async (job: Job) => (job.name === 'page' ? processPage(job as PageJob) : processDocument(job as DocumentJob)),
    {
      connection,
      // One job more than OCR workers: while one page is restored on this thread, OCR stays busy.
      concurrency: jobs + 1,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 3,
      autorun: false,
    },
  );
  // Connection state comes from BullMQ's errors (lost, at once) and from the heartbeat (lost, and back).
  let lostSince: number | undefined;
  const lost = (error: unknown): void => {
    if (lostSince !== undefined) return;
    lostSince = Date.now();
    log(`Redis connection lost: ${describeRedisError(error, target, true)}; reconnecting…`);
  };
  worker.on('error', (error) => {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code !== undefined && /^E[A-Z]+$/.test(code)) || /connection|socket/i.test(error.message)) lost(error);
    // Other errors while Redis is away are that outage's echoes. Outside one: a lock not renewed in
    // time (this process too busy); the job may then run twice, and its outputs stay whole.
    else if (lostSince === undefined) log(`note ${error.message}`);
  });
  worker.on('completed', (job: Job, value: unknown) => {
    if (job.name === 'page') summary.pages += 1;
    else {
      summary.documents += 1;
      const { result } = value as DocumentJobResult;
      log(`ok   ${result.source}: ${result.pages} page(s), quality ${result.quality.toFixed(2)}`);
    }
  });
  worker.on('failed', (job: Job | undefined, error: Error) => {
    if (!job) return;
    const file = job.name === 'page' ? (job.data as { relative: string }).relative : (job.data as { input: { relative: string } }).input.relative;
    const failure = decodeFailure(error.message, file);
    const retry = !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    if (job.name === 'document') summary.failed += 1;
    log(`${retry ? 'retry' : 'FAIL'} ${failure.file}${job.name === 'page' ? ` page ${(job.data as { page: number }).page}` : ''}: ${failure.message} [${failure.code}]`);
  });

  const stopped = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const info = { host: hostname(), pid: process.pid, jobs, since: new Date().toISOString() };
  const heartbeat = Heartbeat.forWorker(target, queueName, `${hostname()}:${process.pid}`, info, lockMs * 2, (error) => {
    if (error) lost(error);
    else if (lostSince !== undefined) {
      log(`Redis connection back after ${Math.round((Date.now() - lostSince) / 1000)} s`);
      lostSince = undefined;
    }
  });
  heartbeat.start();
  try {
    const running = worker.run();
    log(`worker ready on ${target.shown} (queue "${options.queueName ?? DEFAULT_QUEUE_NAME}", ${jobs} OCR worker(s))`);
    await Promise.race([running, stopped]);
  } finally {
    await heartbeat.stop();
    await worker.close();
    for (const pipeline of pipelines.values()) await (await pipeline.catch(() => undefined))?.close();
  }
  return summary;
}
