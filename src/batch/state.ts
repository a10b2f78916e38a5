/**
 * The batch state of an output folder (`_vanban/state.json`): what every run converted
 * or failed, so resume works whatever the formats, and the catalogue files list every
 * document of the folder, across runs. Plus the lock that keeps two runs apart.
 */
import { mkdir, open, readFile, realpath, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VanbanError, type VanbanErrorCode } from '../errors.js';
import { isAlive, writeFileAtomic } from '../output/atomic.js';
import type { ReviewRow } from '../types.js';
import type { CatalogueEntry } from '../output/metadata.js';
import { STATE_DIR } from './plan.js';

export const STATE_VERSION = 1;

/**
 * One converted document: what its catalogue rows are built from (source is the input path
 * relative to its input root, stem the output stem relative to the output folder), plus what
 * resume needs.
 */
export interface DocumentRecord extends CatalogueEntry {
  /** Real path of the input (to recognise it on a rerun; never written to a catalogue file). */
  input: string;
  /** Input size and modification time when converted: a change means "convert again". */
  size: number;
  mtimeMs: number;
  /** Extensions written (".json", ".txt", …). */
  outputs: string[];
  flaggedPages: number[];
  /** review.csv rows of the document (flagged pages and their least certain words). */
  review?: ReviewRow[];
  convertedAt: string;
}

export interface FailureRecord {
  /** Input path relative to its root (or as named). */
  file: string;
  code: VanbanErrorCode;
  message: string;
  failedAt: string;
}

export interface BatchState {
  version: number;
  /** By output stem (relative to the output folder). */
  documents: Record<string, DocumentRecord>;
  /** By real input path: kept until that input converts. */
  failures: Record<string, FailureRecord>;
  /**
   * Output sets being written, by stem, with their extensions: a run killed mid-set leaves
   * them here, and the next run removes those files, so every set is whole or absent.
   */
  pending: Record<string, string[]>;
}

const emptyState = (): BatchState => ({ version: STATE_VERSION, documents: {}, failures: {}, pending: {} });

export function statePath(outDir: string): string {
  return join(outDir, STATE_DIR, 'state.json');
}

/** The folder's state; an absent or unreadable one starts afresh (outputs are then redone). */
export async function loadState(outDir: string): Promise<BatchState> {
  try {
    const parsed = JSON.parse(await readFile(statePath(outDir), 'utf8')) as Partial<BatchState>;
    if (parsed.version !== STATE_VERSION || typeof parsed.documents !== 'object' || typeof parsed.failures !== 'object') return emptyState();
    return { version: STATE_VERSION, documents: parsed.documents ?? {}, failures: parsed.failures ?? {}, pending: parsed.pending ?? {} };
  } catch {
    return emptyState();
  }
}

/** Saves the state; concurrent calls are serialised so the last state written is the newest. */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly outDir: string,
    readonly state: BatchState,
  ) {}

  save(): Promise<void> {
    const json = `${JSON.stringify(this.state)}\n`;
    this.chain = this.chain.then(() => writeFileAtomic(statePath(this.outDir), json));
    return this.chain;
  }
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function outputError(error: unknown, outDir: string): VanbanError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new VanbanError('OUTPUT', 'the output folder is not writable (permission denied or read-only); choose another --out', {
      file: outDir,
      cause: error,
    });
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new VanbanError('OUTPUT', '--out names a file, not a folder; choose a folder', { file: outDir, cause: error });
  }
  if (code === 'ENOSPC') return new VanbanError('OUTPUT', 'no space left on the disk of the output folder', { file: outDir, cause: error });
  return new VanbanError('OUTPUT', `cannot use the output folder: ${(error as Error).message}`, { file: outDir, cause: error });
}

/** A held lock on an output folder. */
export interface FolderLock {
  /** The output folder's real path. */
  outDir: string;
  release(): Promise<void>;
  /** For signal handlers: synchronous on purpose. */
  releaseSync(): void;
}

/**
 * Creates the output folder, checks that it is writable and takes its lock, all before
 * any OCR. A lock left by a run that died (its process is gone) is taken over.
 */
export async function lockOutputFolder(out: string): Promise<FolderLock> {
  try {
    await mkdir(out, { recursive: true });
    const outDir = await realpath(out);
    await mkdir(join(outDir, STATE_DIR), { recursive: true });
    const lockFile = join(outDir, STATE_DIR, 'lock');
    const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(`${JSON.stringify(me)}\n`);
        await handle.close();
        let released = false;
        const releaseSync = (): void => {
          if (released) return;
          released = true;
          try {
            unlinkSync(lockFile);
          } catch {
            // Already gone.
          }
        };
        return { outDir, releaseSync, release: async () => releaseSync() };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        let holder: LockInfo | undefined;
        try {
          holder = JSON.parse(await readFile(lockFile, 'utf8')) as LockInfo;
        } catch {
          holder = undefined; // Half-written by a run killed while taking it: stale.
        }
        if (holder && holder.pid !== process.pid && (holder.host !== me.host || isAlive(holder.pid))) {
          throw new VanbanError(
            'LOCKED',
            `another vanban run (pid ${holder.pid} on ${holder.host}, since ${holder.started}) is converting into this folder; ` +
              `wait for it, or remove ${lockFile} if that run is gone`,
            { file: out },
          );
        }
        await unlink(lockFile).catch(() => undefined);
      }
    }
    throw new VanbanError('LOCKED', 'could not take the output folder lock', { file: out });
  } catch (error) {
    if (error instanceof VanbanError) throw error;
    throw outputError(error, out);
  }
}
