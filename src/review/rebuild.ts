/**
 * Rewrite a reviewed document's outputs through the writers of src/output,
 * and the batch files that list it. Every output is rendered before any is
 * written, then each is replaced atomically (JSON last: it is what marks a
 * document done and what the next review session reads). The input scan is
 * only read.
 */
import { access, readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { writeFileAtomic } from '../output/atomic.js';
import { writeDocumentOutputs, OUTPUT_EXTENSIONS, OUTPUT_FORMATS, type OutputFormat } from '../output/index.js';
import { dublinCore, metadataCsv, metadataRow, type MetadataRow } from '../output/metadata.js';
import type { VanBanDocument } from '../types.js';
import { qualityCsv, type QualityCsvRow } from '../quality/index.js';
import { isDocumentJson } from './model.js';

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

/** Re-render and replace the document's outputs; returns the files written. */
export async function rebuildDocument(jsonPath: string, doc: VanBanDocument): Promise<string[]> {
  // formatsPresent lists json last, and writeDocumentOutputs writes in that order.
  return writeDocumentOutputs(doc, await formatsPresent(jsonPath), stemOf(jsonPath), { inputPath: doc.source });
}

const BATCH_FILES = ['report.csv', 'metadata.csv', 'metadata.dc.json'] as const;

/**
 * Rewrite report.csv, metadata.csv and metadata.dc.json of the output folder
 * (those that exist) from the document JSONs, as the batch wrote them.
 */
export async function rebuildBatchFiles(outDir: string, jsonPaths: readonly string[]): Promise<string[]> {
  const present = [];
  for (const name of BATCH_FILES) if (await exists(resolve(outDir, name))) present.push(name);
  if (present.length === 0) return [];
  const results: Array<{ stem: string; file: string; pages: number; seconds: number; score: number; flagged: number[]; row: MetadataRow }> = [];
  for (const path of jsonPaths) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch {
      continue;
    }
    if (!isDocumentJson(json)) continue;
    const stem = stemOf(path);
    results.push({
      stem,
      file: json.source,
      pages: json.pages.length,
      seconds: json.seconds ?? 0,
      score: json.quality.score,
      flagged: json.quality.flaggedPages,
      row: metadataRow(json.source, json.document, json.pages.length, json.quality.score),
    });
  }
  results.sort((a, b) => (a.stem < b.stem ? -1 : 1));
  const written: string[] = [];
  for (const name of present) {
    const path = resolve(outDir, name);
    if (name === 'report.csv') {
      const rows: QualityCsvRow[] = results.map((r) => ({ file: r.file, pages: r.pages, score: r.score, flaggedPages: r.flagged, seconds: r.seconds }));
      await writeFileAtomic(path, qualityCsv(rows));
    } else if (name === 'metadata.csv') {
      await writeFileAtomic(path, metadataCsv(results.map((r) => r.row)));
    } else {
      const dc = results.map((r) => ({ output: relative(outDir, r.stem) || r.file, ...dublinCore(r.row) }));
      await writeFileAtomic(path, `${JSON.stringify(dc, null, 2)}\n`);
    }
    written.push(path);
  }
  return written;
}
