/**
 * `vanban worker --queue redis://…`: take conversion jobs from a queue until stopped.
 * Ctrl-C (or SIGTERM) finishes the jobs in progress and exits; a second one exits at once
 * (those jobs go back to the queue after the stall interval).
 */
import { Command } from 'commander';
import { runWorker } from '../batch/queue-worker.js';
import { DEFAULT_QUEUE_NAME } from '../batch/queue-jobs.js';
import { VanbanError } from '../errors.js';
import { configure, parseCommand, type CommandResult } from './command.js';
import { EXIT } from './exit.js';
import type { CliIo } from './io.js';

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new VanbanError('USAGE', `${flag} must be a positive number, got "${value}"`);
  return n;
}

export function workerCommand(io: CliIo, result: CommandResult): Command {
  return configure(new Command('worker'), io)
    .description('convert the documents queued by "vanban convert --queue" (any number of workers, on any machine that sees the files)')
    .requiredOption('--queue <url>', 'Redis URL of the queue, e.g. redis://127.0.0.1:6379/0')
    .option('--queue-name <name>', `queue name (default ${DEFAULT_QUEUE_NAME})`)
    .option('-j, --jobs <n>', 'OCR workers in this process (default: the number of cores)')
    .option('--lock-seconds <n>', "how long a killed worker's pages wait before another worker takes them (default 30)")
    .option('-q, --quiet', 'print only failures')
    .action(async (opts: { queue: string; queueName?: string; jobs?: string; lockSeconds?: string; quiet?: boolean }) => {
      const jobs = positive(opts.jobs, '--jobs');
      const lockSeconds = positive(opts.lockSeconds, '--lock-seconds');
      const stop = new AbortController();
      const log = (line: string): void => {
        if (!opts.quiet || /^(FAIL|Redis)/.test(line)) io.stderr.write(`${line}\n`);
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stop.signal.aborted) {
          io.stderr.write(`vanban worker: ${signal} again: exiting now; unfinished jobs return to the queue after the lock time\n`);
          process.exit(EXIT.INTERRUPTED);
        }
        io.stderr.write(`vanban worker: ${signal}: finishing the jobs in progress (${signal} again to exit at once)\n`);
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const summary = await runWorker({
          queue: opts.queue,
          signal: stop.signal,
          onLog: log,
          ...(opts.queueName !== undefined && { queueName: opts.queueName }),
          ...(jobs !== undefined && { jobs }),
          ...(lockSeconds !== undefined && { lockSeconds }),
        });
        io.stderr.write(`vanban worker: stopped; ${summary.documents} document(s) and ${summary.pages} page(s) done, ${summary.failed} document(s) failed\n`);
        result.code = stop.signal.aborted ? EXIT.INTERRUPTED : EXIT.OK;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}

export async function runWorkerCommand(args: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { code: 0 };
  return parseCommand(workerCommand(io, result), args, result);
}
