/**
 * Text for simulated documents: only lines of the corpus's held-out blocks
 * (scripts/lib/corpus.ts, the LM never trained on them), split between dev and
 * test so the two splits never share a line. Held-out blocks alternate between
 * the splits in block order; a file with a single held-out block alternates by line.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { blockLines, corpusAvailable, corpusFiles, defaultCorpusRoot, heldOutBlocks, type CorpusFile } from '../lib/corpus.js';

export type Split = 'dev' | 'test';

export interface TextPool {
  /** Sentences/paragraphs for the body (40–420 characters, markers stripped). */
  paragraphs: string[];
  /** Short lines usable as headings (8–70 characters, no final period). */
  headings: string[];
  /** Trích yếu lines usable as titles and "V/v" excerpts. */
  titles: string[];
}

/** Admin files whose held-out lines read like administrative prose. */
const FILES = ['congbao.txt.gz', 'phapdien.txt.gz', 'congbot-vanban.txt.gz', 'hanhchinh-mau.txt.gz', 'binhduong-trichyeu.txt.gz'];
const POOL_VERSION = 2;

/** Letters, digits and the punctuation administrative prose uses; anything else (tables, formulas, symbols) is dropped. */
const CLEAN = /^[\p{L}\p{M}0-9 ,.;:()\-–/%"“”'’]+$/u;

function stripMarker(s: string): string {
  return s
    .replace(/^(?:[-+•*]\s+|[0-9]+(?:\.[0-9]+)*[.)]\s+|[a-zđ][.)]\s+|[IVXLC]+\.\s+|Điều\s+[0-9]+\.\s*)/u, '')
    .trim();
}

function heldLines(file: CorpusFile, split: Split): string[] {
  const text = gunzipSync(readFileSync(file.path)).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const size = blockLines(lines.length);
  const held = [...heldOutBlocks(file, Math.max(1, Math.floor(lines.length / size)))].sort((a, b) => a - b);
  const out: string[] = [];
  held.forEach((b, rank) => {
    for (let i = b * size; i < Math.min(lines.length, (b + 1) * size); i++) {
      const side: Split = held.length > 1 ? (rank % 2 === 0 ? 'dev' : 'test') : i % 2 === 0 ? 'dev' : 'test';
      if (side === split) out.push(lines[i]!);
    }
  });
  return out;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim().normalize('NFC');

export function buildPool(split: Split, root: string = defaultCorpusRoot()): TextPool {
  const files = corpusFiles('admin', root).filter((f) => FILES.includes(f.name));
  const paragraphs: string[] = [];
  const headings: string[] = [];
  const titles: string[] = [];
  for (const f of files) {
    for (const raw of heldLines(f, split)) {
      const line = collapse(raw);
      if (!CLEAN.test(line) || /\s[;:,.]|\.\.|\(\s*\)/.test(line)) continue;
      const body = stripMarker(line);
      if (f.name === 'binhduong-trichyeu.txt.gz') {
        const t = body.replace(/^V\/v\s+/i, '').replace(/[.;]$/, '');
        if (t.length >= 20 && t.length <= 200) titles.push(t.charAt(0).toUpperCase() + t.slice(1));
        continue;
      }
      const caps = (body.match(/\p{Lu}/gu) ?? []).length;
      if (caps > body.length * 0.3) continue;
      if (body.length >= 40 && body.length <= 420 && /[.;:]$/.test(body)) paragraphs.push(body.charAt(0).toUpperCase() + body.slice(1));
      else if (body.length >= 8 && body.length <= 70 && /^\p{L}/u.test(body) && !/[.;,]$/.test(body)) headings.push(body.charAt(0).toUpperCase() + body.slice(1));
      if (body.length >= 25 && body.length <= 160 && /^\p{L}/u.test(body) && !/[.;:,]$/.test(body)) titles.push(body);
    }
  }
  return { paragraphs: [...new Set(paragraphs)], headings: [...new Set(headings)], titles: [...new Set(titles)] };
}

/** The pool of a split, cached as JSON under .cache/sim (the corpus is large; the pool is small). */
export function loadPool(split: Split, cacheDir: string): TextPool {
  const file = join(cacheDir, `pool-${split}-v${POOL_VERSION}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as TextPool;
  if (!corpusAvailable()) throw new Error(`corpus not found at ${defaultCorpusRoot()} (set VANBAN_CORPUS): the simulator writes held-out corpus text`);
  const pool = buildPool(split);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify(pool));
  return pool;
}
