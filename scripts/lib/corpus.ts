/**
 * Reading the training corpus (../shared/corpus: *.txt.gz, one NFC paragraph per line)
 * with a deterministic held-out split of whole blocks of consecutive lines.
 *
 * Lines carry no document ids, so each file is cut into blocks of consecutive lines
 * (100, fewer for small files so each has ≥ 50 blocks, never under 10), and the 2 %
 * of blocks (at least one) with the smallest stable hash of "domain/file#block" are
 * held out. The LM trains on 'train' only; evaluation reads 'heldout'.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { VanbanError } from '../../src/errors.js';

export type CorpusDomain = 'admin' | 'general';
export type CorpusSplit = 'train' | 'heldout';

export const BLOCK_LINES = 100;
export const HOLDOUT_SHARE = 0.02;

/** Default corpus root: ../shared/corpus next to the repository, or $VANBAN_CORPUS. */
export function defaultCorpusRoot(): string {
  return process.env['VANBAN_CORPUS'] ?? resolve(fileURLToPath(new URL('../../../shared/corpus', import.meta.url)));
}

export function corpusAvailable(root: string = defaultCorpusRoot()): boolean {
  return existsSync(join(root, 'admin')) && existsSync(join(root, 'general'));
}

export interface CorpusFile {
  domain: CorpusDomain;
  /** File name without folder, e.g. "congbao.txt.gz". */
  name: string;
  path: string;
}

export function corpusFiles(domain: CorpusDomain | 'all', root: string = defaultCorpusRoot()): CorpusFile[] {
  if (!corpusAvailable(root)) {
    throw new VanbanError('ENOENT', 'training corpus not found (expected admin/ and general/ folders); set VANBAN_CORPUS', { file: root });
  }
  const domains: CorpusDomain[] = domain === 'all' ? ['admin', 'general'] : [domain];
  return domains.flatMap((d) =>
    readdirSync(join(root, d))
      .filter((n) => n.endsWith('.txt.gz'))
      .sort()
      .map((name) => ({ domain: d, name, path: join(root, d, name) })),
  );
}

/** FNV-1a 32-bit: stable across platforms and Node versions. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lines per block for a file of `lines` lines. */
export function blockLines(lines: number): number {
  return Math.min(BLOCK_LINES, Math.max(10, Math.floor(lines / 50)));
}

/** The held-out block numbers of a file cut into `blocks` blocks. */
export function heldOutBlocks(file: Pick<CorpusFile, 'domain' | 'name'>, blocks: number): Set<number> {
  const ranked = Array.from({ length: blocks }, (_, b) => ({ b, h: fnv1a(`${file.domain}/${file.name}#${b}`) }));
  ranked.sort((x, y) => x.h - y.h || x.b - y.b);
  const n = Math.max(1, Math.round(blocks * HOLDOUT_SHARE));
  return new Set(ranked.slice(0, n).map((r) => r.b));
}

/** The lines of one file that belong to a split, in file order. */
export function* splitLines(file: CorpusFile, split: CorpusSplit): Generator<string> {
  const text = gunzipSync(readFileSync(file.path)).toString('utf8');
  let total = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) total++;
  if (!text.endsWith('\n') && text.length > 0) total++;
  const size = blockLines(total);
  // Only whole blocks compete, so a short trailing block is never the whole held-out part.
  const held = heldOutBlocks(file, Math.max(1, Math.floor(total / size)));
  const wantHeld = split === 'heldout';
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (held.has(Math.floor(line / size)) === wantHeld && end > start) yield text.slice(start, end);
    start = end + 1;
    line++;
  }
}
