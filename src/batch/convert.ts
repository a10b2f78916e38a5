/**
 * Batch conversion: walk inputs, skip what is already done, convert the rest
 * with one shared pipeline, write every output atomically, and keep going past
 * bad files (each gets one clear error, collected in errors.json).
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { openSource } from '../pdf/index.js';
import { Pipeline, resolveJobs, type PipelineOptions, type VanBanDocument } from '../pipeline.js';
import { VanbanError, isVanbanError, type VanbanErrorCode } from '../errors.js';
import { writeFileAtomic } from '../output/atomic.js';
import { OUTPUT_FORMATS, renderOutputs, type OutputFormat } from '../output/index.js';
import { metadataCsv, metadataRow, dublinCore, type MetadataRow } from '../output/metadata.js';
import { qualityCsv, reviewCsv, reviewRows, type QualityCsvRow, type ReviewRow } from '../quality/index.js';
import type { VanBanStructure } from '../structure/index.js';
import { walkInputs } from './walk.js';
import { isUpToDate, planOutputs, type PlannedInput } from './plan.js';

export interface ConvertOptions extends PipelineOptions {
  /** Output folder (created when missing). */
  out: string;
  /** Reconvert inputs whose outputs are already up to date. */
  force?: boolean;
  /** Outputs per input (default json, txt, md). */
  formats?: OutputFormat[];
  /** Progress and log events. */
  onEvent?: (event: BatchEvent) => void;
}

export interface FileError {
  file: string;
  code: VanbanErrorCode;
  message: string;
}

export interface FileResult {
  file: string;
  outputStem: string;
  pages: number;
  seconds: number;
  quality: number;
  flaggedPages: number[];
  /** Catalogue data, for the batch's metadata files. */
  document: VanBanStructure;
  /** review.csv rows (flagged pages and words); absent for files skipped as up to date. */
  review?: ReviewRow[];
}

export type BatchEvent =
  | { type: 'planned'; files: number; pages: number; skipped: number }
  | { type: 'page'; file: string; page: number }
  | { type: 'file-done'; result: FileResult; document: VanBanDocument }
  | { type: 'file-skipped'; file: string }
  | { type: 'file-failed'; error: FileError };

export interface BatchSummary {
  /** Input files found. */
  files: number;
  converted: FileResult[];
  skipped: string[];
  failed: FileError[];
  /** Pages converted in this run. */
  pages: number;
  seconds: number;
}

export const DEFAULT_FORMATS: readonly OutputFormat[] = ['json', 'txt', 'md'];

