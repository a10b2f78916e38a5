/** `vanban convert`: options (flags over vanban.config.json), progress and the end-of-batch summary. */
import { Command, Option } from 'commander';
import { join, relative } from 'node:path';
import { convert, releaseLocksSync, type BatchEvent, type ConvertOptions } from '../batch/convert.js';
import { enqueue } from '../batch/queue.js';
import { removeLiveTempFiles } from '../output/atomic.js';
import { VanbanError } from '../errors.js';
import { ProgressReporter, formatDuration, pagesPerMinute, type ProgressState } from './progress.js';
import { configure, type CommandResult } from './command.js';
import { CONFIG_FILE, readConfig, resolveSettings, SETTING_NAMES, type RawSettings, type SettingName } from './config.js';
import { EXIT } from './exit.js';
import type { CliIo } from './io.js';

const show = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

/** Commander's attribute name for each setting (`image-dpi` → imageDpi, `no-restore` → restore). */
const attribute = (name: SettingName): string =>
  (name.startsWith('no-') ? name.slice(3) : name).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function convertCommand(io: CliIo, result: CommandResult): Command {
  const command = configure(new Command('convert'), io)
    .description('convert PDFs and images (files or folders, walked recursively) into text, JSON, Markdown, searchable PDF, ALTO')
    .argument('[inputs...]', 'PDF, PNG, JPEG or TIFF files, or folders of them')
    .option('-o, --out <dir>', 'output folder (created when missing); required')
    .option('-j, --jobs <n>', 'OCR workers (default: the number of cores)')
    .option('-f, --force', 'convert again inputs already converted')
    .option('--formats <list>', 'outputs per input, from json,txt,md,pdf,alto,hocr,mets,page (default json,txt,md)')
    .addOption(new Option('-l, --language <lang>', 'OCR language (default vie)').choices(['vie', 'vie+eng']))
    .option('--pages <ranges>', 'convert only these pages, e.g. 1-3,5 (pages a file lacks are left out)')
    .option('--image-dpi <n>', 'resolution of image inputs that do not record one (default: 300)')
    .addOption(new Option('--output-type <type>', 'searchable PDF as PDF/A-2b (pdfa, default) or plain PDF').choices(['pdf', 'pdfa']))
    .option('--skip-text', 'pages that already have text keep it as it is and are not OCR\'d')
    .option('--force-ocr', 'rasterize and OCR every page, replacing any text it has')
    .option('--redo-ocr', 'replace invisible OCR layers, keep real text (the default, made explicit)')
    .option('--no-preprocess', 'skip preprocessing (grayscale only)')
    .option('--no-restore', 'skip diacritic restoration (raw OCR text)')
    .option('-q, --quiet', 'print only failures and the summary')
    .option('-v, --verbose', 'also print skipped inputs and each page as it is done')
    .option('--config <file>', `settings file (default: ./${CONFIG_FILE} when present)`)
    .option('--queue <url>', 'queue the work on Redis (e.g. redis://127.0.0.1:6379/0) for "vanban worker" processes instead of converting here')
    .option('--queue-name <name>', 'queue name with --queue (default vanban)')
    .addHelpText(
      'after',
      `
Settings may also come from ${CONFIG_FILE} in the working folder: a JSON object whose keys are
the long flag names, e.g. {"jobs": 2, "formats": "json,txt,pdf", "image-dpi": 300, "skip-text": true}.
Flags override it. Exit codes: 0 all converted, 1 some failed, 2 usage, 3 output folder unusable,
4 no inputs found, 130 interrupted.`,
    )
    .action(async (inputs: string[], opts: Record<string, unknown>, cmd: Command) => {
      const configPath = typeof opts.config === 'string' ? opts.config : undefined;
      const config = await readConfig(configPath, configPath !== undefined);
      const raw: RawSettings = {};
      const from = new Map<SettingName, string>();
      for (const name of SETTING_NAMES) {
        const key = attribute(name);
        if (cmd.getOptionValueSource(key) === 'cli') {
          // --no-x gives x = false; the setting is named for the flag.
          raw[name] = name.startsWith('no-') ? !(opts[key] as boolean) : opts[key];
          from.set(name, `--${name}`);
        } else if (config[name] !== undefined) {
          raw[name] = config[name];
          from.set(name, `${configPath ?? CONFIG_FILE}: "${name}"`);
        }
      }
      const settings = resolveSettings(raw, (name) => from.get(name) ?? `--${name}`);
      if (inputs.length === 0) throw new VanbanError('USAGE', 'convert needs at least one file or folder\nRun "vanban convert --help" for usage.');
      if (!settings.out) throw new VanbanError('USAGE', 'convert needs an output folder: --out <dir>');
      const queue = typeof opts.queue === 'string' ? { queue: opts.queue, ...(typeof opts.queueName === 'string' && { queueName: opts.queueName }) } : undefined;
      if (!queue && opts.queueName !== undefined) throw new VanbanError('USAGE', '--queue-name needs --queue <url>');
      result.code = await runConvert(inputs, { ...settings, out: settings.out }, io, queue);
    });
  return command;
}

