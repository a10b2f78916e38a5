/** Generated inputs for the reliability tests: small, real files (sharp and pdf-lib), made on the fly. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { main } from '../../src/cli/main.js';

/** A white page with a few dark bars (no text): OCR is quick and finds nothing. */
export async function blankPng(width = 600, height = 800): Promise<Buffer> {
  const bars = `<svg width="${width}" height="${height}"><rect x="60" y="80" width="${width - 120}" height="6" fill="#222"/></svg>`;
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: Buffer.from(bars) }])
    .png()
    .toBuffer();
}

export async function blankJpeg(width = 600, height = 800): Promise<Buffer> {
  return sharp(await blankPng(width, height)).jpeg({ quality: 80 }).toBuffer();
}

/** A one-page PDF holding a blank scan. */
export async function blankPdf(pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(await blankPng());
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([432, 576]);
    page.drawImage(image, { x: 0, y: 0, width: 432, height: 576 });
  }
  return Buffer.from(await doc.save());
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `vanban …` in process, with its own streams. */
export async function run(argv: string[], stdin = ''): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(argv, { stdin: input, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

export const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

/** Every file under `dir` (relative paths, sorted), not following symlinks. */
export async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** sha256 of every regular file under `dir`, by relative path. */
export async function hashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const e of entries) if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length + 1), await sha256(join(e.parentPath, e.name)));
  return out;
}
