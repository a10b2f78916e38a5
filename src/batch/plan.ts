import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { InputFile } from './walk.js';

export interface PlannedInput extends InputFile {
  /** Output path without extension: `<out>/<relative path without extension>`. */
  outputStem: string;
}

/**
 * Map inputs to output stems. Two inputs that would share one stem
 * (`a.pdf` and `a.png` side by side, or the same relative path under two roots)
 * keep their extension in the stem, and a numeric suffix past that, so no output
 * ever overwrites another input's.
 */
export function planOutputs(files: readonly InputFile[], outDir: string): PlannedInput[] {
  const stemOf = (rel: string): string => rel.slice(0, rel.length - extname(rel).length);
  const counts = new Map<string, number>();
  for (const file of files) counts.set(stemOf(file.relative), (counts.get(stemOf(file.relative)) ?? 0) + 1);
  const used = new Set<string>();
  return files.map((file) => {
    let stem = (counts.get(stemOf(file.relative)) ?? 0) > 1 ? file.relative : stemOf(file.relative);
    for (let n = 2; used.has(stem); n += 1) stem = `${file.relative}.${n}`;
    used.add(stem);
    return { ...file, outputStem: join(outDir, stem) };
  });
}

/**
 * An input is done when every output it needs exists and is newer than the input.
 * The JSON is written last, so its presence also means the others were written.
 */
export async function isUpToDate(input: PlannedInput, extensions: readonly string[]): Promise<boolean> {
  try {
    const source = await stat(input.path);
    for (const ext of extensions) {
      const output = await stat(`${input.outputStem}${ext}`);
      if (output.mtimeMs < source.mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}
