/**
 * Batch conversion: walk inputs, skip what is already done, convert the rest
 * with one shared pipeline, write every output atomically inside the output folder,
 * and keep going past bad files (each gets one clear error, collected in errors.json).
 *
 * Safety rules, checked before any OCR: the output folder is usable and locked; no
 * output replaces an input, a folder, a link or a file vanban did not write; nothing is
 * written outside the output folder (symlinks in it are not followed out).
 */
import { mkdir, realpath, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { openSource, pageImageReader } from '../pdf/index.js';
import { Pipeline, resolveJobs, type PipelineOptions, type VanBanDocument } from '../pipeline.js';
import { VanbanError, isVanbanError, type VanbanErrorCode } from '../errors.js';
import { cleanStaleTemps, writeFileAtomic } from '../output/atomic.js';
import { OUTPUT_EXTENSIONS, OUTPUT_FORMATS, writeDocumentOutputs, type OutputFormat } from '../output/index.js';
import { metadataCsv, metadataRow, dublinCore, reportCsv, reviewCsv } from '../output/metadata.js';
import { reviewRows, sortReviewRows } from '../quality/index.js';
import type { VanBanStructure } from '../structure/index.js';
import { isInside, walkInputs, type InputFile } from './walk.js';
import { avoidConflicts, planOutputs, STATE_DIR, type PlannedInput } from './plan.js';
import { loadState, lockOutputFolder, StateWriter, type BatchState, type DocumentRecord, type FolderLock } from './state.js';

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
  /** The input, relative to the input root it was found under. */
  file: string;
  code: VanbanErrorCode;
  message: string;
}

export interface FileResult {
  /** Absolute path of the input. */
  file: string;
  /** The input relative to its input root (what the catalogue files show). */
  source: string;
  outputStem: string;
  pages: number;
  seconds: number;
  quality: number;
  flaggedPages: number[];
  /** Why the whole document needs review (no text on any page), where it does. */
  reason?: string;
  /** Catalogue data, for the batch's metadata files. */
  document: VanBanStructure;
}

export type BatchEvent =
  | { type: 'planned'; files: number; pages: number; skipped: number }
  | { type: 'page'; file: string; page: number }
  /** `document` is absent when a queue worker converted the file (it stays on that worker). */
  | { type: 'file-done'; result: FileResult; document?: VanBanDocument }
  | { type: 'file-skipped'; file: string }
  | { type: 'file-failed'; error: FileError }
  | { type: 'notice'; file: string; message: string };

export interface BatchSummary {
  /** Input files found. */
  files: number;
  converted: FileResult[];
  skipped: string[];
  failed: FileError[];
  /** Pages converted in this run. */
  pages: number;
  seconds: number;
  /** The output folder's real path. */
  outDir: string;
}

export const DEFAULT_FORMATS: readonly OutputFormat[] = ['json', 'txt', 'md'];

export { OUTPUT_EXTENSIONS } from '../output/index.js';

export function toFileError(error: unknown, file: string): FileError {
  if (isVanbanError(error)) {
    // The message starts with the file it is about; strip it when that is the input itself.
    const message = error.file && error.message.startsWith(`${error.file}: `) ? error.message.slice(error.file.length + 2) : error.message;
    return { file, code: error.code, message };
  }
  const errno = (error as NodeJS.ErrnoException)?.code;
  if (errno === 'EISDIR') return { file, code: 'OUTPUT', message: 'an output path is a folder; move or rename that folder' };
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') {
    return { file, code: 'OUTPUT', message: `cannot write its outputs: ${(error as Error).message}` };
  }
  if (errno === 'ENOSPC') return { file, code: 'OUTPUT', message: 'no space left on the output disk' };
  return { file, code: 'INTERNAL', message: (error as Error)?.message ?? String(error) };
}

export function validateFormats(formats: readonly string[] | undefined): OutputFormat[] {
  const list = formats ?? DEFAULT_FORMATS;
  if (list.length === 0) throw new VanbanError('USAGE', `formats must name at least one of ${OUTPUT_FORMATS.join(', ')}`);
  for (const format of list) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
      throw new VanbanError('USAGE', `unknown output format "${format}"; choose from ${OUTPUT_FORMATS.join(', ')}`);
    }
  }
  return [...new Set(list)] as OutputFormat[];
}

/** Write one output, refusing any path that a symlink would take out of the output folder. */
async function writeOutput(outDir: string, target: string, content: string | Uint8Array): Promise<void> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const real = await realpath(dir);
  if (!isInside(real, outDir)) {
    throw new VanbanError('OUTPUT', `${relative(outDir, dir)} leads out of the output folder (a symbolic link); not followed`);
  }
  await writeFileAtomic(target, content);
}

