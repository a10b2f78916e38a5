/**
 * A fixed set of OCR workers sharing one queue. A page that fails rejects with
 * VanbanError('OCR_FAILED'); its worker is replaced (WASM state after an abort
 * is not trusted) and the other pages carry on.
 */
import { availableParallelism } from 'node:os';
import { VanbanError, isVanbanError } from '../errors.js';
import type { OcrPage, PreparedImage } from '../types.js';
import { createEngine, type OcrEngine, type OcrEngineOptions } from './engine.js';

export interface OcrPoolOptions extends OcrEngineOptions {
  /** Number of workers (default: os.availableParallelism()). Each holds ~150–250 MB. */
  jobs?: number;
  /** File name used in error messages (the pool itself works on images). */
  source?: string;
}

interface Task {
  prepared: PreparedImage;
  source: string | undefined;
  resolve: (page: OcrPage) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  engine: OcrEngine | undefined;
  busy: boolean;
  /** Set while a task runs: rejects it if the worker thread dies underneath. */
  onDeath?: (error: unknown) => void;
}

export class OcrPool {
  readonly size: number;
  private readonly options: OcrPoolOptions;
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private closed = false;

  private constructor(options: OcrPoolOptions, engines: OcrEngine[]) {
    this.options = options;
    this.size = engines.length;
    this.slots = engines.map((engine) => ({ engine, busy: false }));
    this.slots.forEach((slot) => this.watch(slot));
  }

  /** Starts `jobs` workers in parallel; fails with VanbanError('MODEL') if the engine cannot start. */
  static async create(options: OcrPoolOptions = {}): Promise<OcrPool> {
    const jobs = options.jobs ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(jobs) || jobs < 1) throw new VanbanError('USAGE', `jobs must be a positive whole number, got ${String(jobs)}`);
    const started = await Promise.allSettled(Array.from({ length: jobs }, () => createEngine(options)));
    const engines = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(engines.map((e) => e.terminate()));
      throw failure.reason;
    }
    return new OcrPool(options, engines);
  }

  /** OCR one prepared page; boxes come back in PageImage coordinates. */
  recognize(prepared: PreparedImage, source?: string): Promise<OcrPage> {
    if (this.closed) return Promise.reject(new VanbanError('INTERNAL', 'the OCR pool was terminated; create a new one'));
    return new Promise<OcrPage>((resolve, reject) => {
      this.queue.push({ prepared, source: source ?? this.options.source, resolve, reject });
      this.pump();
    });
  }

  /** Stops all workers. Queued pages are rejected. */
  async terminate(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new VanbanError('INTERNAL', 'the OCR pool was terminated before this page ran'));
    await Promise.all(this.slots.map(async (slot) => slot.engine?.terminate().catch(() => undefined)));
    for (const slot of this.slots) slot.engine = undefined;
  }

  private watch(slot: Slot): void {
    const thread = slot.engine?.thread;
    const died = (arg: unknown): void => {
      slot.onDeath?.(arg instanceof Error ? arg : new Error(`OCR worker thread exited (${String(arg)})`));
    };
    thread?.once('error', died);
    thread?.once('exit', died);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.closed || this.queue.length === 0) return;
      if (slot.busy || !slot.engine) continue;
      const task = this.queue.shift()!;
      slot.busy = true;
      void this.run(slot, slot.engine, task);
    }
  }

  private async run(slot: Slot, engine: OcrEngine, task: Task): Promise<void> {
    const file = task.source;
    try {
      const page = await new Promise<OcrPage>((resolve, reject) => {
        slot.onDeath = reject;
        engine.recognize(task.prepared).then(resolve, reject);
      });
      task.resolve(page);
      slot.onDeath = undefined;
      slot.busy = false;
    } catch (cause) {
      slot.onDeath = undefined;
      const message = String(cause instanceof Error ? cause.message : cause)
        .replace(/^(Error: )+/u, '')
        .replace(/\.+$/u, '');
      task.reject(
        isVanbanError(cause)
          ? cause
          : new VanbanError('OCR_FAILED', `OCR failed on page ${task.prepared.pageNumber} (${message}); the page was skipped. Check that the page image is readable, or re-scan it`, {
              ...(file ? { file } : {}),
              cause,
            }),
      );
      await this.replace(slot, engine);
    }
    this.pump();
  }

  private async replace(slot: Slot, engine: OcrEngine): Promise<void> {
    slot.engine = undefined;
    await engine.terminate().catch(() => undefined);
    if (this.closed) return;
    try {
      slot.engine = await createEngine(this.options);
      this.watch(slot);
    } catch {
      // Leave the slot empty: the remaining workers keep serving the queue.
      if (this.slots.every((s) => !s.engine)) {
        for (const task of this.queue.splice(0)) task.reject(new VanbanError('OCR_FAILED', 'every OCR worker failed and none could be restarted'));
      }
    } finally {
      slot.busy = false;
    }
  }
}
