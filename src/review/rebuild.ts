/**
 * Rewrite a reviewed document's outputs through the writers of src/output,
 * and the batch files that list it. Every output is rendered before any is
 * written, then each is replaced atomically (JSON last: it is what marks a
 * document done and what the next review session reads). The input scan is
 * only read.
 */
import { access } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { writeDocumentOutputs, OUTPUT_EXTENSIONS, OUTPUT_FORMATS, type OutputFormat } from '../output/index.js';
import { pageImageReader } from '../pdf/index.js';
import type { VanBanDocument } from '../types.js';
import { writeCatalogue } from '../batch/convert.js';
import { CATALOGUE_FILES } from '../batch/plan.js';
import { loadState, StateWriter } from '../batch/state.js';
import { readDocumentJson } from './model.js';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** The output stem of a document JSON: "out/a/b.json" → "out/a/b". */
export const stemOf = (jsonPath: string): string => jsonPath.replace(/\.json$/i, '');

/** Formats the conversion wrote for this document (JSON always). */
export async function formatsPresent(jsonPath: string): Promise<OutputFormat[]> {
  const stem = stemOf(jsonPath);
  const present: OutputFormat[] = [];
  for (const format of OUTPUT_FORMATS) {
    if (format === 'json' || (await exists(`${stem}${OUTPUT_EXTENSIONS[format]}`))) present.push(format);
  }
  return [...present.filter((f) => f !== 'json'), 'json'];
}

/**
 * The input scan a document JSON was converted from. The JSON names it relative to its input
 * root (no local paths in outputs), so the batch state of the output folder that holds the JSON
 * gives the real path; a JSON without one (a library call, an older run) names it absolutely or
 * relative to the working folder.
 */
export async function inputOf(jsonPath: string, source: string): Promise<string> {
  for (let dir = dirname(resolve(jsonPath)); ; dir = dirname(dir)) {
    const record = (await loadState(dir)).documents[relative(dir, stemOf(resolve(jsonPath)))];
    if (record) return record.input;
    if (dirname(dir) === dir) break;
  }
  return resolve(source);
}

/** Re-render and replace the document's outputs from its input scan; returns the files written. */
export async function rebuildDocument(jsonPath: string, doc: VanBanDocument, input: string): Promise<string[]> {
  // formatsPresent lists json last, and writeDocumentOutputs writes in that order.
  return writeDocumentOutputs(doc, await formatsPresent(jsonPath), stemOf(jsonPath), { inputPath: input, pageImage: pageImageReader(input) });
}

/**
 * Bring the batch state's record of each reviewed document up to date and rewrite the
 * folder's catalogue files from it, as a convert run would: the corrected fields and
 * quality then survive the next run's rewrite of report.csv and metadata.csv.
 */
export async function rebuildBatchFiles(outDir: string, jsonPaths: readonly string[]): Promise<string[]> {
  const state = await loadState(outDir);
  let changed = false;
  for (const path of jsonPaths) {
    const record = state.documents[relative(outDir, stemOf(path))];
    if (!record) continue; // not converted by a batch run into this folder: no catalogue lists it
    const json = await readDocumentJson(path);
    if (!json) continue;
    const { agency, number, symbol, date, type, title } = json.document;
    Object.assign(record, { agency, number, symbol, date, type, title, quality: json.quality.score, flaggedPages: json.quality.flaggedPages });
    changed = true;
  }
  if (!changed) return [];
  await new StateWriter(outDir, state).save();
  await writeCatalogue(outDir, state);
  return CATALOGUE_FILES.map((name) => resolve(outDir, name));
}