/** Where an input is shown in the catalogue: relative to the input root that holds it. */
function sourceName(path: string, roots: readonly string[]): string {
  for (const root of roots) {
    if (isInside(path, root) && path !== root) return relative(root, path);
  }
  return relative(process.cwd(), path) || path;
}

/** The records of a document converted now, for the batch state. */
export function recordOf(input: PlannedInput, outDir: string, document: VanBanDocument, extensions: string[], size: number, mtimeMs: number): DocumentRecord {
  const d = document.document;
  const record: DocumentRecord = {
    input: input.path,
    source: input.relative,
    size,
    mtimeMs,
    stem: relative(outDir, input.outputStem),
    outputs: extensions,
    pages: document.pages.length,
    seconds: Math.round(document.seconds * 1000) / 1000,
    quality: document.quality.score,
    flaggedPages: document.quality.flaggedPages,
    agency: d.agency,
    number: d.number,
    symbol: d.symbol,
    date: d.date,
    type: d.type,
    title: d.title,
    convertedAt: new Date().toISOString(),
  };
  if (document.quality.reason) record.reason = document.quality.reason;
  const review = reviewRows(input.relative, document.quality, document.pages.map((p) => p.ocr));
  if (review.length > 0) record.review = review;
  return record;
}

async function isUpToDate(input: PlannedInput, outDir: string, state: BatchState, extensions: readonly string[]): Promise<boolean> {
  const record = state.documents[relative(outDir, input.outputStem)];
  if (!record || record.input !== input.path) return false;
  try {
    const source = await stat(input.path);
    if (source.size !== record.size || source.mtimeMs !== record.mtimeMs) return false;
    for (const ext of extensions) {
      if (!record.outputs.includes(ext)) return false;
      await stat(`${input.outputStem}${ext}`);
    }
    return true;
  } catch {
    return false;
  }
}

