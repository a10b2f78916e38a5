/**
 * A batch killed at random points (SIGKILL) and stopped by signals: after each kill every
 * output set the state lists is whole, nothing is outside --out, inputs are unchanged, and
 * a rerun finishes the batch with every set whole and no temp file left. Runs the built bin.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankPdf, blankPng, hashes, tree } from '../helpers/bad-inputs.js';

const BIN = resolve('bin/vanban.js');
let root: string;
let input: string;
let inputHashes: Map<string, string>;
const FILES = 8;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vanban-kill-'));
  input = join(root, 'in');
  await mkdir(join(input, 'sub'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    await writeFile(join(input, i % 2 ? `sub/p${i}.pdf` : `i${i}.png`), i % 2 ? await blankPdf(2) : await blankPng(900, 1200));
  }
  inputHashes = await hashes(input);
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

function convert(out: string, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): { child: ReturnType<typeof spawn>; done: Promise<Ended> } {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'convert', input, '--out', out, '--formats', 'json,txt,md,pdf', '-j', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, child);
  });
  const done = new Promise<Ended>((resolveDone) => child.on('exit', (code, signal) => resolveDone({ code, signal, stderr, ms: Date.now() - started })));
  return { child, done };
}

/** Every set the state lists is whole (each output present and complete); returns how many. */
async function checkSets(out: string): Promise<number> {
  const statePath = join(out, '_vanban', 'state.json');
  if (!existsSync(statePath)) return 0;
  const state = JSON.parse(await readFile(statePath, 'utf8')) as { documents: Record<string, { outputs: string[] }> };
  for (const [stem, doc] of Object.entries(state.documents)) {
    for (const ext of doc.outputs) {
      const file = join(out, stem + ext);
      expect(existsSync(file), file).toBe(true);
      const data = await readFile(file);
      if (ext === '.json') expect(() => JSON.parse(data.toString('utf8'))).not.toThrow();
      if (ext === '.pdf') expect(data.subarray(-6).toString('latin1')).toMatch(/%%EOF/);
    }
  }
  return Object.keys(state.documents).length;
}

describe('kill -9 at random points of a batch', () => {
  it('leaves every recorded set whole, nothing outside --out, inputs unchanged; a rerun completes', async () => {
    const out = join(root, 'out');
    let x = 42;
    const rand = (): number => (x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 5; round++) {
      const { child, done } = convert(out);
      // Somewhere from start-up (worker creation, lock) to the middle of writing outputs.
      setTimeout(() => child.kill('SIGKILL'), 300 + rand() * 8000);
      const ended = await done;
      if (ended.code === 0) break; // finished before the kill
      await checkSets(out);
      expect((await tree(root)).filter((f) => !f.startsWith('in/') && !f.startsWith('out/'))).toEqual([]);
      expect(await hashes(input)).toEqual(inputHashes);
    }
    const final = await convert(out).done;
    expect(final.code, final.stderr).toBe(0);
    expect(await checkSets(out)).toBe(FILES);
    const files = await tree(out);
    expect(files.filter((f) => f.includes('.vanban-tmp-'))).toEqual([]);
    expect(files).not.toContain('_vanban/lock');
    const report = (await readFile(join(out, 'report.csv'), 'utf8')).trim().split('\r\n');
    expect(report).toHaveLength(1 + FILES);
    expect(await hashes(input)).toEqual(inputHashes);
  });
});

describe('signals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends the run promptly with exit 130 and the summary so far', async (signal) => {
    const out = join(root, `out-${signal}`);
    let sent = 0;
    const { done } = convert(out, (text, child) => {
      if (!sent && /^ok /m.test(text)) {
        sent = Date.now();
        child.kill(signal);
      }
    });
    const ended = await done;
    expect(sent).toBeGreaterThan(0);
    expect(ended.code).toBe(130);
    expect(ended.stderr).toMatch(/interrupted \(SIG(INT|TERM)\): [1-9]\d* file\(s\) converted/);
    expect(Date.now() - sent).toBeLessThan(15_000);
    const files = await tree(out);
    expect(files.filter((f) => f.includes('.vanban-tmp-'))).toEqual([]);
    expect(files).not.toContain('_vanban/lock');
    await checkSets(out);
  });
});
