/** Shared by the queue tests: the CLI from source in a child process, a Redis probe, a queue cleaner. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openQueue } from '../../src/batch/queue.js';
import { parseRedisUrl, probeRedis } from '../../src/batch/queue-redis.js';

export const REDIS_URL = 'redis://127.0.0.1:6379/0';

/** Why the queue tests cannot run here (no Redis answering), or undefined when they can. */
export async function redisMissing(): Promise<string | undefined> {
  try {
    await probeRedis(parseRedisUrl(REDIS_URL), 2000);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export interface Spawned {
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when stderr has matched `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** `vanban <args>` from source (no build needed). */
export function vanban(args: string[]): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/vanban-cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of watchers) w();
  });
  child.stdout!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of watchers) w();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 300_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`timed out waiting for ${pattern} in:\n${stderr}`));
      }, timeoutMs);
      const check = (): void => {
        if (pattern.test(stderr)) {
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        }
      };
      watchers.add(check);
      check();
    });
  return { child, stderr: () => stderr, done, waitFor };
}

/** A worker process on a test queue; resolves once it takes jobs. */
export async function startWorker(queueName: string, extra: string[] = []): Promise<Spawned> {
  const worker = vanban(['worker', '--queue', REDIS_URL, '--queue-name', queueName, '-j', '1', ...extra]);
  await worker.waitFor(/worker ready/, 120_000);
  return worker;
}

/** Remove every key of a test queue. */
export async function removeQueue(queueName: string): Promise<void> {
  const handles = await openQueue(REDIS_URL, queueName);
  try {
    await handles.queue.obliterate({ force: true });
  } finally {
    await handles.close();
  }
}

/** A converted document's JSON without what differs from run to run (timings, dates). */
export function stable(json: string): unknown {
  return JSON.parse(json, (key, value: unknown) => (['seconds', 'timing', 'convertedAt', 'createdAt', 'generatedAt', 'failedAt'].includes(key) ? undefined : value));
}
