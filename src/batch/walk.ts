import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { VanbanError } from '../errors.js';

/** File endings vanban reads; everything else in a walked folder is ignored. */
export const INPUT_EXTENSIONS: readonly string[] = ['.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'];

export interface InputFile {
  /** Absolute path (symlinks resolved: the file that is really read). */
  path: string;
  /** Path relative to the input root it was found under (its base name for a file given directly). */
  relative: string;
}

export interface WalkResult {
  files: InputFile[];
  /** Entries that are not usable inputs (unreadable folders, FIFOs, devices): reported, not fatal. */
  errors: VanbanError[];
  /** Entries deliberately left out, with the reason (symlinked folders, the output folder). */
  notices: Array<{ file: string; message: string }>;
}

export interface WalkOptions {
  /**
   * The output folder, compared by real path: a folder walked into it is not read (its
   * outputs would come back as inputs), unless it was named itself.
   */
  exclude?: string;
  /** Real paths of files never read as input (outputs of earlier runs), folders included. */
  skip?: ReadonlySet<string>;
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
  if (code === 'ELOOP') return new VanbanError('NOT_FILE', 'symbolic link loop', { file: path, cause: error });
  return new VanbanError('INTERNAL', `cannot read: ${(error as Error).message}`, { file: path, cause: error });
}

/** FIFOs, sockets and devices are never opened: reading a FIFO blocks until a writer comes. */
function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export const isInside = (path: string, folder: string): boolean => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/**
 * Expand the command line's files and folders into input files, folders walked
 * recursively in a stable (sorted) order. Paths are compared by real path, so the output
 * folder and earlier outputs are never read back as input, however they are reached. Hidden entries are skipped;
 * symlinks to files are followed, symlinks to folders are reported and not walked (no
 * loops, no escaping the root); FIFOs, sockets and devices are reported and never opened.
 * A named path that does not exist is an error the caller should treat as fatal.
 */
export async function walkInputs(inputs: readonly string[], options: WalkOptions = {}): Promise<WalkResult> {
  const files: InputFile[] = [];
  const errors: VanbanError[] = [];
  const notices: WalkResult['notices'] = [];
  const seen = new Set<string>();
  const exclude = options.exclude ? await realpath(resolve(options.exclude)).catch(() => resolve(options.exclude!)) : undefined;
  const skip = options.skip ?? new Set<string>();
  const excluded = (real: string): boolean => exclude !== undefined && isInside(real, exclude);

  const add = (real: string, rel: string): void => {
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ path: real, relative: rel });
  };

  const walk = async (root: string, dir: string): Promise<void> => {
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
      if (entry.isDirectory()) {
        if (skip.has(full)) continue;
        if (excluded(full) && !excluded(root)) notices.push({ file: full, message: 'is the output folder; not read as input' });
        else await walk(root, full);
      } else if (entry.isFile()) {
        if (isInput(entry.name) && !skip.has(full)) add(full, relative(root, full));
      } else if (entry.isSymbolicLink()) {
        let target: Stats;
        let real: string;
        try {
          real = await realpath(full);
          target = await stat(real);
        } catch (error) {
          if (isInput(entry.name)) errors.push(toVanbanError(error, full));
          else notices.push({ file: full, message: 'broken symbolic link; skipped' });
          continue;
        }
        if (target.isDirectory()) {
          notices.push({ file: full, message: 'symbolic link to a folder; not followed (name the folder itself to convert it)' });
        } else if (!isInput(entry.name)) {
          continue;
        } else if (excluded(real) || skip.has(real)) {
          notices.push({ file: full, message: 'symbolic link into the output folder; not read as input' });
        } else if (!target.isFile()) {
          errors.push(new VanbanError('NOT_FILE', `symbolic link to ${specialKind(target)}; not opened`, { file: full }));
        } else {
          add(real, relative(root, full));
        }
      } else if (isInput(entry.name)) {
        const info = await lstat(full).catch(() => undefined);
        errors.push(new VanbanError('NOT_FILE', `${info ? specialKind(info) : 'not a regular file'}; not opened`, { file: full }));
      } else {
        notices.push({ file: full, message: 'not a regular file (FIFO, socket or device); skipped' });
      }
    }
  };

  for (const input of inputs) {
    const path = resolve(input);
    let info: Stats;
    let real: string;
    try {
      real = await realpath(path);
      info = await stat(real);
    } catch (error) {
      errors.push(toVanbanError(error, input));
      continue;
    }
    if (info.isDirectory()) {
      await walk(real, real);
    } else if (!info.isFile()) {
      errors.push(new VanbanError('NOT_FILE', `${specialKind(info)}; not opened (give a PDF or image file)`, { file: input }));
    } else if (skip.has(real)) {
      notices.push({ file: input, message: 'is an output of an earlier run; not read as input' });
    } else {
      add(real, basename(path));
    }
  }
  return { files, errors, notices };
}
