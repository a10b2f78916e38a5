import { lstat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { InputFile } from './walk.js';

export interface PlannedInput extends InputFile {
  /** Output path without extension: `<out>/<relative path without extension>`. */
  outputStem: string;
}

/** The batch state folder and the catalogue files at the top of the output folder. */
export const STATE_DIR = '_vanban';
export const CATALOGUE_FILES = ['errors.json', 'report.csv', 'review.csv', 'metadata.csv', 'metadata.dc.json'] as const;
/** Top-level stems whose outputs would land on a catalogue file or the state folder. */
const RESERVED_STEMS = new Set(['errors', 'report', 'review', 'metadata', 'metadata.dc', STATE_DIR]);

/**
 * Map inputs to output stems. Two inputs that would share one stem
 * (`a.pdf` and `a.png` side by side, or the same relative path under two roots)
 * keep their extension in the stem, and a numeric suffix past that, so no output
 * ever overwrites another input's. An input whose outputs would take a batch file's
 * name (`errors.png` → errors.json) or live in the state folder keeps its extension
 * in the stem (`errors.png.json`), so the batch files never collide with documents.
 */
export function planOutputs(files: readonly InputFile[], outDir: string): PlannedInput[] {
  const stemOf = (rel: string): string => {
    const stem = rel.slice(0, rel.length - extname(rel).length);
    const [first, ...rest] = stem.split('/');
    if (!RESERVED_STEMS.has(first!.toLowerCase())) return stem;
    return rest.length === 0 ? rel : [`${first}.input`, ...rest].join('/');
  };
  const counts = new Map<string, number>();
  for (const file of files) counts.set(stemOf(file.relative).toLowerCase(), (counts.get(stemOf(file.relative).toLowerCase()) ?? 0) + 1);
  const used = new Set<string>();
  return files.map((file) => {
    let stem = (counts.get(stemOf(file.relative).toLowerCase()) ?? 0) > 1 ? file.relative : stemOf(file.relative);
    if (RESERVED_STEMS.has(stem.split('/')[0]!.toLowerCase())) stem = stemOf(stem);
    // Case-insensitive: on macOS and Windows A.pdf and a.pdf share their outputs.
    const base = stem;
    for (let n = 2; used.has(stem.toLowerCase()); n += 1) stem = `${base}.${n}`;
    used.add(stem.toLowerCase());
    return { ...file, outputStem: join(outDir, stem) };
  });
}

export interface ConflictContext {
  /** Real paths of every input of the run. */
  inputs: ReadonlySet<string>;
  /** Output paths vanban wrote in earlier runs (from the batch state): safe to replace. */
  ownOutputs: ReadonlySet<string>;
  /** Extensions of the outputs to write. */
  extensions: readonly string[];
}

/** Why `path` must not be written, or undefined when it is free or vanban's own. */
export async function outputConflict(path: string, context: ConflictContext): Promise<string | undefined> {
  if (context.inputs.has(path)) return 'is an input';
  let info;
  try {
    info = await lstat(path);
  } catch {
    return undefined;
  }
  if (info.isDirectory()) return 'is a folder';
  if (info.isSymbolicLink()) return 'is a symbolic link';
  if (!info.isFile()) return 'is not a regular file';
  if (!context.ownOutputs.has(path)) return 'is a file vanban did not write';
  return undefined;
}

/**
 * Move a stem whose outputs would replace an input, a folder, a link or a file vanban did
 * not write to `<stem>.ocr` (then `.ocr-2`, …). Returns the reason when it moved.
 */
export async function avoidConflicts(
  input: PlannedInput,
  context: ConflictContext,
  taken: Set<string>,
): Promise<{ input: PlannedInput; reason?: string }> {
  let reason: string | undefined;
  for (let n = 1; n < 100; n++) {
    const stem = n === 1 ? input.outputStem : `${input.outputStem}.ocr${n === 2 ? '' : `-${n - 1}`}`;
    let conflict: string | undefined;
    if (taken.has(stem.toLowerCase())) conflict = 'is the output of another input';
    for (const ext of context.extensions) {
      if (conflict) break;
      const why = await outputConflict(`${stem}${ext}`, context);
      if (why) conflict = `${stem}${ext} ${why}`;
    }
    if (!conflict) {
      taken.add(stem.toLowerCase());
      return reason ? { input: { ...input, outputStem: stem }, reason } : { input };
    }
    reason ??= conflict;
  }
  return { input, reason: `${reason ?? 'conflict'}; no free name found` };
}