async function runConvert(
  inputs: string[],
  settings: ReturnType<typeof resolveSettings> & { out: string },
  io: CliIo,
  queue?: { queue: string; queueName?: string },
): Promise<number> {
  const { quiet, verbose } = settings;
  const state: ProgressState = { pagesDone: 0, pagesTotal: 0, filesDone: 0, filesTotal: 0, failures: 0, startedAt: Date.now() };
  const progress = new ProgressReporter(io.stderr, state);
  const log = (line: string): void => {
    if (!quiet) progress.log(line);
  };
  let converted = 0;
  let skipped = 0;
  const onEvent = (event: BatchEvent): void => {
    switch (event.type) {
      case 'planned':
        state.filesTotal = event.files - event.skipped;
        state.pagesTotal = event.pages;
        state.startedAt = Date.now();
        if (event.skipped > 0) log(`${event.skipped} file(s) already converted, skipped (use --force to redo them)`);
        if (!quiet) progress.tick(true);
        break;
      case 'page':
        state.pagesDone += 1;
        if (verbose) progress.log(`     ${show(event.file)}: page ${event.page} done`);
        else if (!quiet) progress.tick();
        break;
      case 'file-done': {
        state.filesDone += 1;
        converted += 1;
        const { result } = event;
        const flagged = result.flaggedPages.length > 0 ? `, review pages ${pageRanges(result.flaggedPages)}` : '';
        const reason = result.reason ? ` (${result.reason})` : '';
        log(`ok   ${show(result.file)}: ${result.pages} page(s) in ${result.seconds.toFixed(1)} s, quality ${result.quality.toFixed(2)}${reason}${flagged}`);
        break;
      }
      case 'file-skipped':
        skipped += 1;
        if (verbose) progress.log(`skip ${show(event.file)}: already converted`);
        break;
      case 'file-failed':
        state.failures += 1;
        progress.log(`FAIL ${show(event.error.file)}: ${event.error.message} [${event.error.code}]`);
        break;
      case 'notice':
        log(`note ${show(event.file)}: ${event.message}`);
        break;
    }
  };

  // Signals end the run at once: temp files and the lock are removed, finished outputs
  // and the batch state stay (a rerun resumes), and the summary so far is printed.
  // With --queue the workers go on; a rerun takes in what they finished.
  const onSignal = (signal: NodeJS.Signals): void => {
    removeLiveTempFiles();
    releaseLocksSync();
    progress.done();
    io.stderr.write(
      `vanban: interrupted (${signal}): ${converted} file(s) converted, ${skipped} skipped, ${state.failures} failed so far; ` +
        `${state.pagesDone} page(s) done. Finished files are kept; rerun the same command to resume.\n` +
        (queue ? 'The queued documents stay in the queue and workers go on converting them.\n' : ''),
    );
    // A write already in the thread pool may create its temp file after the first pass.
    setTimeout(() => {
      removeLiveTempFiles();
      process.exit(EXIT.INTERRUPTED);
    }, 100);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const run = queue ? (list: string[], options: ConvertOptions) => enqueue(list, { ...options, ...queue }) : convert;
    const summary = await run(inputs, {
      out: settings.out,
      force: settings.force,
      preprocess: settings.preprocess,
      restore: settings.restore,
      onEvent,
      ...(settings.jobs !== undefined && { jobs: settings.jobs }),
      ...(settings.formats !== undefined && { formats: settings.formats }),
      ...(settings.language !== undefined && { language: settings.language }),
      ...(settings.pages !== undefined && { pages: settings.pages }),
      ...(settings.imageDpi !== undefined && { imageDpi: settings.imageDpi }),
      ...(settings.pdfa !== undefined && { pdfa: settings.pdfa }),
      ...(settings.existingText !== undefined && { existingText: settings.existingText }),
    });
    progress.done();
    const rate = summary.pages > 0 ? `, ${pagesPerMinute({ ...state, pagesDone: summary.pages }).toFixed(1)} pages/min` : '';
    io.stderr.write(
      `${summary.files} file(s): ${summary.converted.length} converted, ${summary.skipped.length} skipped, ` +
        `${summary.failed.length} failed; ${summary.pages} page(s) in ${formatDuration(summary.seconds)}${rate}\n`,
    );
    const report = show(join(summary.outDir, 'report.csv'));
    if (summary.converted.length > 0) {
      const flagged = summary.converted.filter((r) => r.flaggedPages.length > 0 || r.reason);
      const pages = flagged.reduce((n, r) => n + r.flaggedPages.length, 0);
      const mean = summary.converted.reduce((n, r) => n + r.quality, 0) / summary.converted.length;
      io.stderr.write(`Quality: mean score ${mean.toFixed(2)}; ${flagged.length} document(s) with ${pages} page(s) to review (see ${report})\n`);
      for (const r of summary.converted.filter((c) => c.reason)) io.stderr.write(`  ${show(r.file)}: ${r.reason}\n`);
    }
    if (summary.failed.length > 0) {
      io.stderr.write(`Failures (also in ${show(join(summary.outDir, 'errors.json'))}):\n`);
      for (const failure of summary.failed) io.stderr.write(`  ${failure.file}: ${failure.message} [${failure.code}]\n`);
      return EXIT.FAILED;
    }
    return EXIT.OK;
  } finally {
    progress.done();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Page numbers as ranges ("1-3,7"), so a 2,000-page document flagged throughout stays one short line. */
export function pageRanges(pages: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < pages.length; ) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j]! + 1) j++;
    parts.push(j > i ? `${pages[i]}-${pages[j]}` : String(pages[i]));
    i = j + 1;
  }
  return parts.join(',');
}
