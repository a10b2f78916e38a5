import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temp files being written right now, so an interrupted run can remove them on the way out. */
const liveTempFiles = new Set<string>();

/** Prefix of every temp file vanban writes; a crash leaves nothing else behind, and `cleanStaleTemps` can find these. */
export const TEMP_PREFIX = '.vanban-tmp-';

/**
 * Write a file so that readers see either the old content or the whole new one:
 * write a temp file in the same folder (same filesystem, so rename is atomic),
 * flush it to disk, then rename it over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
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

/** Remove the temp files of writes still in flight (for signal handlers: synchronous on purpose). */
export function removeLiveTempFiles(): void {
  for (const temp of liveTempFiles) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or removed.
    }
  }
  liveTempFiles.clear();
}
