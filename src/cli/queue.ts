/** `vanban queue status|retry-failed|drain --queue redis://…`: what operators do with a queue. */
import { Command } from 'commander';
import { openQueue } from '../batch/queue.js';
import { liveWorkers } from '../batch/queue-redis.js';
import { addDocumentFlow, DEFAULT_QUEUE_NAME, decodeFailure, type DocumentJobData } from '../batch/queue-jobs.js';
import { configure, type CommandResult } from './command.js';
import { EXIT } from './exit.js';
import type { CliIo } from './io.js';

interface QueueFlags {
  queue: string;
  queueName?: string;
}

const addQueueOptions = (command: Command): Command =>
  command
    .requiredOption('--queue <url>', 'Redis URL of the queue, e.g. redis://127.0.0.1:6379/0')
    .option('--queue-name <name>', `queue name (default ${DEFAULT_QUEUE_NAME})`);

export function queueCommand(io: CliIo, result: CommandResult): Command {
  const root = configure(new Command('queue'), io).description('look at and manage a conversion queue (status, retry-failed, drain)');

  root.addCommand(addQueueOptions(configure(new Command('status'), io))
    .description('jobs by state, connected workers, and the failed documents')
    .action(async (opts: QueueFlags) => {
      const handles = await openQueue(opts.queue, opts.queueName);
      try {
        const { queue } = handles;
        const counts = await queue.getJobCounts('waiting', 'active', 'waiting-children', 'delayed', 'completed', 'failed', 'prioritized');
        const workers = await liveWorkers(handles.target, queue.name);
        io.stdout.write(`queue "${queue.name}" on ${handles.target.shown}: ${workers.length} worker(s) running\n`);
        for (const w of workers) io.stdout.write(`  worker ${String(w.host)} pid ${String(w.pid)}, ${String(w.jobs)} OCR worker(s), since ${String(w.since)}\n`);
        io.stdout.write(
          `  pages waiting ${(counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0)}, in progress ${counts.active ?? 0}; ` +
            `documents waiting for pages ${counts['waiting-children'] ?? 0}, done ${counts.completed ?? 0}, failed ${counts.failed ?? 0}\n`,
        );
        const failed = (await queue.getJobs(['failed'], 0, 19)).filter((j) => j.name === 'document');
        for (const job of failed) {
          const data = job.data as DocumentJobData;
          const failure = decodeFailure(job.failedReason, data.input.relative);
          io.stdout.write(`  FAIL ${data.input.path}: ${failure.message} [${failure.code}]\n`);
        }
        result.code = EXIT.OK;
      } finally {
        await handles.close();
      }
    })
    .addHelpText('after', '\nPages in progress belong to live workers; a killed worker\'s pages return to "waiting" after its lock time.'));

  root.addCommand(addQueueOptions(configure(new Command('retry-failed'), io))
    .description('queue the failed documents again (all their pages), without the enqueuing command')
    .action(async (opts: QueueFlags) => {
      const handles = await openQueue(opts.queue, opts.queueName);
      try {
        const { queue, flows } = handles;
        let retried = 0;
        for (let start = 0; ; start += 100) {
          const jobs = await queue.getJobs(['failed'], start, start + 99);
          if (jobs.length === 0) break;
          for (const job of jobs.filter((j) => j.name === 'document' && j.id)) {
            await job.remove({ removeChildren: true });
            await addDocumentFlow(flows, queue.name, job.id!, job.data as DocumentJobData);
            retried += 1;
          }
          if (jobs.length < 100) break;
        }
        io.stdout.write(`${retried} failed document(s) queued again\n`);
        result.code = EXIT.OK;
      } finally {
        await handles.close();
      }
    }));

  root.addCommand(addQueueOptions(configure(new Command('drain'), io))
    .description('remove the documents not started yet (jobs in progress finish); --all also forgets finished ones')
    .option('--all', 'remove every job of the queue, finished or not (obliterate)')
    .action(async (opts: QueueFlags & { all?: boolean }) => {
      const handles = await openQueue(opts.queue, opts.queueName);
      try {
        const { queue } = handles;
        if (opts.all) {
          await queue.obliterate({ force: true });
          io.stdout.write(`queue "${queue.name}" emptied\n`);
        } else {
          const parents = await queue.getJobs(['waiting-children'], 0, -1);
          await queue.drain(true);
          let removed = 0;
          for (const job of parents) {
            // A document with a page in progress stays; it finishes.
            if (await job.remove({ removeChildren: true }).then(() => true, () => false)) removed += 1;
          }
          io.stdout.write(`${removed} queued document(s) removed; jobs in progress finish\n`);
        }
        result.code = EXIT.OK;
      } finally {
        await handles.close();
      }
    }));
  return root;
}
