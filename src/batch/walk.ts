import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { VanbanError } from '../errors.js';

/** File endings vanban reads; everything else in a walked folder is ignored. */
export const INPUT_EXTENSIONS: readonly string[] = ['.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'];

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the input root it was found under (its base name for a file given directly). */
  relative: string;
}

export interface WalkResult {
  files: InputFile[];
  /** Folders or named files that could not be read, with the reason: reported, not fatal. */
  errors: VanbanError[];
}

function isInput(name: string): boolean {
  return INPUT_EXTENSIONS.includes(extname(name).toLowerCase());
}

function toVanbanError(error: unknown, path: string): VanbanError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new VanbanError('ENOENT', 'no such file or folder', { file: path, cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new VanbanError('EACCES', 'permission denied: cannot read it (check its permissions)', { file: path, cause: error });
  }
  return new VanbanError('INTERNAL', `cannot read: ${(error as Error).message}`, { file: path, cause: error });
}

/**
 * Expand the command line's files and folders into input files, folders walked
 * recursively in a stable (sorted) order. Hidden entries and vanban's own temp
 * files are skipped; an unreadable folder is reported and the walk goes on.
 */
export async function walkInputs(inputs: readonly string[], options: { exclude?: string } = {}): Promise<WalkResult> {
  const files: InputFile[] = [];
  const errors: VanbanError[] = [];
  const seen = new Set<string>();
  const exclude = options.exclude ? resolve(options.exclude) : undefined;

  const add = (path: string, rel: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    files.push({ path, relative: rel });
  };

  const walk = async (root: string, dir: string): Promise<void> => {
    if (exclude && (dir === exclude || dir.startsWith(exclude + '/'))) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      errors.push(toVanbanError(error, dir));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(root, full);
      else if (entry.isFile() && isInput(entry.name)) add(full, relative(root, full));
    }
  };

  for (const input of inputs) {
    const path = resolve(input);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      errors.push(toVanbanError(error, input));
      continue;
    }
    if (info.isDirectory()) await walk(path, path);
    else add(path, relative(resolve(path, '..'), path));
  }
  return { files, errors };
}
