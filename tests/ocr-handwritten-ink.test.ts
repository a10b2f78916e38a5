/**
 * Handwriting told from print by its ink: a day written with a felt pen into the blank of
 * a printed date line has strokes much wider than the print's, and a number written small
 * above the dotted blank has its baseline above the print's. Tesseract often gives such a
 * number the line's box and a good confidence, so only the pixels tell. The page here is
 * constructed: words set in Tinos with sharp, the pen figures drawn as SVG strokes.
 */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { handwrittenNumbers, inkShape } from '../src/ocr/extract.js';
import type { OcrWord } from '../src/types.js';
import { TINOS } from './image-render.js';

const W = 1400;
const H = 160;

/** A printed line set in Tinos 14 pt at 300 dpi, black on white, as gray pixels W × H. */
async function printedLine(text: string): Promise<Uint8Array> {
  // sharp sets text white on black: negated, it is print on paper.
  const line = await sharp({ text: { text, fontfile: TINOS, font: 'Tinos 14', dpi: 300 } }).negate().png().toBuffer();
  const raw = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite([{ input: line, left: 20, top: 40 }])
    .greyscale()
    .raw()
    .toBuffer();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Column runs of ink split at gaps wider than a letter space: the words' x-ranges. */
function wordColumns(gray: Uint8Array): Array<[number, number]> {
  const inked = (x: number): boolean => {
    for (let y = 0; y < H; y++) if (gray[y * W + x]! < 128) return true;
    return false;
  };
  const runs: Array<[number, number]> = [];
  let gap = Infinity;
  for (let x = 0; x < W; x++) {
    if (!inked(x)) {
      gap++;
      continue;
    }
    if (gap > 10 || runs.length === 0) runs.push([x, x + 1]);
    else runs[runs.length - 1]![1] = x + 1;
    gap = 0;
  }
  return runs;
}

/**
 * Figures "31" drawn with a pen `stroke` px wide, `size` px tall, their foot `rise` px above
 * the print's baseline, into the blank at x = left (drawn over `gray`).
 */
async function pen(gray: Uint8Array, left: number, stroke: number, size: number, rise: number): Promise<Uint8Array> {
  const s = size;
  const foot = baselineOf(gray) - rise;
  return overlay(gray, `<g fill="none" stroke="black" stroke-width="${stroke}" stroke-linecap="round" transform="translate(${left},${foot - s})">${figure3(s)}${figure1(s)}</g>`);
}

/** Pen strokes of a "3" and a "1", `s` px tall, drawn from the origin. */
const figure3 = (s: number): string =>
  `<path d="M0 ${s * 0.15} Q${s * 0.35} ${-s * 0.05} ${s * 0.45} ${s * 0.2} Q${s * 0.45} ${s * 0.42} ${s * 0.15} ${s * 0.48} Q${s * 0.5} ${s * 0.55} ${s * 0.45} ${s * 0.8} Q${s * 0.35} ${s * 1.02} 0 ${s * 0.9}"/>`;
const figure1 = (s: number): string => `<path d="M${s * 0.7} ${s * 0.2} L${s * 0.9} 0 L${s * 0.85} ${s}"/>`;

/** `gray` with SVG `content` drawn over it. */
async function overlay(gray: Uint8Array, content: string): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${content}</svg>`;
  const raw = await sharp(Buffer.from(gray), { raw: { width: W, height: H, channels: 1 } })
    .composite([{ input: Buffer.from(svg) }])
    .greyscale()
    .raw()
    .toBuffer();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The row most columns' ink ends on. */
function baselineOf(gray: Uint8Array): number {
  const count = new Map<number, number>();
  for (let x = 0; x < W; x++) {
    let bottom = -1;
    for (let y = 0; y < H; y++) if (gray[y * W + x]! < 128) bottom = y;
    if (bottom >= 0) count.set(bottom, (count.get(bottom) ?? 0) + 1);
  }
  return [...count].sort((a, b) => b[1] - a[1])[0]![0];
}

const BLANK = 'Hà Nội, ngày                tháng 5 năm 2019';

/**
 * A date line, its day written in by `day` (or printed), read as Tesseract reads such a
 * line: every word boxed over the line's full height, the day at confidence `dayConf`.
 */
async function dateLine(day: ((gray: Uint8Array, left: number) => Promise<Uint8Array>) | 'printed', dayConf = 90): Promise<{ words: OcrWord[]; found: number[] }> {
  let gray = await printedLine(day === 'printed' ? 'Hà Nội, ngày 31 tháng 5 năm 2019' : BLANK);
  if (day !== 'printed') {
    const blank = wordColumns(gray);
    gray = await day(gray, blank[2]![1] + 40);
  }
  const texts = ['Hà', 'Nội,', 'ngày', '31', 'tháng', '5', 'năm', '2019'];
  const runs = wordColumns(gray);
  expect(runs.length).toBe(texts.length);
  const words = runs.map(([x0, x1], i): OcrWord => ({ text: texts[i]!, conf: i === 3 ? dayConf : 93, bbox: [x0, 30, x1, 140] }));
  const shapes = words.map((w) => inkShape(gray, W, H, w.bbox));
  return { words, found: handwrittenNumbers(words, shapes) };
}

describe('inkShape', () => {
  it('measures a bar’s stroke width and its top and bottom rows', () => {
    const gray = new Uint8Array(100 * 60).fill(255);
    for (let y = 20; y < 50; y++) for (let x = 40; x < 46; x++) gray[y * 100 + x] = 0;
    const s = inkShape(gray, 100, 60, [0, 0, 100, 60])!;
    expect(s.stroke).toBeGreaterThan(5);
    expect(s.stroke).toBeLessThan(7.5);
    expect(s.top).toBe(20);
    expect(s.bottom).toBe(49);
    expect(inkShape(new Uint8Array(100 * 60).fill(255), 100, 60, [0, 0, 100, 60])).toBeUndefined();
  });
});

describe('handwrittenNumbers with the ink measured', () => {
  it('finds a day written with a felt pen at print size and a good confidence', async () => {
    const { found, words } = await dateLine((g, x) => pen(g, x, 9, 40, 0));
    expect(found.map((i) => words[i]!.text)).toEqual(['31']);
  });

  it('finds a day written small with a thin pen above the blank, read unconfidently', async () => {
    const { found, words } = await dateLine((g, x) => pen(g, x, 3, 24, 14), 40);
    expect(found.map((i) => words[i]!.text)).toEqual(['31']);
    // Read confidently, the raised thin figures alone are no proof.
    expect((await dateLine((g, x) => pen(g, x, 3, 24, 14))).found).toEqual([]);
  });

  it('keeps every printed number of the line, confident or not', async () => {
    expect((await dateLine('printed')).found).toEqual([]);
    expect((await dateLine('printed', 40)).found).toEqual([]);
  });
});

/** Figures "3131" drawn with a pen `stroke` px wide, `size` px tall, on the baseline, leaning right by `lean` (shear). */
async function leaningPen(gray: Uint8Array, left: number, stroke: number, size: number, lean: number): Promise<Uint8Array> {
  const s = size;
  const foot = baselineOf(gray);
  const figures = `${figure3(s)}${figure1(s)}`;
  // SVG's y runs down: a negative skewX leans the figures' tops to the right.
  const skew = (-Math.atan(lean) * 180) / Math.PI;
  return overlay(gray, `<g fill="none" stroke="black" stroke-width="${stroke}" stroke-linecap="round" transform="translate(${left + lean * s},${foot - s}) skewX(${skew})">${figures}<g transform="translate(${s},0)">${figures}</g></g>`);
}

/** A number line "Số: … /UBND-VP", its number written in by `pen` (or printed), the number read at `conf`. */
async function numberLine(pen: ((gray: Uint8Array, left: number) => Promise<Uint8Array>) | 'printed', conf: number): Promise<{ words: OcrWord[]; found: number[] }> {
  let gray = await printedLine(pen === 'printed' ? 'Số: 3131 /UBND-VP' : 'Số:                  /UBND-VP');
  if (pen !== 'printed') gray = await pen(gray, wordColumns(gray)[0]![1] + 30);
  const texts = ['Số:', '3131', '/UBND-VP'];
  const runs = wordColumns(gray);
  expect(runs.length).toBe(texts.length);
  const words = runs.map(([x0, x1], i): OcrWord => ({ text: texts[i]!, conf: i === 1 ? conf : 93, bbox: [x0, 30, x1, 140] }));
  return { words, found: handwrittenNumbers(words, words.map((w) => inkShape(gray, W, H, w.bbox))) };
}

describe('handwritten document numbers told by their lean', () => {
  it('measures upright print as upright and a right-leaning pen as leaning', async () => {
    const gray = await printedLine('Số:                  /UBND-VP');
    const runs = wordColumns(gray);
    expect(Math.abs(inkShape(gray, W, H, [runs[1]![0], 30, runs[1]![1], 140])!.slant)).toBeLessThanOrEqual(0.1);
    const pen = await leaningPen(gray, runs[0]![1] + 30, 4, 42, 0.35);
    const figures = wordColumns(pen)[1]!;
    expect(inkShape(pen, W, H, [figures[0], 30, figures[1], 140])!.slant).toBeGreaterThanOrEqual(0.25);
  });

  it('finds a leaning pen number read unconfidently, with strokes near the print’s', async () => {
    const { found, words } = await numberLine((g, x) => leaningPen(g, x, 4, 42, 0.35), 30);
    expect(found.map((i) => words[i]!.text)).toEqual(['3131']);
  });

  it('keeps a printed number, confident or not, and an upright pen number read confidently', async () => {
    expect((await numberLine('printed', 93)).found).toEqual([]);
    expect((await numberLine('printed', 30)).found).toEqual([]);
    expect((await numberLine((g, x) => leaningPen(g, x, 4, 42, 0), 93)).found).toEqual([]);
  });
});
