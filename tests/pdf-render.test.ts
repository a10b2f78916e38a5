/**
 * Rendering must survive a process where someone else installed canvas globals
 * from the project's own @napi-rs/canvas (a different native copy than the one
 * pdfjs-dist loads): mixing the two fails or crashes inside fill().
 * Own file, so pdfjs is loaded here for the first time.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import * as canvas from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { readPages } from '../src/pdf/index.js';

const require = createRequire(import.meta.url);

it('renders vector text even when foreign Path2D/DOMMatrix globals are installed first', async () => {
  const g = globalThis as Record<string, unknown>;
  g.Path2D = canvas.Path2D;
  g.DOMMatrix = canvas.DOMMatrix;
  g.ImageData = canvas.ImageData;
  const dir = await mkdtemp(path.join(tmpdir(), 'vanban-render-'));
  try {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const ttf = await readFile(path.join(path.dirname(require.resolve('@expo-google-fonts/tinos/package.json')), '400Regular/Tinos_400Regular.ttf'));
    const font = await doc.embedFont(ttf, { subset: false });
    doc.addPage([300, 100]).drawText('Quyết định số 15/QĐ-UBND', { x: 10, y: 40, size: 20, font });
    const file = path.join(dir, 'text.pdf');
    await writeFile(file, await doc.save());
    const pages = [];
    for await (const p of readPages(file, { dpi: 144 })) pages.push(p);
    expect([pages[0]!.origin, pages[0]!.width, pages[0]!.height]).toEqual(['rendered', 600, 200]);
    const { data } = await sharp(pages[0]!.data).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const ink = data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);
    expect(ink).toBeGreaterThan(1500); // the glyphs were filled, not skipped
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
