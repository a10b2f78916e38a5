/**
 * `convert --queue`: the same batch as a local run (walk, lock, plan, state, catalogue, events),
 * but the documents go to a BullMQ queue on Redis and workers anywhere convert them. This
 * process follows the queue's events for progress, records each finished document in the
 * folder's state, and writes the catalogue files at the end, as a local run does.
 *
 * Stopping it does not stop the work: the jobs stay in Redis and the workers go on. Rerunning
 * the same command adds nothing new (job ids from path, size and mtime), takes in what
 * finished meanwhile, and waits for the rest.
 */
import { rm, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { FlowProducer, Queue, QueueEvents, type Job } from 'bullmq';
import { VanbanError } from '../errors.js';
import { runBatch, validateFormats, type BatchSummary, type ConvertOptions, type FileResult, type TodoInput } from './convert.js';
import { bullConnection, describeRedisError, liveWorkers, parseRedisUrl, probeRedis, type RedisTarget } from './queue-redis.js';
import {
  addDocumentFlow,
  DEFAULT_QUEUE_NAME,
  decodeFailure,
  documentId,
  pagesDir,
  parsePageJobId,
  type DocumentJobData,
  type DocumentJobResult,
  type QueueSettings,
} from './queue-jobs.js';
import type { BatchState } from './state.js';
import type { OutputFormat } from '../output/index.js';

export interface QueueConvertOptions extends ConvertOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379/0. */
  queue: string;
  queueName?: string;
  /** How often to look at jobs whose events may have been missed (ms; default 2000). */
  pollMs?: number;
}

export interface QueueHandles {
  target: RedisTarget;
  queue: Queue;
  flows: FlowProducer;
  close(): Promise<void>;
}

/** Connect to a queue (after a probe that turns a wrong URL or a stopped Redis into one clear error). */
export async function openQueue(url: string, queueName = DEFAULT_QUEUE_NAME): Promise<QueueHandles> {
  const target = parseRedisUrl(url);
  await probeRedis(target);
  const connection = bullConnection(target);
  const queue = new Queue(queueName, { connection });
  const flows = new FlowProducer({ connection });
  // Connection trouble after the probe is reported by the calls that meet it.
  queue.on('error', () => undefined);
  flows.on('error', () => undefined);
  return {
    target,
    queue,
    flows,
    close: async () => {
      await Promise.allSettled([queue.close(), flows.close()]);
    },
  };
}

const settingsOf = (options: ConvertOptions): QueueSettings => ({
  preprocess: options.preprocess ?? true,
  restore: options.restore ?? true,
  ...(options.language !== undefined && { language: options.language }),
  ...(options.imageDpi !== undefined && { imageDpi: options.imageDpi }),
  ...(options.existingText !== undefined && { existingText: options.existingText }),
  ...(options.pdfa !== undefined && { pdfa: options.pdfa }),
});

const pageList = (input: TodoInput): number[] => input.selection ?? Array.from({ length: input.pages }, (_, i) => i + 1);

/** A job's return value, whichever way BullMQ hands it over (parsed, or JSON text from an event). */
function parseResult<T>(value: unknown): T | undefined {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as T;
    } catch {
      return undefined;
    }
  }
  return (value ?? undefined) as T | undefined;
}

/**
 * Queue a batch and wait for the workers to finish it; resolves with the same summary
 * as `convert`. Throws a VanbanError (USAGE) when Redis cannot be reached.
 */
