/**
 * Run under tests/helpers/no-network.mjs: proves the guard bites (one probe per
 * API family from this thread), then OCRs one rendered line. Prints JSON.
 */
import net from 'node:net';
import sharp from 'sharp';
import { OcrPool } from '../../src/ocr/index.js';
import { FONT_FILE } from '../../bench/ocr-synth.js';

const probes: string[] = [];
try {
  await fetch('https://cdn.jsdelivr.net/npm/@tesseract.js-data/vie/4.0.0/vie.traineddata.gz');
} catch {
  probes.push('fetch');
}
try {
  net.connect(443, 'cdn.jsdelivr.net');
} catch {
  probes.push('net');
}

const text = 'Quảng Bình, ngày 15 tháng 3 năm 2024';
// sharp renders white glyphs on black; invert first (a separate pipeline: sharp extends before it negates).
const glyphs = await sharp({ text: { text: `<span font_desc="Tinos 14">${text}</span>`, fontfile: FONT_FILE, dpi: 300 } })
  .greyscale()
  .negate()
  .png()
  .toBuffer();
const ink = await sharp(glyphs)
  .extend({ top: 60, bottom: 60, left: 60, right: 60, background: '#ffffff' })
  .png()
  .toBuffer({ resolveWithObject: true });
const pool = await OcrPool.create({ jobs: 1 });
try {
  const page = await pool.recognize({
    pageNumber: 1,
    png: ink.data,
    width: ink.info.width,
    height: ink.info.height,
    dpi: 300,
    skew: 0,
    rotation: 0,
    steps: [],
    toPage: [1, 0, 0, 1, 0, 0],
    pageWidth: ink.info.width,
    pageHeight: ink.info.height,
  });
  process.stdout.write(JSON.stringify({ probes, text: page.text, expected: text }) + '\n');
} finally {
  await pool.terminate();
}
