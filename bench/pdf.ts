/**
 * Input-stage speed, ms per page (wall clock, and `-cpu`: process CPU time), on synthetic A4 pages:
 *   extract-jpeg      page-filling 300-dpi JPEG scan, bytes passed through
 *   extract-jpeg-rot  same with /Rotate 90 (decode, turn, PNG)
 *   extract-flate     300-dpi gray Flate scan (inflate, PNG)
 *   render-vector     vector text page rasterized by pdfjs at 300 dpi
 *   render-scan       the JPEG scan page rasterized by pdfjs at 300 dpi (forceRender)
 *   render-first      first rendered page of a process (includes loading pdfjs)
 * Run alone: npx tsx bench/pdf.ts
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, degrees } from 'pdf-lib';
import sharp from 'sharp';
import { readPages, type ReadPagesOptions } from '../src/pdf/index.js';

const A4: [number, number] = [595.28, 841.89];
const PX: [number, number] = [2480, 3508];
const PAGES = 3;

/** A page-like gray image: white paper with dark "text line" bars, deterministic. */
function scanPixels(): Uint8Array {
  const [w, h] = PX;
  const px = new Uint8Array(w * h).fill(245);
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 300; y < h - 300; y += 70) {
    let x = 250;
    while (x < w - 300) {
      const len = 40 + Math.floor(rnd() * 200);
      for (let yy = y; yy < y + 34; yy++) for (let xx = x; xx < Math.min(x + len, w - 250); xx++) if (rnd() < 0.45) px[yy * w + xx] = 30;
      x += len + 25;
    }
  }
  return px;
}

/** Per page: wall-clock ms, and process CPU ms (user+sys, all threads: less sensitive to a busy machine). */
async function timePages(file: string, options?: ReadPagesOptions): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let t = performance.now();
  let c = cpuNow();
  for await (const page of readPages(file, options)) {
    void page;
    const now = performance.now();
    const cNow = cpuNow();
    wall.push(now - t);
    cpu.push(cNow - c);
    t = now;
    c = cNow;
  }
  return { wall, cpu };
}

const mean = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));

export async function benchPdf(): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vanban-bench-pdf-'));
  try {
    const raw = { raw: { width: PX[0], height: PX[1], channels: 1 as const } };
    const gray = scanPixels();
    const jpeg = await sharp(gray, raw).jpeg({ quality: 75 }).toBuffer();
    const png = await sharp(gray, raw).png().toBuffer();
    const make = async (name: string, build: (doc: PDFDocument) => Promise<void>): Promise<string> => {
      const doc = await PDFDocument.create();
      await build(doc);
      const file = path.join(dir, name);
      await writeFile(file, await doc.save());
      return file;
    };
    const scans = async (doc: PDFDocument, rotate: number, image: 'jpeg' | 'png'): Promise<void> => {
      const img = image === 'jpeg' ? await doc.embedJpg(jpeg) : await doc.embedPng(png);
      for (let i = 0; i < PAGES; i++) {
        const page = doc.addPage(A4);
        page.drawImage(img, { x: 0, y: 0, width: A4[0], height: A4[1] });
        if (rotate) page.setRotation(degrees(rotate));
      }
    };
    const jpegFile = await make('jpeg.pdf', (d) => scans(d, 0, 'jpeg'));
    const rotFile = await make('rot.pdf', (d) => scans(d, 90, 'jpeg'));
    const flateFile = await make('flate.pdf', (d) => scans(d, 0, 'png'));
    const require = createRequire(import.meta.url);
    const ttf = await readFile(path.join(path.dirname(require.resolve('@expo-google-fonts/tinos/package.json')), '400Regular/Tinos_400Regular.ttf'));
    const vectorFile = await make('vector.pdf', async (doc) => {
      doc.registerFontkit(fontkit);
      const font = await doc.embedFont(ttf, { subset: false });
      for (let i = 0; i < PAGES; i++) {
        const page = doc.addPage(A4);
        for (let y = 780; y > 60; y -= 18) page.drawText('Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;', { x: 60, y, size: 13, font });
      }
    });

    const result: Record<string, number> = {};
    const record = (key: string, r: { wall: number[]; cpu: number[] }, skipFirst = false): void => {
      result[key] = mean(skipFirst ? r.wall.slice(1) : r.wall);
      result[`${key}-cpu`] = mean(skipFirst ? r.cpu.slice(1) : r.cpu);
    };
    const vector = await timePages(vectorFile);
    result['render-first'] = Math.round(vector.wall[0]!);
    result['render-first-cpu'] = Math.round(vector.cpu[0]!);
    record('render-vector', vector, true);
    record('render-scan', await timePages(jpegFile, { forceRender: true }));
    record('extract-jpeg', await timePages(jpegFile));
    record('extract-jpeg-rot', await timePages(rotFile));
    record('extract-flate', await timePages(flateFile));
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchPdf();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(18)} ${String(v).padStart(6)} ms/page`);
}