/** errors.json, report.csv, metadata.csv and metadata.dc.json for every document of the folder. */
export async function writeCatalogue(outDir: string, state: BatchState): Promise<void> {
  const entries = Object.values(state.documents).sort((a, b) => (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0));
  const rows = entries.map((e) => metadataRow(e.source, e, e.pages, e.quality));
  const failures = Object.values(state.failures)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map(({ file, code, message, failedAt }) => ({ file, code, message, failedAt }));
  await writeFileAtomic(join(outDir, 'errors.json'), `${JSON.stringify(failures, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'report.csv'), reportCsv(entries));
  await writeFileAtomic(join(outDir, 'review.csv'), reviewCsv(sortReviewRows(entries.flatMap((e) => e.review ?? []))));
  await writeFileAtomic(join(outDir, 'metadata.csv'), metadataCsv(rows));
  const dc = entries.map((e, i) => ({ output: e.stem, ...dublinCore(rows[i]!) }));
  await writeFileAtomic(join(outDir, 'metadata.dc.json'), `${JSON.stringify(dc, null, 2)}\n`);
}

/** Delete the outputs of sets a killed run left half-written; returns how many sets. */
async function removePartialSets(outDir: string, state: BatchState): Promise<number> {
  const stems = Object.keys(state.pending);
  for (const stem of stems) {
    const extensions = new Set([...state.pending[stem]!, ...(state.documents[stem]?.outputs ?? [])]);
    for (const ext of extensions) {
      const path = join(outDir, stem) + ext;
      if (isInside(path, outDir)) await unlink(path).catch(() => undefined);
    }
    delete state.documents[stem];
    delete state.pending[stem];
  }
  return stems.length;
}

/** Pages of `wanted` a file of `count` pages has. */
function pagesOf(wanted: readonly number[] | undefined, count: number): number[] | undefined {
  return wanted?.filter((n) => n <= count);
}

/** An input to convert in this run, with what its page count and state record need. */
export interface TodoInput extends PlannedInput {
  pages: number;
  selection: number[] | undefined;
  size: number;
  mtimeMs: number;
}

/** A planned batch, held under the output folder's lock: what a runner converts and records into. */
export interface PlannedBatch {
  outDir: string;
  state: BatchState;
  saver: StateWriter;
  formats: OutputFormat[];
  extensions: string[];
  jobs: number;
  todo: TodoInput[];
  emit: (event: BatchEvent) => void;
  /** Record a failure (state and event); the caller saves. */
  fail: (key: string, error: FileError) => void;
}

/** What a runner converted (failures go through `fail`). */
export interface BatchRun {
  converted: FileResult[];
  pages: number;
}

export interface BatchHooks {
  /**
   * Called under the lock before outputs are planned, with the inputs found: a runner whose
   * workers write outside this process (the queue) records their finished documents here,
   * so their outputs count as vanban's own and are not converted again.
   */
  adopt?: (state: BatchState, outDir: string, files: readonly InputFile[]) => Promise<void>;
}

/**
 * Walk, lock, plan and count pages; hand the work to `run`; then save the state and write the
 * catalogue. Shared by the local run (`convert`) and the queue (`enqueue`).
 */
export async function runBatch(
  inputs: string | readonly string[],
  options: ConvertOptions,
  run: (batch: PlannedBatch) => Promise<BatchRun>,
  hooks: BatchHooks = {},
): Promise<BatchSummary> {
  const started = performance.now();
  const list = typeof inputs === 'string' ? [inputs] : inputs;
  if (list.length === 0) throw new VanbanError('USAGE', 'no input given: name at least one PDF, image or folder');
  if (!options.out) throw new VanbanError('USAGE', 'no output folder given (--out <dir>)');
  const formats = validateFormats(options.formats);
  const jobs = resolveJobs(options.jobs);
  const emit = options.onEvent ?? (() => undefined);
  const extensions = formats.map((f) => OUTPUT_EXTENSIONS[f]);

  // Earlier runs' outputs (and the state folder) are never inputs, even when --out is an input folder.
  const outReal = await realpath(resolve(options.out)).catch(() => undefined);
  const earlier = outReal ? await loadState(outReal) : undefined;
  const skip = new Set<string>(outReal ? [join(outReal, STATE_DIR)] : []);
  if (outReal && earlier) {
    for (const d of Object.values(earlier.documents)) for (const ext of d.outputs) skip.add(join(outReal, d.stem) + ext);
    for (const [stem, exts] of Object.entries(earlier.pending)) for (const ext of exts) skip.add(join(outReal, stem) + ext);
  }
  const walked = await walkInputs(list, { exclude: options.out, skip });
  const missing = walked.errors.filter((e) => e.code === 'ENOENT' && list.includes(e.file ?? ''));
  if (missing.length > 0) {
    if (missing.length === 1) throw new VanbanError('ENOENT', 'no such file or folder', { file: missing[0]!.file! });
    throw new VanbanError('ENOENT', `no such files or folders: ${missing.map((e) => e.file).join(', ')}`);
  }
  if (walked.files.length === 0 && walked.errors.length === 0) {
    throw new VanbanError('NO_INPUTS', `no inputs found in ${list.join(', ')}: no ${['PDF', 'PNG', 'JPEG', 'TIFF'].join(', ')} file`);
  }
  for (const notice of walked.notices) emit({ type: 'notice', ...notice });

  const lock: FolderLock = await lockOutputFolder(options.out);
  heldLocks.add(lock);
  try {
    const outDir = lock.outDir;
    const stale = await cleanStaleTemps(outDir);
    if (stale.length > 0) emit({ type: 'notice', file: outDir, message: `removed ${stale.length} temp file(s) left by an interrupted run` });
    const state = await loadState(outDir);
    const saver = new StateWriter(outDir, state);
    const partial = await removePartialSets(outDir, state);
    if (partial > 0) emit({ type: 'notice', file: outDir, message: `removed ${partial} incomplete output set(s) left by an interrupted run; they are converted again` });
    await hooks.adopt?.(state, outDir, walked.files);
    const roots = await Promise.all(list.map((p) => realpath(resolve(p)).catch(() => resolve(p))));

    const failed: FileError[] = [];
    const fail = (key: string, error: FileError): void => {
      failed.push(error);
      state.failures[key] = { ...error, failedAt: new Date().toISOString() };
      emit({ type: 'file-failed', error });
    };
    for (const error of walked.errors) {
      const path = resolve(error.file ?? '');
      fail(path, toFileError(error, sourceName(path, roots)));
    }

    const ownOutputs = new Set(Object.values(state.documents).flatMap((d) => d.outputs.map((ext) => join(outDir, d.stem) + ext)));
    const context = { inputs: new Set(walked.files.map((f) => f.path)), ownOutputs, extensions };
    const taken = new Set<string>();
    const planned: PlannedInput[] = [];
    for (const input of planOutputs(walked.files, outDir)) {
      const safe = await avoidConflicts(input, context, taken);
      if (safe.reason) {
        const why = safe.reason.split(`${outDir}/`).join('');
        emit({ type: 'notice', file: input.path, message: `outputs renamed to ${relative(outDir, safe.input.outputStem)}.*: ${why}` });
      }
      planned.push(safe.input);
    }

    // Count pages first so progress can show a total and an ETA; files that cannot
    // even be opened fail here, once, with their cause.
    const todo: TodoInput[] = [];
    const skipped: string[] = [];
    for (const input of planned) {
      if (!options.force && (await isUpToDate(input, outDir, state, extensions))) {
        skipped.push(input.path);
        delete state.failures[input.path];
        emit({ type: 'file-skipped', file: input.path });
        continue;
      }
      try {
        const info = await stat(input.path);
        const source = await openSource(input.path);
        const selection = pagesOf(options.pages, source.pageCount);
        if (selection !== undefined && selection.length === 0) {
          throw new VanbanError('NO_PAGES', `none of the pages asked for exist; the file has ${source.pageCount} page(s)`, { file: input.path });
        }
        todo.push({ ...input, pages: selection?.length ?? source.pageCount, selection, size: info.size, mtimeMs: info.mtimeMs });
      } catch (error) {
        fail(input.path, toFileError(error, input.relative));
      }
    }
    emit({ type: 'planned', files: planned.length, pages: todo.reduce((n, f) => n + f.pages, 0), skipped: skipped.length });
    await saver.save();

    const { converted, pages } = todo.length > 0 ? await run({ outDir, state, saver, formats, extensions, jobs, todo, emit, fail }) : { converted: [], pages: 0 };

    await saver.save();
    await writeCatalogue(outDir, state);
    return { files: planned.length, converted, skipped, failed, pages, seconds: (performance.now() - started) / 1000, outDir };
  } finally {
    heldLocks.delete(lock);
    await lock.release();
  }
}

/** Outputs in writing order: JSON last, so a reader that sees it can trust the others are there. */
export function writingOrder(formats: readonly OutputFormat[]): OutputFormat[] {
  return [...formats.filter((f) => f !== 'json'), ...formats.filter((f) => f === 'json')];
}

/** Write a converted document's outputs into the output folder (atomic files, no path out of it). */
export async function writeOutputs(document: VanBanDocument, input: PlannedInput, outDir: string, formats: readonly OutputFormat[], pdfa: boolean | undefined): Promise<void> {
  // Outputs name the source relative to its input root, never an absolute local path.
  const shown: VanBanDocument = { ...document, source: input.relative };
  const context = { inputPath: input.path, pageImage: pageImageReader(input.path), ...(pdfa !== undefined && { outputType: pdfa ? ('pdfa' as const) : ('pdf' as const) }) };
  await writeDocumentOutputs(shown, writingOrder(formats), input.outputStem, context, (path, content) => writeOutput(outDir, path, content));
}

/** The summary line data of a converted document. */
export function fileResult(input: PlannedInput, document: VanBanDocument): FileResult {
  const result: FileResult = {
    file: input.path,
    source: input.relative,
    outputStem: input.outputStem,
    pages: document.pages.length,
    seconds: document.seconds,
    quality: document.quality.score,
    flaggedPages: document.quality.flaggedPages,
    document: document.document,
  };
  if (document.quality.reason) result.reason = document.quality.reason;
  return result;
}

/**
 * Convert files and folders (walked recursively) into `options.out`.
 *
 * @example
 * const summary = await convert(['scans/'], { out: 'text/', jobs: 2 });
 * console.log(summary.converted.length, 'converted,', summary.failed.length, 'failed');
 */
export async function convert(inputs: string | readonly string[], options: ConvertOptions): Promise<BatchSummary> {
  return runBatch(inputs, options, async ({ outDir, state, saver, formats, extensions, jobs, todo, emit, fail }) => {
    const converted: FileResult[] = [];
    let pages = 0;
    const pipeline = await Pipeline.create({ ...options, jobs });
    try {
      let next = 0;
      // More files in flight than workers: while one file is restored, scored and written
      // on the main thread, the next one is already read and preprocessed, so no worker waits.
      // The pipeline's page slots and pixel budget bound the memory of all of them together.
      const lane = async (): Promise<void> => {
        while (next < todo.length) {
          const input = todo[next++]!;
          try {
            const document = await pipeline.convertFile(
              input.path,
              (event) => emit({ type: 'page', file: event.source, page: event.page }),
              input.selection ? { pages: input.selection } : {},
            );
            const stem = relative(outDir, input.outputStem);
            state.pending[stem] = extensions;
            await saver.save();
            await writeOutputs(document, input, outDir, formats, options.pdfa);
            const result = fileResult(input, document);
            state.documents[stem] = recordOf(input, outDir, document, extensions, input.size, input.mtimeMs);
            delete state.pending[stem];
            delete state.failures[input.path];
            await saver.save();
            pages += document.pages.length;
            converted.push(result);
            emit({ type: 'file-done', result, document });
          } catch (error) {
            fail(input.path, toFileError(error, input.relative));
            await saver.save();
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(jobs * 2, todo.length) }, lane));
    } finally {
      await pipeline.close();
    }
    return { converted, pages };
  });
}

const heldLocks = new Set<FolderLock>();

/** Release the output folder locks of runs in progress (for signal handlers: synchronous). */
export function releaseLocksSync(): void {
  for (const lock of heldLocks) lock.releaseSync();
  heldLocks.clear();
}
