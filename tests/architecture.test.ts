/**
 * The house plan, checked on the import specifiers of every file under src/:
 * stages never reach up into the shells (cli, batch, review, the composer),
 * the text stages never touch files, images or OCR, and the writers see the
 * stages only through src/types.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** A module's place in the plan: its folder under src/, or its file name for top-level modules. */
const roomOf = (file: string): string => {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? rel[0]!.replace(/\.[jt]sx?$/, '') : rel[0]!;
};

interface Edge {
  from: string;
  to: string;
  fromRoom: string;
  toRoom: string;
}

/** Every relative import, re-export and dynamic import of every src file, resolved to the file or folder it names. */
function edges(): Edge[] {
  const result: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), fileName);
      const rel = path.relative(SRC, target);
      result.push({
        from: path.relative(SRC, file),
        to: rel,
        fromRoom: roomOf(file),
        toRoom: rel.startsWith('..') ? `outside src: ${rel}` : roomOf(target),
      });
    }
  }
  return result;
}

const STAGES = ['pdf', 'image', 'ocr', 'restore', 'structure', 'quality', 'output'];
const SHELLS = ['cli', 'batch', 'review', 'pipeline', 'index'];
const TEXT_STAGES = ['restore', 'structure', 'quality'];
/** Modules that belong to no stage: shared types, errors, affine maps, low-level pdf-lib helpers. */
const NEUTRAL = ['types', 'errors', 'affine', 'pdfdoc'];

const show = (list: Edge[]): string[] => list.map((e) => `${e.from} → ${e.to}`);

describe('architecture: import rules over src/', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all.some((e) => e.from === path.join('output', 'pdf.ts') && e.toRoom === 'pdfdoc')).toBe(true);
  });

  it('src never imports scripts, tests, bench or web', () => {
    expect(show(all.filter((e) => e.toRoom.startsWith('outside src')))).toEqual([]);
  });

  it('no stage imports src/cli, src/batch, src/review, src/pipeline.ts or src/index.ts', () => {
    expect(show(all.filter((e) => STAGES.includes(e.fromRoom) && SHELLS.includes(e.toRoom)))).toEqual([]);
  });

  it('restore, structure and quality never touch PDFs, images, OCR or writers', () => {
    const banned = ['pdf', 'pdfdoc', 'image', 'ocr', 'output'];
    expect(show(all.filter((e) => TEXT_STAGES.includes(e.fromRoom) && banned.includes(e.toRoom)))).toEqual([]);
  });

  it('src/output sees the stages only through src/types.ts', () => {
    expect(show(all.filter((e) => e.fromRoom === 'output' && e.toRoom !== 'output' && !NEUTRAL.includes(e.toRoom)))).toEqual([]);
  });

  it('the neutral modules import no stage and no shell', () => {
    const inward = all.filter((e) => NEUTRAL.includes(e.fromRoom) && e.fromRoom !== 'types' && !NEUTRAL.includes(e.toRoom));
    expect(show(inward)).toEqual([]);
    // types.ts names stage-owned shapes (document quality, structure) but only as types.
    const typeSource = readFileSync(path.join(SRC, 'types.ts'), 'utf8');
    expect(typeSource.match(/^import (?!type )/gm) ?? []).toEqual([]);
  });
});
