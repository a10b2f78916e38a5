import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, TEMP_PREFIX } from '../src/output/atomic.js';
import { walkInputs } from '../src/batch/walk.js';
import { planOutputs } from '../src/batch/plan.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vanban-batch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the whole content and leaves no temp file', async () => {
    const target = join(dir, 'sub', 'a.txt');
    await writeFileAtomic(target, 'Độc lập - Tự do - Hạnh phúc\n');
    expect(await readFile(target, 'utf8')).toBe('Độc lập - Tự do - Hạnh phúc\n');
    expect((await readdir(join(dir, 'sub'))).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([]);
  });

  it('keeps the old file and removes its temp file when the rename fails', async () => {
    // A folder in the target's place makes rename fail after the temp file is written.
    const target = join(dir, 'taken');
    await mkdir(target);
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });
});

describe('walkInputs', () => {
  it('walks folders recursively in sorted order, keeping only supported inputs', async () => {
    await mkdir(join(dir, 'b', 'c'), { recursive: true });
    for (const name of ['b/c/z.pdf', 'b/a.PDF', 'x.png', 'notes.txt', '.hidden.pdf', 'b/scan.tiff']) {
      await writeFile(join(dir, name), 'x');
    }
    const { files, errors } = await walkInputs([dir]);
    expect(errors).toEqual([]);
    expect(files.map((f) => f.relative)).toEqual(['b/a.PDF', 'b/c/z.pdf', 'b/scan.tiff', 'x.png']);
  });

  it('reports a missing input and goes on with the rest', async () => {
    await writeFile(join(dir, 'a.pdf'), 'x');
    const { files, errors } = await walkInputs([join(dir, 'missing'), join(dir, 'a.pdf')]);
    expect(files.map((f) => f.relative)).toEqual(['a.pdf']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('ENOENT');
    expect(errors[0]!.message).toContain('missing');
  });

  it('does not walk into the output folder', async () => {
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out', 'old.pdf'), 'x');
    await writeFile(join(dir, 'in.pdf'), 'x');
    const { files } = await walkInputs([dir], { exclude: join(dir, 'out') });
    expect(files.map((f) => f.relative)).toEqual(['in.pdf']);
  });
});

describe('planOutputs / isUpToDate', () => {
  it('mirrors relative paths and keeps inputs that share a stem apart', () => {
    const plan = planOutputs(
      [
        { path: '/in/a.pdf', relative: 'a.pdf' },
        { path: '/in/a.png', relative: 'a.png' },
        { path: '/in/d/b.pdf', relative: 'd/b.pdf' },
      ],
      '/out',
    );
    expect(plan.map((p) => p.outputStem)).toEqual(['/out/a.pdf', '/out/a.png', '/out/d/b']);
  });

  it('maps inputs away from the batch files and the state folder', () => {
    const plan = planOutputs(
      [
        { path: '/in/errors.png', relative: 'errors.png' },
        { path: '/in/metadata.dc.jpg', relative: 'metadata.dc.jpg' },
        { path: '/in/Report.pdf', relative: 'Report.pdf' },
        { path: '/in/_vanban/x.pdf', relative: '_vanban/x.pdf' },
        { path: '/in/sub/errors.pdf', relative: 'sub/errors.pdf' },
      ],
      '/out',
    );
    expect(plan.map((p) => p.outputStem)).toEqual([
      '/out/errors.png',
      '/out/metadata.dc.jpg',
      '/out/Report.pdf',
      '/out/_vanban.input/x',
      '/out/sub/errors',
    ]);
  });
});
