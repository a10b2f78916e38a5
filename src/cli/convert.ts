/** `vanban convert`: argument parsing, progress and the end-of-batch summary. */
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { convert, type BatchEvent } from '../batch/convert.js';
import { removeLiveTempFiles } from '../output/atomic.js';
import { VanbanError } from '../errors.js';
import type { OutputFormat } from '../output/index.js';
import { ProgressReporter, formatDuration, pagesPerMinute, type ProgressState } from './progress.js';
import { usageError, type CliIo } from './io.js';

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1 || jobs > 64) {
    throw new VanbanError('USAGE', `--jobs takes a whole number from 1 to 64, got "${value}"`);
  }
  return jobs;
}

const show = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

export async function runConvertCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        jobs: { type: 'string', short: 'j' },
        force: { type: 'boolean', short: 'f' },
        formats: { type: 'string' },
        'no-preprocess': { type: 'boolean' },
        'no-restore': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw usageError(error);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new VanbanError('USAGE', 'convert needs at least one file or folder');
  if (!values.out) throw new VanbanError('USAGE', 'convert needs an output folder: --out <dir>');
  const formats = values.formats?.split(',').map((f) => f.trim()).filter(Boolean) as OutputFormat[] | undefined;

  const state: ProgressState = { pagesDone: 0, pagesTotal: 0, filesDone: 0, filesTotal: 0, failures: 0, startedAt: Date.now() };
  const progress = new ProgressReporter(io.stderr, state);
  const onEvent = (event: BatchEvent): void => {
    switch (event.type) {
      case 'planned':
        state.filesTotal = event.files - event.skipped;
        state.pagesTotal = event.pages;
        state.startedAt = Date.now();
        if (event.skipped > 0) progress.log(`${event.skipped} file(s) already converted, skipped (use --force to redo them)`);
        progress.tick(true);
        break;
      case 'page':
        state.pagesDone += 1;
        progress.tick();
        break;
      case 'file-done': {
        state.filesDone += 1;
        const { result } = event;
        const flagged = result.flaggedPages.length > 0 ? `, review pages ${result.flaggedPages.join(',')}` : '';
        progress.log(
          `ok   ${show(result.file)}: ${result.pages} page(s) in ${result.seconds.toFixed(1)} s, quality ${result.quality.toFixed(2)}${flagged}`,
        );
        break;
      }
      case 'file-skipped':
        break;
      case 'file-failed':
        state.failures += 1;
        progress.log(`FAIL ${show(event.error.file)}: ${event.error.message} [${event.error.code}]`);
        break;
    }
  };

  // An interrupted run leaves finished outputs in place (a rerun resumes) and no temp files.
  const onSignal = (signal: NodeJS.Signals): void => {
    removeLiveTempFiles();
    progress.done();
    io.stderr.write(`vanban: interrupted (${signal}); finished files are kept, rerun the same command to resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await convert(positionals, {
      out: values.out,
      jobs: parseJobs(values.jobs),
      force: values.force ?? false,
      formats,
      preprocess: !values['no-preprocess'],
      restore: !values['no-restore'],
      onEvent,
    });
    progress.done();
    const rate = summary.pages > 0 ? `, ${pagesPerMinute({ ...state, pagesDone: summary.pages }).toFixed(1)} pages/min` : '';
    io.stderr.write(
      `${summary.files} file(s): ${summary.converted.length} converted, ${summary.skipped.length} skipped, ` +
        `${summary.failed.length} failed; ${summary.pages} page(s) in ${formatDuration(summary.seconds)}${rate}\n`,
    );
    if (summary.converted.length > 0) {
      const flagged = summary.converted.filter((r) => r.flaggedPages.length > 0);
      const pages = flagged.reduce((n, r) => n + r.flaggedPages.length, 0);
      const mean = summary.converted.reduce((n, r) => n + r.quality, 0) / summary.converted.length;
      io.stderr.write(
        `Quality: mean score ${mean.toFixed(2)}; ${flagged.length} document(s) with ${pages} page(s) to review ` +
          `(see ${show(`${values.out}/report.csv`)})\n`,
      );
    }
    if (summary.failed.length > 0) {
      io.stderr.write(`Failures (also in ${show(`${values.out}/errors.json`)}):\n`);
      for (const failure of summary.failed) io.stderr.write(`  ${show(failure.file)}: ${failure.message} [${failure.code}]\n`);
      return 1;
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