export async function enqueue(inputs: string | readonly string[], options: QueueConvertOptions): Promise<BatchSummary> {
  const name = options.queueName ?? DEFAULT_QUEUE_NAME;
  const handles = await openQueue(options.queue, name);
  const { queue, flows, target } = handles;
  const connection = bullConnection(target);
  const events = new QueueEvents(name, { connection });
  events.on('error', () => undefined);
  const formats: OutputFormat[] = validateFormats(options.formats);
  const settings = settingsOf(options);
  // --pages as asked (not as cut to each file): the id is then known before the file is opened.
  const idOf = (outDir: string, input: { path: string; size: number; mtimeMs: number }): string => documentId(outDir, input, options.pages ?? [], formats, settings);
  try {
    await events.waitUntilReady();
    return await runBatch(
      inputs,
      options,
      async ({ outDir, state, saver, todo, emit, fail }) => {
        interface Tracked {
          input: TodoInput;
          pagesSeen: Set<number>;
          done: boolean;
        }
        const tracked = new Map<string, Tracked>();
        const converted: FileResult[] = [];
        let pages = 0;
        let outstanding = 0;
        let finish: () => void = () => undefined;
        const allDone = new Promise<void>((resolve) => (finish = resolve));
        let lastProgress = Date.now();

        // A finished document that cannot be recorded (the state could not be saved) is said, not swallowed.
        const trouble = (error: unknown): void => emit({ type: 'notice', file: outDir, message: `could not record a finished document: ${(error as Error)?.message ?? String(error)}` });
        const pageDone = (docId: string, page: number): void => {
          const t = tracked.get(docId);
          if (!t || t.done || t.pagesSeen.has(page)) return;
          t.pagesSeen.add(page);
          lastProgress = Date.now();
          emit({ type: 'page', file: t.input.path, page });
        };
        const settle = (docId: string): Tracked | undefined => {
          const t = tracked.get(docId);
          if (!t || t.done) return undefined;
          t.done = true;
          lastProgress = Date.now();
          return t;
        };
        // Called once a settled document is fully recorded, so the run ends with every record in.
        const recorded = (): void => {
          outstanding -= 1;
          if (outstanding === 0) finish();
        };
        const completed = async (docId: string, value: unknown): Promise<void> => {
          const output = parseResult<DocumentJobResult>(value);
          if (!output?.record) return;
          const t = settle(docId);
          if (!t) return;
          for (const page of pageList(t.input)) pageDone(docId, page);
          try {
            state.documents[output.record.stem] = output.record;
            delete state.pending[output.record.stem];
            delete state.failures[t.input.path];
            await saver.save();
            // Recorded: its page results are no longer needed (kept till now for a racing second run).
            await rm(pagesDir(outDir, docId), { recursive: true, force: true });
            pages += output.result.pages;
            converted.push(output.result);
            emit({ type: 'file-done', result: output.result });
          } finally {
            recorded();
          }
        };
        const failed = async (docId: string, reason: string | undefined): Promise<void> => {
          const t = settle(docId);
          if (!t) return;
          try {
            fail(t.input.path, decodeFailure(reason, t.input.relative));
            await saver.save();
          } finally {
            recorded();
          }
        };

        events.on('completed', ({ jobId, returnvalue }) => {
          const page = parsePageJobId(jobId);
          if (page) pageDone(page.docId, page.page);
          else void completed(jobId, returnvalue).catch(trouble);
        });
        events.on('failed', ({ jobId, failedReason }) => {
          if (!parsePageJobId(jobId)) void failed(jobId, failedReason).catch(trouble);
        });

        /** Where a document's job stands; settles it when finished. */
        const check = async (docId: string, job?: Job): Promise<void> => {
          const current = job ?? (await queue.getJob(docId));
          if (!current) {
            await failed(docId, JSON.stringify({ code: 'INTERNAL', message: 'its job was removed from the queue (vanban queue drain?); rerun to queue it again' }));
            return;
          }
          const where = await current.getState();
          if (where === 'completed') await completed(docId, current.returnvalue);
          else if (where === 'failed') await failed(docId, current.failedReason);
          else if (where === 'waiting-children') {
            for (const key of Object.keys(await current.getChildrenValues())) {
              const page = parsePageJobId(key.split(':').pop() ?? '');
              if (page) pageDone(docId, page.page);
            }
          }
        };

        // Queue what is not queued yet; a document queued by an earlier run is followed, not added again.
        const queueOne = async (input: TodoInput, docId: string): Promise<void> => {
          const existing = await queue.getJob(docId);
          const where = existing ? await existing.getState() : undefined;
          // Finished jobs are redone (failed ones, or --force, or outputs gone since): as a local rerun does.
          if (existing && (where === 'failed' || where === 'completed')) await existing.remove({ removeChildren: true });
          if (!existing || where === 'failed' || where === 'completed' || where === 'unknown') {
            const data: DocumentJobData = {
              out: outDir,
              input: { path: input.path, relative: input.relative, outputStem: input.outputStem },
              size: input.size,
              mtimeMs: input.mtimeMs,
              pages: pageList(input),
              formats,
              settings,
            };
            await addDocumentFlow(flows, name, docId, data);
          } else {
            await check(docId, existing);
          }
        };
        const fresh: Array<[TodoInput, string]> = [];
        for (const input of todo) {
          const docId = idOf(outDir, input);
          if (tracked.has(docId)) continue;
          tracked.set(docId, { input, pagesSeen: new Set(), done: false });
          outstanding += 1;
          fresh.push([input, docId]);
        }
        // A few at a time: round trips overlap, and a huge batch is queued in minutes, not hours.
        for (let i = 0; i < fresh.length; i += 32) await Promise.all(fresh.slice(i, i + 32).map(([input, docId]) => queueOne(input, docId)));

        // Events can be missed (a reconnect, jobs finished before this run): look now and then.
        const pollMs = options.pollMs ?? 2000;
        let warned = 0;
        const poller = setInterval(() => {
          void (async () => {
            const open = [...tracked.entries()].filter(([, t]) => !t.done).slice(0, 200);
            for (const [docId] of open) await check(docId);
            if (Date.now() - lastProgress > 30_000 && Date.now() - warned > 60_000) {
              warned = Date.now();
              const workers = await liveWorkers(target, name);
              if (workers.length === 0) {
                emit({ type: 'notice', file: outDir, message: `no worker is running on queue "${name}" (${target.shown}); start one: vanban worker --queue ${target.shown}` });
              }
            }
          })().catch((error: unknown) => {
            if (Date.now() - warned > 10_000) {
              warned = Date.now();
              emit({ type: 'notice', file: outDir, message: `queue ${target.shown}: ${describeRedisError(error, target)}; retrying` });
            }
          });
        }, pollMs);
        try {
          if (outstanding > 0) await allDone;
        } finally {
          clearInterval(poller);
        }
        return { converted, pages };
      },
      {
        // Documents workers finished while no enqueuing command was running count as converted.
        adopt: async (state: BatchState, outDir: string, files) => {
          for (const file of files) {
            const info = await stat(file.path).catch(() => undefined);
            if (!info) continue;
            const docId = idOf(outDir, { path: file.path, size: info.size, mtimeMs: info.mtimeMs });
            const job = await queue.getJob(docId);
            if (!job || !(await job.isCompleted())) continue;
            const output = parseResult<DocumentJobResult>(job.returnvalue);
            if (!output?.record || output.record.stem.startsWith('..') || isAbsolute(output.record.stem)) continue;
            state.documents[output.record.stem] = output.record;
            delete state.failures[file.path];
          }
        },
      },
    );
  } catch (error) {
    if (error instanceof VanbanError) throw error;
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code && /^E[A-Z]+$/.test(code) && !['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EISDIR'].includes(code)) {
      throw new VanbanError('USAGE', `queue ${target.shown}: ${describeRedisError(error, target)}`);
    }
    throw error;
  } finally {
    await events.close().catch(() => undefined);
    await handles.close();
  }
}
