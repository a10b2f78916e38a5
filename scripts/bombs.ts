/**
 * Memory check on a folder of bombs (issue 11): converts it with the built CLI at
 * `--jobs 4` and prints the peak RSS (VmHWM, all OCR workers included: they are threads
 * of the one process). Target: < 1.5 GiB, every file converted or failed cleanly.
 *
 *   npx tsx scripts/bombs.ts [--blank-pages 2000] [--jobs 4] [--keep]
 *
 * Bombs: a vector PDF with a huge MediaBox, a PNG and a JPEG whose headers claim huge
 * sizes, a PDF of N blank pages, a JPEG cut in half with an end marker (alone and inside
 * a PDF), and one good page for comparison.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const blankPages = option('--blank-pages', 2000);
const jobs = option('--jobs', 4);
const LIMIT_MIB = 1536;

function crc32(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A PNG whose IHDR claims width × height, with a tiny (wrong) IDAT. */
function hugeHeaderPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit gray
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG whose SOF claims width × height (the data is a small real image's). */
function hugeHeaderJpeg(small: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(small);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && out[i + 1]! >= 0xc0 && out[i + 1]! <= 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('no SOF marker');
}

async function page(): Promise<Buffer> {
  const svg = `<svg width="1700" height="2200"><rect width="1700" height="2200" fill="white"/>${Array.from(
    { length: 30 },
    (_, i) => `<text x="150" y="${200 + i * 60}" font-size="40" font-family="serif">Kế hoạch thực hiện nhiệm vụ năm 2024, dòng ${i + 1}</text>`,
  ).join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

async function makeBombs(dir: string): Promise<void> {
  const good = await page();
  await writeFile(join(dir, 'good.jpg'), good);

  const vector = await PDFDocument.create();
  const font = await vector.embedFont(StandardFonts.Helvetica);
  const big = vector.addPage([14_400, 14_400]); // the largest page PDF allows: 200 × 200 inches
  big.drawText('huge page', { x: 100, y: 14_000, size: 200, font });
  await writeFile(join(dir, 'huge-mediabox.pdf'), await vector.save());

  await writeFile(join(dir, 'huge-header.png'), hugeHeaderPng(60_000, 60_000));
  await writeFile(join(dir, 'huge-header.jpg'), hugeHeaderJpeg(good, 65_000, 65_000));

  const truncated = Buffer.concat([good.subarray(0, Math.floor(good.length / 2)), Buffer.from([0xff, 0xd9])]);
  await writeFile(join(dir, 'truncated.jpg'), truncated);
  const inPdf = await PDFDocument.create();
  const image = await inPdf.embedJpg(truncated);
  inPdf.addPage([612, 792]).drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
  await writeFile(join(dir, 'truncated-jpeg.pdf'), await inPdf.save());

  const blank = await PDFDocument.create();
  for (let i = 0; i < blankPages; i++) blank.addPage([595, 842]);
  await writeFile(join(dir, `blank-${blankPages}-pages.pdf`), await blank.save());
}

/** Peak resident memory of a process (VmHWM), polled until it exits. */
function peakRss(pid: number, sample: { mib: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      sample.mib = Math.max(sample.mib, kb / 1024);
    } catch {
      // exited
    }
  }, 100);
}

const dir = await mkdtemp(join(tmpdir(), 'vanban-bombs-'));
try {
  const input = join(dir, 'bombs');
  await mkdir(input);
  await makeBombs(input);
  const started = Date.now();
  const child = spawn(process.execPath, [resolve('bin/vanban.js'), 'convert', input, '--out', join(dir, 'out'), '--jobs', String(jobs), '--formats', 'json,txt,pdf'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const sample = { mib: 0 };
  const timer = peakRss(child.pid!, sample);
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
  clearInterval(timer);
  const seconds = (Date.now() - started) / 1000;
  console.log(`\nbombs: exit ${code} in ${seconds.toFixed(0)} s at --jobs ${jobs} (${blankPages} blank pages)`);
  console.log(`bombs: peak RSS ${sample.mib.toFixed(0)} MiB (limit ${LIMIT_MIB} MiB): ${sample.mib < LIMIT_MIB ? 'OK' : 'OVER'}`);
  process.exitCode = sample.mib < LIMIT_MIB && (code === 0 || code === 1) ? 0 : 1;
} finally {
  if (!args.includes('--keep')) await rm(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