function toFileError(error: unknown, file: string): FileError {
  if (isVanbanError(error)) {
    // The message already starts with the file it is about; when that is not the
    // input itself (a model file, say), keep it so the cause stays visible.
    const prefix = `${file}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { file, code: error.code, message };
  }
  return { file, code: 'INTERNAL', message: (error as Error)?.message ?? String(error) };
}

function validateFormats(formats: readonly string[] | undefined): OutputFormat[] {
  const list = formats ?? DEFAULT_FORMATS;
  if (list.length === 0) throw new VanbanError('USAGE', `formats must name at least one of ${OUTPUT_FORMATS.join(', ')}`);
  for (const format of list) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
      throw new VanbanError('USAGE', `unknown output format "${format}"; choose from ${OUTPUT_FORMATS.join(', ')}`);
    }
  }
  // json goes last: its presence marks an input as done (see isUpToDate).
  const unique = [...new Set(list)] as OutputFormat[];
  return [...unique.filter((f) => f !== 'json'), 'json'];
}

/**
 * Convert files and folders (walked recursively) into `options.out`.
 *
 * @example
 * const summary = await convert(['scans/'], { out: 'text/', jobs: 2 });
 * console.log(summary.converted.length, 'converted,', summary.failed.length, 'failed');
 */
export async function convert(inputs: string | readonly string[], options: ConvertOptions): Promise<BatchSummary> {
  const started = performance.now();
  const list = typeof inputs === 'string' ? [inputs] : inputs;
  if (list.length === 0) throw new VanbanError('USAGE', 'no input given: name at least one PDF, image or folder');
  if (!options.out) throw new VanbanError('USAGE', 'no output folder given (--out <dir>)');
  const formats = validateFormats(options.formats);
  const jobs = resolveJobs(options.jobs);
  const emit = options.onEvent ?? (() => undefined);
  const outDir = resolve(options.out);

  const walked = await walkInputs(list, { exclude: outDir });
  const failed: FileError[] = walked.errors.map((error) => toFileError(error, error.file ?? ''));
  for (const error of failed) emit({ type: 'file-failed', error });
  const planned = planOutputs(walked.files, outDir);
  const extensions = formats.map((f) => OUTPUT_EXTENSIONS[f]);

  // Count pages first so progress can show a total and an ETA; files that cannot
  // even be opened fail here, once, with their cause.
  const todo: Array<PlannedInput & { pages: number }> = [];
  const skipped: string[] = [];
  for (const input of planned) {
    if (!options.force && (await isUpToDate(input, extensions))) {
      skipped.push(input.path);
      emit({ type: 'file-skipped', file: input.path });
      continue;
    }
    try {
      const source = await openSource(input.path);
      todo.push({ ...input, pages: source.pageCount });
    } catch (error) {
      const fileError = toFileError(error, input.path);
      failed.push(fileError);
      emit({ type: 'file-failed', error: fileError });
    }
  }
  emit({ type: 'planned', files: planned.length, pages: todo.reduce((n, f) => n + f.pages, 0), skipped: skipped.length });

  const converted: FileResult[] = [];
  let pages = 0;
  if (todo.length > 0) {
    const pipeline = await Pipeline.create({ ...options, jobs });
    try {
      let next = 0;
      // More files in flight than workers: while one file is restored, scored and written
      // on the main thread, the next one is already read and preprocessed, so no worker waits.
      const lane = async (): Promise<void> => {
        while (next < todo.length) {
          const input = todo[next++]!;
          try {
            const document = await pipeline.convertFile(input.path, (event) =>
              emit({ type: 'page', file: event.source, page: event.page }),
            );
            const outputs = await renderOutputs(document, formats, { inputPath: input.path });
            for (const format of formats) {
              const content = outputs.get(format);
              if (content !== undefined) await writeFileAtomic(`${input.outputStem}${OUTPUT_EXTENSIONS[format]}`, content);
            }
            const result: FileResult = {
              file: input.path,
              outputStem: input.outputStem,
              pages: document.pages.length,
              seconds: document.seconds,
              quality: document.quality.score,
              flaggedPages: document.quality.flaggedPages,
              document: document.document,
              review: reviewRows(input.path, document.quality, document.pages.map((p) => p.ocr)),
            };
            pages += document.pages.length;
            converted.push(result);
            emit({ type: 'file-done', result, document });
          } catch (error) {
            const fileError = toFileError(error, input.path);
            failed.push(fileError);
            emit({ type: 'file-failed', error: fileError });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(jobs * 2, todo.length) }, lane));
    } finally {
      await pipeline.close();
    }
  }

  await writeBatchFiles(outDir, converted, planned.filter((p) => skipped.includes(p.path)), failed);
  return {
    files: planned.length,
    converted,
    skipped,
    failed,
    pages,
    seconds: (performance.now() - started) / 1000,
  };
}

export const OUTPUT_EXTENSIONS: Record<OutputFormat, string> = {
  json: '.json',
  txt: '.txt',
  md: '.md',
  pdf: '.pdf',
  alto: '.alto.xml',
};

/** What an earlier run's JSON says about a skipped input, so batch files cover the whole folder. */
async function previousResult(input: PlannedInput): Promise<FileResult | undefined> {
  try {
    const json = JSON.parse(await readFile(`${input.outputStem}.json`, 'utf8')) as {
      pages: unknown[];
      seconds?: number;
      quality: { score: number; flaggedPages: number[] };
      document: VanBanStructure;
    };
    return {
      file: input.path,
      outputStem: input.outputStem,
      pages: json.pages.length,
      seconds: json.seconds ?? 0,
      quality: json.quality.score,
      flaggedPages: json.quality.flaggedPages,
      document: json.document,
    };
  } catch {
    return undefined; // Written by another version or damaged: it will be redone next time anyway.
  }
}

/** errors.json, report.csv, metadata.csv and metadata.dc.json for the whole output folder. */
async function writeBatchFiles(
  outDir: string,
  converted: readonly FileResult[],
  skipped: readonly PlannedInput[],
  failed: readonly FileError[],
): Promise<void> {
  const previous = (await Promise.all(skipped.map(previousResult))).filter((r): r is FileResult => r !== undefined);
  const results = [...converted, ...previous].sort((a, b) => (a.outputStem < b.outputStem ? -1 : 1));
  const name = (r: FileResult): string => relative(outDir, r.outputStem) || r.file;
  const quality: QualityCsvRow[] = results.map((r) => ({
    file: r.file,
    pages: r.pages,
    score: r.quality,
    flaggedPages: r.flaggedPages,
    seconds: r.seconds,
  }));
  const rows: MetadataRow[] = results.map((r) => metadataRow(r.file, r.document, r.pages, r.quality));
  await writeFileAtomic(resolve(outDir, 'errors.json'), `${JSON.stringify(failed, null, 2)}\n`);
  await writeFileAtomic(resolve(outDir, 'report.csv'), qualityCsv(quality));
  await writeFileAtomic(resolve(outDir, 'review.csv'), reviewCsv(results.flatMap((r) => r.review ?? [])));
  await writeFileAtomic(resolve(outDir, 'metadata.csv'), metadataCsv(rows));
  const dc = results.map((r, i) => ({ output: name(r), ...dublinCore(rows[i]!) }));
  await writeFileAtomic(resolve(outDir, 'metadata.dc.json'), `${JSON.stringify(dc, null, 2)}\n`);
}
