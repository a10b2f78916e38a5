import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temp files being written right now, so an interrupted run can remove them on the way out. */
const liveTempFiles = new Set<string>();
/** Set on the way out of an interrupted run: no new temp file is started after it. */
let stopped = false;

/** Prefix of every temp file vanban writes; a crash leaves nothing else behind, and `cleanStaleTemps` removes these. */
export const TEMP_PREFIX = '.vanban-tmp-';

/**
 * Write a file so that readers see either the old content or the whole new one:
 * write a temp file in the same folder (same filesystem, so rename is atomic),
 * flush it to disk, then rename it over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  if (stopped) throw new Error(`not written, the run is ending: ${path}`);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}-${basename(path)}`);
  liveTempFiles.add(temp);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    liveTempFiles.delete(temp);
  }
}

/**
 * Remove the temp files of writes still in flight and start no new ones (for signal
 * handlers: synchronous on purpose). A write whose open() is still in the thread pool
 * creates its file after this pass: call it again just before exiting to catch those.
 */
export function removeLiveTempFiles(): void {
  stopped = true;
  for (const temp of liveTempFiles) {
    try {
      unlinkSync(temp);
    } catch {
      // Not created yet, already renamed or removed.
    }
  }
}

/** Whether a process of this id runs on this machine (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove temp files left under `dir` by a run that died mid-write (kill -9, power cut):
 * those whose writer process is gone. Symlinked folders are not followed. Returns their paths.
 */
export async function cleanStaleTemps(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(/^(\d+)-/.exec(entry.name.slice(TEMP_PREFIX.length))?.[1]);
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isAlive(pid))) continue;
    const path = join(entry.parentPath, entry.name);
    await unlink(path).then(
      () => removed.push(path),
      () => undefined,
    );
  }
  return removed;
}
