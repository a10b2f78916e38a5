/**
 * One tesseract.js 7 worker, fully offline: the WASM core is `require`d from
 * node_modules by tesseract.js's Node worker script and the traineddata is read
 * from the @tesseract.js-data packages, so nothing is ever fetched.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { compose, invert } from '../affine.js';
import { VanbanError } from '../errors.js';
import type { Affine, BBox, OcrBlock, OcrLine, OcrPage, OcrWord, PageMark, PreparedImage, SealRing } from '../types.js';
import { syllableShare } from './plausible.js';
import { extractLines, handwrittenNumbers, inkShape, mapBox, type EngineBlock, type InkShape } from './extract.js';
import { blocksToText, orderReading, type LayoutLine, type LayoutOptions } from './layout.js';
import { findMissedInk, findPageNumberInk } from './missed.js';
import { clipToDisc, dropSealLettering, evidentWords, sealIsDark } from './seal-lines.js';

const require = createRequire(import.meta.url);

/** Model folders shipped in @tesseract.js-data/<lang>: "4.0.0" (tessdata) and "4.0.0_best_int" (tessdata_best, integerized). */
export type OcrModel = '4.0.0' | '4.0.0_best_int';

/** Tesseract page segmentation modes worth using on whole pages. */
export type OcrPsm = 3 | 4 | 6 | 11;

export interface OcrEngineOptions {
  /** Traineddata variant (default "4.0.0_best_int": fewer errors on Vietnamese diacritics, see bench/ocr.ts). */
  model?: OcrModel;
  /** Tesseract languages, e.g. ["vie"] (default) or ["vie", "eng"]. */
  languages?: string[];
  /**
   * Shorthand for `languages` as the CLI spells it: 'vie' (default) or 'vie+eng' for
   * documents with English passages. `languages`, when given, wins.
   */
  language?: 'vie' | 'vie+eng';
  /** Page segmentation mode (default 3: automatic; our layout pass reorders lines anyway). */
  psm?: OcrPsm;
  /** Extra Tesseract parameters, e.g. { preserve_interword_spaces: '1' }. */
  parameters?: Record<string, string>;
  /** Tesseract parameters that only take effect when the model loads (e.g. load_system_dawg). */
  initParameters?: Record<string, string>;
  /** Reading-order thresholds. */
  layout?: LayoutOptions;
  /**
   * Re-read each column of a side-by-side region on its own (default true).
   * Tesseract's lines across a header or closing block mix two baselines and
   * font sizes, which costs whole words ("Nơi nhận" → ". nhận"); a crop per
   * column is read as one clean block. true: only columns whose first reading is
   * suspect (an engine line crossed the gutter, or low confidence); 'always': every column.
   */
  refineColumns?: boolean | 'always';
  /**
   * Re-read ink that no engine line covers (default true): Tesseract drops a region crossed by
   * a seal or a signature as a picture, and with it the signer's title and name. Only those
   * regions are read again, one small crop each.
   */
  rereadMissed?: boolean;
  /**
   * Re-read an unconfident line from its own crop, enlarged (default false): small or soft
   * print can read better at a larger scale, and only suspicious lines pay for it. Off: on
   * three dev 1-bit pages it helped one and hurt two (a re-read line that had crossed a
   * column gutter moved words between columns); run after the column re-reads, with its crop
   * kept off the row's other lines, it was still no help on 9 dev pages re-scanned as 150 dpi
   * faxes (OCR stage: 2 pages better by at most 0.14 points, 3 worse by up to 0.24, 4 unchanged).
   */
  rereadWeakLines?: boolean;
  /**
   * Read a lone figure at the top centre of the page that the engine left out, as the
   * page number (default true): Tesseract's segmentation often drops a figure standing
   * alone in the margin. One small crop, only when such ink is found.
   */
  readPageNumber?: boolean;
  /**
   * Find a round seal printed in grey or black (default true): its ring cuts the signer's
   * title and name lines, which then lose their first word (colour seals are already erased
   * by colour in preprocessing). Unconfident lines over the seal, and ink missed there, are
   * read again from a crop keeping only the darkest ink: a red seal scans lighter than print.
   */
  sealLines?: boolean;
  /**
   * Scores how much a reading looks like Vietnamese (0–1), to choose between the two
   * readings of a page whose up/down is uncertain. Default: the share of syllable-shaped
   * words; the pipeline may pass a language-model score.
   */
  plausibility?: (text: string) => number;
}

export const DEFAULT_ENGINE: Required<Omit<OcrEngineOptions, 'layout' | 'parameters' | 'initParameters' | 'language' | 'plausibility'>> = {
  model: '4.0.0_best_int',
  languages: ['vie'],
  psm: 3,
  refineColumns: true,
  rereadMissed: true,
  rereadWeakLines: false,
  readPageNumber: true,
  sealLines: true,
};

const IDENTITY: Affine = [1, 0, 0, 1, 0, 0];

/** Why an engine call was made: the page itself, its other way up, or one of the crop re-reads. */
export type OcrCallKind = 'page' | 'turned' | 'missed' | 'column' | 'weak' | 'seal' | 'page-number';

/** Engine calls made by this process (every engine), per kind: for benches and profiling. */
export interface OcrCallStats {
  calls: number;
  /** Pixels handed to the engine. */
  pixels: number;
  /** Wall milliseconds awaiting the engine (encode of crops excluded). */
  ms: number;
  /** Process CPU milliseconds (every thread) during those calls: the engine's own cost when one worker runs alone. */
  cpuMs: number;
}

const callStats = new Map<OcrCallKind, OcrCallStats>();

/** A copy of the engine-call counters of this process, per kind. */
export function ocrCallStats(): Record<string, OcrCallStats> {
  return Object.fromEntries([...callStats].map(([k, v]) => [k, { ...v }]));
}

/** One engine call, counted under `kind`. */
async function recognizeCounted(worker: Worker, image: Buffer, pixels: number, kind: OcrCallKind): Promise<EngineBlock[] | null> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await worker.recognize(image, {}, { blocks: true, text: false });
  const c = process.cpuUsage(c0);
  const s = callStats.get(kind) ?? { calls: 0, pixels: 0, ms: 0, cpuMs: 0 };
  s.calls += 1;
  s.pixels += pixels;
  s.ms += performance.now() - t0;
  s.cpuMs += (c.user + c.system) / 1000;
  callStats.set(kind, s);
  return result.data.blocks as unknown as EngineBlock[] | null;
}

function mapLine(line: OcrLine, m: Affine, w: number, h: number): OcrLine {
  const out: OcrLine = {
    text: line.text,
    conf: line.conf,
    bbox: mapBox(boxOf(line.bbox), m, w, h),
    words: line.words.map((word) => ({ ...word, bbox: mapBox(boxOf(word.bbox), m, w, h) })),
  };
  if (line.baseline) {
    const [x0, y0, x1, y1] = line.baseline;
    out.baseline = [
      Math.round(m[0] * x0 + m[2] * y0 + m[4]),
      Math.round(m[1] * x0 + m[3] * y0 + m[5]),
      Math.round(m[0] * x1 + m[2] * y1 + m[4]),
      Math.round(m[1] * x1 + m[3] * y1 + m[5]),
    ];
  }
  return out;
}

function boxOf(b: BBox): { x0: number; y0: number; x1: number; y1: number } {
  return { x0: b[0], y0: b[1], x1: b[2], y1: b[3] };
}

function meanConf(lines: OcrLine[]): number {
  const words = lines.flatMap((l) => l.words);
  return words.length ? words.reduce((s, w) => s + w.conf, 0) / words.length : 0;
}

/** Folder holding `<lang>.traineddata.gz` for the requested model, from node_modules. */
export function traineddataDir(language: string, model: OcrModel): string {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`@tesseract.js-data/${language}/package.json`));
  } catch (cause) {
    throw new VanbanError('MODEL', `Tesseract language data for "${language}" is not installed; run npm install @tesseract.js-data/${language}`, { cause });
  }
  const dir = join(packageDir, model);
  const file = join(dir, `${language}.traineddata.gz`);
  if (!existsSync(file)) {
    throw new VanbanError('MODEL', `Tesseract model file is missing; reinstall @tesseract.js-data/${language}`, { file });
  }
  return dir;
}

const comboDirs = new Map<string, string>();

/**
 * tesseract.js reads every language from one langPath, but each language ships in
 * its own package: for combinations, link the files into one temporary folder.
 */
function langPathFor(languages: string[], model: OcrModel): string {
  const dirs = languages.map((l) => traineddataDir(l, model));
  if (dirs.length === 1) return dirs[0]!;
  const key = `${model}:${languages.join('+')}`;
  let dir = comboDirs.get(key);
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'vanban-tessdata-'));
    mkdirSync(dir, { recursive: true });
    languages.forEach((l, i) => symlinkSync(join(dirs[i]!, `${l}.traineddata.gz`), join(dir!, `${l}.traineddata.gz`)));
    comboDirs.set(key, dir);
  }
  return dir;
}

export interface OcrEngine {
  /** The underlying worker thread, to notice it dying. */
  readonly thread: { once(event: 'exit' | 'error', listener: (arg: unknown) => void): unknown } | undefined;
  recognize(prepared: PreparedImage): Promise<OcrPage>;
  terminate(): Promise<void>;
}

/** Starts one worker and loads the language model into it. */
export async function createEngine(options: OcrEngineOptions = {}): Promise<OcrEngine> {
  const model = options.model ?? DEFAULT_ENGINE.model;
  const languages = options.languages ?? (options.language ? options.language.split('+') : DEFAULT_ENGINE.languages);
  const psm = options.psm ?? DEFAULT_ENGINE.psm;
  const langPath = langPathFor(languages, model);
  let worker: Worker;
  try {
    worker = await createWorker(languages.join('+'), OEM.LSTM_ONLY, {
      langPath,
      gzip: true,
      cacheMethod: 'none',
      // Without a handler tesseract.js rethrows worker errors as uncaught exceptions.
      errorHandler: () => undefined,
    }, { ...options.initParameters });
  } catch (cause) {
    throw new VanbanError('MODEL', `could not start the OCR engine with ${languages.join('+')} (${model}): ${String(cause)}`, { cause });
  }
  await worker.setParameters({
    tessedit_pageseg_mode: String(psm) as PSM,
    // Tesseract prints diagnostics ("Detected 42 diacritics") on stdout; a batch log has no use for them.
    debug_file: '/dev/null',
    // Tesseract re-recognizes every unconfident line a second time from the inverted
    // image (white on black), which scanned administrative pages never carry: a second
    // LSTM pass over their weakest lines for nothing. Off: on the first pages of 6 dev
    // documents (paired runs, same load) 6 % less OCR CPU and no page read worse; the
    // inverted reading sometimes won with garbage (restored CER dev-001 2.34 → 1.89 %,
    // dev-005 0.85 → 0.55 %; mean 0.86 → 0.73 %).
    tessedit_do_invert: '0',
    ...options.parameters,
  });
  let dpi = 0;
  const thread = (worker as unknown as { worker?: OcrEngine['thread'] }).worker;

  const plausibility = options.plausibility ?? syllableShare;
  /** The engine's reading of the whole of `image` (prepared pixels), lines in its coordinates. */
  const readWhole = async (image: GrayPixels, prepared: PreparedImage, kind: OcrCallKind): Promise<LayoutLine[]> => {
    const engineBlocks = await recognizeCounted(worker, toPgm(image), prepared.width * prepared.height, kind);
    // Layout runs in prepared-image coordinates (upright, deskewed); boxes are mapped to the page at the end.
    return extractLines(engineBlocks, IDENTITY, prepared.width, prepared.height);
  };
  /** The crop re-reads on the first reading's `lines`, then boxes mapped to the page through `toPage`. */
  const finish = async (image: GrayPixels, first: LayoutLine[], prepared: PreparedImage, toPage: Affine, seal?: SealRing): Promise<OcrBlock[]> => {
    let lines = first;
    if (options.rereadMissed ?? DEFAULT_ENGINE.rereadMissed) lines = [...lines, ...(await readMissed(worker, image, prepared, lines, psm, plausibility, seal))];
    if (options.readPageNumber ?? DEFAULT_ENGINE.readPageNumber) {
      const number = await readPageNumber(worker, image, prepared, lines, psm);
      if (number) lines = [number, ...lines];
    }
    let blocks = orderReading(lines, options.layout);
    const refineMode = options.refineColumns ?? DEFAULT_ENGINE.refineColumns;
    if (refineMode !== false && blocks.some((b) => b.column !== 'full')) {
      blocks = await refine(worker, image, prepared, blocks, psm, refineMode === 'always' ? undefined : lines);
    }
    // After the column re-reads: a line is then in one column, and its crop stops short of
    // its neighbours on the row, so no word moves across a gutter.
    if (options.rereadWeakLines ?? DEFAULT_ENGINE.rereadWeakLines) {
      const all = blocks.flatMap((b) => b.lines);
      const reread = await rereadWeakLines(worker, image, prepared, all, psm, plausibility);
      let k = 0;
      blocks = blocks.map((b) => ({ ...b, lines: b.lines.map(() => reread[k++]!) }));
    }
    // After the column re-reads, which would bring the ring back.
    if (seal) {
      const all = blocks.flatMap((b) => b.lines);
      const seals = prepared.seals ?? [];
      // A 1-bit or black seal keeps its lettering through a crop of the darkest ink.
      const dark = seals.filter((s) => sealIsDark(image.data, image.width, image.height, s, PRINT_DARK));
      const reread = await rereadSealLines(worker, image, prepared, all, columnBounds(blocks), seal, dark.includes(seal), psm);
      let k = 0;
      blocks = blocks.map((b) => {
        const lines = b.lines.map(() => reread[k++]!);
        return { ...b, bbox: unionBox([b.bbox, ...lines.map((l) => l.bbox)]), lines };
      });
      // The seals' own lettering, read by the page pass, the missed-ink re-read or the seal re-read.
      blocks = blocks.flatMap((b) => {
        const lines = dropSealLettering(b.lines, seals, dark);
        if (lines.length === b.lines.length && lines.every((l, i) => l === b.lines[i])) return [b];
        return lines.length ? [{ ...b, bbox: unionBox(lines.map((l) => l.bbox)), lines }] : [];
      });
    }
    return blocks.map((b) => ({
      column: b.column,
      bbox: mapBox(boxOf(b.bbox), toPage, prepared.pageWidth, prepared.pageHeight),
      lines: b.lines.map((l) => mapLine(l, toPage, prepared.pageWidth, prepared.pageHeight)),
    }));
  };

  return {
    thread,
    async recognize(prepared) {
      if (prepared.dpi !== dpi) {
        // Tesseract scales its size-based heuristics with the resolution; PNGs from sharp may carry none.
        await worker.setParameters({ user_defined_dpi: String(Math.round(prepared.dpi)) });
        dpi = prepared.dpi;
      }
      // Decoded once: the page and every crop go to the engine as raw PGM, so neither sharp
      // nor the engine decodes the PNG again per crop.
      // Prepared in this process: its raw pixels as they are, with no PNG decode (~40 ms a page).
      const image = prepared.gray && prepared.gray.data.length === prepared.gray.width * prepared.gray.height ? prepared.gray : await decodeGrey(prepared.png);
      // The seal found (and erased) in preparation: its lines are read again (dev, 8 seal pages:
      // CER 1.64 → 1.47 %); the most inked ring when there are two.
      const seal = (options.sealLines ?? DEFAULT_ENGINE.sealLines) ? [...(prepared.seals ?? [])].sort((a, b) => b.coverage - a.coverage)[0] : undefined;
      const first = await readWhole(image, prepared, 'page');
      let rotation = prepared.rotation;
      let blocks: OcrBlock[] | undefined;
      if (prepared.orientationUncertain) {
        // A sparse page gives the ink-based up/down vote too little to go on: read it the
        // other way up too and keep the reading that looks more like Vietnamese text. The
        // choice is made on the whole-page readings, so only the kept one pays for crop re-reads
        // (dev: the losing, upside-down reading had its columns re-read too).
        const turned: GrayPixels = { data: image.data.slice().reverse(), width: image.width, height: image.height };
        const other = await readWhole(turned, prepared, 'turned');
        const score = (lines: LayoutLine[]): number => plausibility(blocksToText(orderReading(lines, options.layout))) + meanConf(lines) / 200;
        if (score(other) > score(first)) {
          const back: Affine = [-1, 0, 0, -1, prepared.width, prepared.height];
          blocks = await finish(turned, other, prepared, compose(prepared.toPage, back));
          rotation = ((rotation + 180) % 360) as OcrPage['rotation'];
        }
      }
      blocks ??= await finish(image, first, prepared, prepared.toPage, seal);
      const marks = [...(prepared.marks ?? [])];
      if (marks.length) blocks = dropMarkedWords(blocks, marks);
      // Listed after the drop: an erased seal's box holds the signer's title and name, read
      // (and re-read) as print, not its lettering.
      for (const s of prepared.seals ?? []) {
        const [x0, y0, x1, y1] = s.bbox;
        marks.push({ kind: 'seal', bbox: mapBox({ x0, y0, x1, y1 }, prepared.toPage, prepared.pageWidth, prepared.pageHeight), confidence: s.coverage });
      }
      const scrawls = splitOffScrawls(blocks, prepared.pageWidth, prepared.pageHeight, plausibility);
      blocks = scrawls.blocks;
      marks.push(...scrawls.marks);
      const hand = splitOffHandwrittenNumbers(blocks, inkShapes(image, prepared, blocks));
      blocks = hand.blocks;
      marks.push(...hand.marks);
      return {
        pageNumber: prepared.pageNumber,
        width: prepared.pageWidth,
        height: prepared.pageHeight,
        dpi: prepared.dpi,
        skew: prepared.skew,
        rotation,
        steps: rotation !== prepared.rotation ? [...prepared.steps, 'reorient-by-reading'] : prepared.steps,
        text: blocksToText(blocks),
        confidence: meanConf(blocks.flatMap((b) => b.lines)),
        blocks,
        ...(marks.length ? { marks: marks.map((m) => ({ kind: m.kind, bbox: m.bbox, confidence: m.confidence })) } : {}),
        ...(prepared.imageStats ? { imageStats: prepared.imageStats } : {}),
      };
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** A line read below this confidence… */
const SCRAWL_CONF = 60;
/** …with less than this share of syllable-shaped letters is a stroke drawing, not print. */
const SCRAWL_SHARE = 0.4;
/** Below this confidence a line needs WILD_SHARE syllable-shaped letters (dev phone photos: scrawls read at 26–37). */
const WILD_CONF = 40;
const WILD_SHARE = 0.75;

/**
 * Signatures and handwritten notes in black ink cannot be told by colour; Tesseract
 * reads them as a short line of unconfident non-words ("AAZ \Ax"). Such lines are
 * listed as marks and kept out of the text: a signature when it sits in the lower
 * half of the page right of centre (the signer block), handwriting elsewhere.
 */
function splitOffScrawls(blocks: OcrBlock[], width: number, height: number, plausibility: (text: string) => number): { blocks: OcrBlock[]; marks: PageMark[] } {
  const marks: PageMark[] = [];
  const out: OcrBlock[] = [];
  for (const block of blocks) {
    const lines = block.lines.filter((line) => {
      const conf = meanConf([line]);
      // A very unconfident line may be a longer scrawl, and its capitals ("VYA", "TT") read
      // as abbreviations prove little: it must look like Vietnamese throughout to stay.
      const wild = conf < WILD_CONF;
      if (line.words.length > (wild ? 6 : 4) || conf >= SCRAWL_CONF) return true;
      const share = plausibility(line.text);
      if (share >= (wild ? WILD_SHARE : SCRAWL_SHARE)) return true;
      // Numbers and dates read unconfidently are still print.
      if (/\p{N}{2,}/u.test(line.text)) return true;
      const [x0, y0, x1, y1] = line.bbox;
      const signature = (y0 + y1) / 2 > 0.5 * height && (x0 + x1) / 2 > 0.5 * width;
      marks.push({ kind: signature ? 'signature' : 'handwriting', bbox: line.bbox, confidence: Math.round(100 * (1 - conf / 100) * (1 - share)) / 100 });
      return false;
    });
    if (lines.length === block.lines.length) out.push(block);
    else if (lines.length) out.push({ ...block, bbox: unionBox(lines.map((l) => l.bbox)), lines });
  }
  return { blocks: out, marks };
}

/**
 * The ink of every word of the lines that hold a bare number, measured on the prepared
 * image (boxes mapped back from the page); lines without one are left unmeasured.
 */
function inkShapes(image: GrayPixels, prepared: PreparedImage, blocks: readonly OcrBlock[]): Map<OcrLine, Array<InkShape | undefined>> {
  const out = new Map<OcrLine, Array<InkShape | undefined>>();
  const lines = blocks.flatMap((b) => b.lines).filter((l) => l.words.some((w) => /^\p{N}{1,5}$/u.test(w.text)));
  if (lines.length === 0) return out;
  const fromPage = invert(prepared.toPage);
  for (const line of lines) {
    out.set(
      line,
      line.words.map((w) => {
        const [x0, y0, x1, y1] = w.bbox;
        const box = mapBox({ x0, y0, x1, y1 }, fromPage, image.width, image.height);
        return inkShape(image.data, image.width, image.height, box);
      }),
    );
  }
  return out;
}

/** Numbers written by hand into a printed line (a day in the date line) are marks, not text. */
function splitOffHandwrittenNumbers(blocks: OcrBlock[], shapes: ReadonlyMap<OcrLine, ReadonlyArray<InkShape | undefined>>): { blocks: OcrBlock[]; marks: PageMark[] } {
  const marks: PageMark[] = [];
  const out = blocks.map((block) => {
    let changed = false;
    const lines = block.lines.map((line) => {
      const drop = new Set(handwrittenNumbers(line.words, shapes.get(line)));
      if (drop.size === 0) return line;
      changed = true;
      for (const i of drop) marks.push({ kind: 'handwriting', bbox: line.words[i]!.bbox, confidence: Math.round(100 * (1 - line.words[i]!.conf / 100)) / 100 });
      const words = line.words.filter((_, i) => !drop.has(i));
      // The line's confidence is its print's: the engine's doubt about the pen figures goes with them.
      const conf = words.length ? words.reduce((sum, w) => sum + w.conf, 0) / words.length : line.conf;
      return { ...line, words, text: words.map((w) => w.text).join(' '), conf };
    });
    return changed ? { ...block, lines } : block;
  });
  return { blocks: out, marks };
}

/**
 * Words mostly inside a mark's box with low confidence are the mark read as text
 * (a stamp's ring lettering, a handwritten note); printed words under a stamp
 * keep their confidence and stay.
 */
function dropMarkedWords(blocks: OcrBlock[], marks: PageMark[]): OcrBlock[] {
  const inside = (w: OcrWord): boolean =>
    marks.some((m) => {
      const ix = Math.max(0, Math.min(w.bbox[2], m.bbox[2]) - Math.max(w.bbox[0], m.bbox[0]));
      const iy = Math.max(0, Math.min(w.bbox[3], m.bbox[3]) - Math.max(w.bbox[1], m.bbox[1]));
      const area = Math.max(1, (w.bbox[2] - w.bbox[0]) * (w.bbox[3] - w.bbox[1]));
      return (ix * iy) / area > 0.5 && w.conf < (m.kind === 'stamp' || m.kind === 'seal' ? 70 : 85);
    });
  const out: OcrBlock[] = [];
  for (const block of blocks) {
    const lines: OcrLine[] = [];
    for (const line of block.lines) {
      const words = line.words.filter((w) => !inside(w));
      if (words.length === line.words.length) lines.push(line);
      else if (words.length) lines.push({ ...line, words, text: words.map((w) => w.text).join(' '), conf: words.reduce((s, w) => s + w.conf, 0) / words.length });
    }
    if (lines.length) out.push({ ...block, bbox: unionBox(lines.map((l) => l.bbox)), lines });
  }
  return out;
}

function unionBox(boxes: BBox[]): BBox {
  return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
}

/**
 * Re-reads every left/right block from a crop of its column (PSM 6, one block),
 * keeping the new lines unless they lost text or much confidence.
 */
async function refine(worker: Worker, image: GrayPixels, prepared: PreparedImage, blocks: OcrBlock[], psm: OcrPsm, engineLines?: OcrLine[]): Promise<OcrBlock[]> {
  const out: OcrBlock[] = [];
  const troubled = engineLines ? troubledColumns(blocks, engineLines) : undefined;
  if (troubled && troubled.size === 0) return blocks;
  const lineHeight = medianHeight(blocks);
  const pad = Math.round(0.4 * lineHeight);
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK });
  try {
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      if (block.column === 'full' || (troubled && !troubled.has(i))) {
        out.push(block);
        continue;
      }
      // Stop the crop halfway across the gutter so no glyph of the other column leaks in.
      const partner = block.column === 'left' ? blocks[i + 1] : blocks[i - 1];
      let x0 = block.bbox[0] - pad;
      let x1 = block.bbox[2] + pad;
      if (partner && partner.column !== 'full') {
        if (block.column === 'left') x1 = Math.min(x1, Math.floor((block.bbox[2] + partner.bbox[0]) / 2));
        else x0 = Math.max(x0, Math.ceil((partner.bbox[2] + block.bbox[0]) / 2));
      }
      x0 = Math.max(0, x0);
      x1 = Math.min(prepared.width, x1);
      const y0 = Math.max(0, block.bbox[1] - pad);
      const y1 = Math.min(prepared.height, block.bbox[3] + pad);
      if (x1 - x0 < 8 || y1 - y0 < 8) {
        out.push(block);
        continue;
      }
      const crop = cropPgm(image, [x0, y0, x1, y1]);
      const engineBlocks = await recognizeCounted(worker, crop, (x1 - x0) * (y1 - y0), 'column');
      const lines = extractLines(engineBlocks, [1, 0, 0, 1, x0, y0], prepared.width, prepared.height);
      const reread = orderReading(lines, {}).flatMap((b) => b.lines);
      // The crop is the cleaner input, so it wins unless it clearly lost text or confidence.
      const chars = (lines: OcrLine[]): number => lines.reduce((n, l) => n + l.words.reduce((m, w) => m + w.text.length, 0), 0);
      const take = reread.length > 0 && chars(reread) >= 0.8 * chars(block.lines) && meanConf(reread) >= meanConf(block.lines) - 10;
      if (take) {
        out.push({ column: block.column, bbox: block.bbox, lines: reread });
      } else {
        out.push(block);
      }
    }
  } finally {
    await worker.setParameters({ tessedit_pageseg_mode: String(psm) as PSM });
  }
  return out;
}

/** Lines read below this mean word confidence are re-read enlarged… */
const WEAK_CONF = 75;
/** …at most this many per page, weakest first, to bound the cost. */
const WEAK_MAX = 8;
/** Enlarged so the line is about this many pixels high (x-height about 20–25 px, where the recognizer is surest). */
const WEAK_TARGET_HEIGHT = 72;

/**
 * Re-reads the least confident lines one crop each (PSM 7, one line), scaled up so the
 * line is WEAK_TARGET_HEIGHT px high (at least 1.5×), the crop stopping short of other
 * lines on the same row. The new reading is kept when its confidence rose, it kept about
 * as many characters and it looks at least as much like Vietnamese.
 */
async function rereadWeakLines<L extends OcrLine>(worker: Worker, image: GrayPixels, prepared: PreparedImage, lines: L[], psm: OcrPsm, plausibility: (text: string) => number): Promise<L[]> {
  const weak = lines
    .map((line, i) => ({ i, conf: meanConf([line]) }))
    .filter((x) => x.conf < WEAK_CONF && lines[x.i]!.words.some((w) => /[\p{L}\p{N}]/u.test(w.text)))
    .sort((a, b) => a.conf - b.conf)
    .slice(0, WEAK_MAX);
  if (weak.length === 0) return lines;
  const out = [...lines];
  const chars = (l: OcrLine): number => l.words.reduce((n, w) => n + [...w.text].length, 0);
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_LINE });
  try {
    for (const { i, conf } of weak) {
      const line = lines[i]!;
      const h = line.bbox[3] - line.bbox[1];
      if (h < 6) continue;
      const yMid = (line.bbox[1] + line.bbox[3]) / 2;
      let x0 = Math.max(0, Math.round(line.bbox[0] - 0.5 * h));
      let x1 = Math.min(prepared.width, Math.round(line.bbox[2] + 0.5 * h));
      for (const other of lines) {
        if (other === line || other.bbox[1] > yMid || other.bbox[3] < yMid) continue;
        if (other.bbox[2] <= line.bbox[0]) x0 = Math.max(x0, Math.round((other.bbox[2] + line.bbox[0]) / 2));
        if (other.bbox[0] >= line.bbox[2]) x1 = Math.min(x1, Math.round((line.bbox[2] + other.bbox[0]) / 2));
      }
      const y0 = Math.max(0, Math.round(line.bbox[1] - 0.2 * h));
      const y1 = Math.min(prepared.height, Math.round(line.bbox[3] + 0.2 * h));
      if (x1 - x0 < 8 || y1 - y0 < 6) continue;
      const s = Math.min(3, Math.max(1.5, WEAK_TARGET_HEIGHT / h));
      const words = (await readScaledCrop(worker, image, prepared, [x0, y0, x1, y1], s, 'weak')).flatMap((l) => l.words);
      if (words.length === 0) continue;
      const text = words.map((w) => w.text).join(' ');
      const reread: L = { ...line, words, text, conf: words.reduce((n, w) => n + w.conf, 0) / words.length };
      const n = chars(reread);
      if (meanConf([reread]) >= conf + 5 && n >= 0.8 * chars(line) && n <= 1.25 * chars(line) && plausibility(text) >= plausibility(line.text)) out[i] = reread;
    }
  } finally {
    await worker.setParameters({ tessedit_pageseg_mode: String(psm) as PSM });
  }
  return out;
}

/**
 * Reads the box of `image` enlarged `s` times (Lanczos: thin strokes keep their shape) in
 * the worker's current mode; lines come back in prepared-image coordinates.
 */
async function readScaledCrop(worker: Worker, image: GrayPixels, prepared: PreparedImage, [x0, y0, x1, y1]: BBox, s: number, kind: OcrCallKind): Promise<LayoutLine[]> {
  const w = Math.round((x1 - x0) * s);
  const h = Math.round((y1 - y0) * s);
  const crop = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .resize(w, h, { kernel: 'lanczos3' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const engineBlocks = await recognizeCounted(worker, crop, w * h, kind);
  return extractLines(engineBlocks, [1 / s, 0, 0, 1 / s, x0, y0], prepared.width, prepared.height);
}

/** A re-read line below this confidence must look like Vietnamese to be kept (not seal lettering or strokes). */
const MISSED_CONF = 70;

/**
 * Reads again, one crop each (PSM 6), the ink regions no engine line covers, and returns
 * their lines in prepared-image coordinates. Words overlapping a line already read are
 * dropped (the crop's padding can reach a neighbour), and so are lines that are neither
 * confident nor syllable-shaped.
 */
async function readMissed(
  worker: Worker,
  gray: GrayPixels,
  prepared: PreparedImage,
  lines: LayoutLine[],
  psm: OcrPsm,
  plausibility: (text: string) => number,
  seal?: SealRing,
): Promise<LayoutLine[]> {
  if (lines.length < 3) return [];
  const heights = lines.map((l) => l.bbox[3] - l.bbox[1]).sort((a, b) => a - b);
  const lineHeight = heights[heights.length >> 1]!;
  const read = lines.map((l) => l.bbox);
  const regions = findMissedInk(gray, read, { lineHeight });
  if (regions.length === 0) return [];
  const overlapsRead = (b: BBox): boolean =>
    read.some((r) => {
      const ix = Math.max(0, Math.min(b[2], r[2]) - Math.max(b[0], r[0]));
      const iy = Math.max(0, Math.min(b[3], r[3]) - Math.max(b[1], r[1]));
      return ix * iy > 0.3 * Math.max(1, (b[2] - b[0]) * (b[3] - b[1]));
    });
  let group = Math.max(0, ...lines.map((l) => l.group ?? 0)) + 1;
  const out: LayoutLine[] = [];
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK });
  try {
    for (const [x0, y0, x1, y1] of regions) {
      const box: BBox = [x0, y0, x1, y1];
      const crop = seal && overlaps(box, seal.bbox) ? darkCrop(gray, box) : cropPgm(gray, box);
      const engineBlocks = await recognizeCounted(worker, crop, (x1 - x0) * (y1 - y0), 'missed');
      for (const line of extractLines(engineBlocks, [1, 0, 0, 1, x0, y0], prepared.width, prepared.height)) {
        // The page's own pass left this ink out, so most of it is a seal's ring lettering or a
        // signature's strokes: keep confident words, and Vietnamese-shaped ones read fairly.
        const words = line.words.filter((w) => !overlapsRead(w.bbox) && (w.conf >= 85 || (w.conf >= 30 && (plausibility(w.text) === 1 || /^\p{N}/u.test(w.text)))));
        if (words.reduce((n, w) => n + (w.text.match(/\p{L}/gu)?.length ?? 0), 0) < 3) continue;
        const text = words.map((w) => w.text).join(' ');
        const conf = words.reduce((s, w) => s + w.conf, 0) / words.length;
        if (conf < MISSED_CONF && plausibility(text) < 0.5) continue;
        out.push({ text, conf, bbox: unionBox(words.map((w) => w.bbox)), words, group: group + (line.group ?? 0) });
      }
      group += 1000;
    }
  } finally {
    await worker.setParameters({ tessedit_pageseg_mode: String(psm) as PSM });
  }
  return out;
}

/** A page number read below this confidence is left out. */
const PAGE_NUMBER_CONF = 50;

/**
 * Reads (PSM 7, one line) the lone figure at the top centre that the engine left out
 * (see findPageNumberInk), enlarged to a line height of about WEAK_TARGET_HEIGHT; a
 * reading of one to three digits is the page number, anything else is dropped.
 */
async function readPageNumber(worker: Worker, image: GrayPixels, prepared: PreparedImage, lines: LayoutLine[], psm: OcrPsm): Promise<LayoutLine | null> {
  if (lines.length < 3) return null;
  const heights = lines.map((l) => l.bbox[3] - l.bbox[1]).sort((a, b) => a - b);
  const lineHeight = heights[heights.length >> 1]!;
  const box = findPageNumberInk(image, lines.map((l) => l.bbox), { lineHeight });
  if (!box) return null;
  // Widened by three line heights of blank margin each way: the line recognizer returned
  // nothing for a lone figure in a tight crop (a dev page: no word in PSM 7, 8, 10 or 13 at
  // 0.7–3×; widened, "2" at confidence 97, and on 4 other dev pages every number).
  const wide = 3 * lineHeight;
  const [x0, y0, x1, y1] = [Math.max(0, Math.round(box[0] - wide)), box[1], Math.min(prepared.width, Math.round(box[2] + wide)), box[3]];
  const s = Math.min(3, Math.max(1, WEAK_TARGET_HEIGHT / lineHeight));
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_LINE });
  let words: OcrWord[];
  try {
    words = (await readScaledCrop(worker, image, prepared, [x0, y0, x1, y1], s, 'page-number')).flatMap((l) => l.words);
  } finally {
    await worker.setParameters({ tessedit_pageseg_mode: String(psm) as PSM });
  }
  if (words.length !== 1 || !/^\p{N}{1,3}$/u.test(words[0]!.text) || words[0]!.conf < PAGE_NUMBER_CONF) return null;
  const group = Math.max(0, ...lines.map((l) => l.group ?? 0)) + 1;
  return { text: words[0]!.text, conf: words[0]!.conf, bbox: words[0]!.bbox, words, group };
}

/** Below this mean word confidence a column block is re-read even when its lines were clean. */
const REREAD_CONF = 80;
/**
 * From this mean word confidence a column block is kept as read even when an engine line
 * crossed the gutter: the crossing cost it nothing (dev 1–5: the four such blocks, the
 * national motto and date on the right of the header, read the same from their own crop,
 * while blocks at 91–94 did change). Bench fixtures: 3.6 → 2.8 column crops per page.
 */
const SURE_COLUMN = 95;

/**
 * Column blocks whose first reading is suspect: an engine line ran across the
 * gutter (two baselines and font sizes in one line cost whole words) and the block
 * is not sure of its words, or the block's words are unconfident. The rest keep the first pass's words, which
 * saves one OCR call per column on most pages.
 */
function troubledColumns(blocks: OcrBlock[], engineLines: OcrLine[]): Set<number> {
  const lineOf = new Map<OcrWord, number>();
  engineLines.forEach((l, i) => l.words.forEach((w) => lineOf.set(w, i)));
  const linesIn = (b: OcrBlock): Set<number> => new Set(b.lines.flatMap((l) => l.words.map((w) => lineOf.get(w) ?? -1)));
  const out = new Set<number>();
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.column !== 'left') continue;
    const partner = blocks[i + 1];
    if (!partner || partner.column !== 'right') continue;
    const left = linesIn(b);
    const shared = [...linesIn(partner)].some((n) => n >= 0 && left.has(n));
    const conf = meanConf(b.lines);
    const partnerConf = meanConf(partner.lines);
    if ((shared && conf < SURE_COLUMN) || conf < REREAD_CONF) out.add(i);
    if ((shared && partnerConf < SURE_COLUMN) || partnerConf < REREAD_CONF) out.add(i + 1);
  }
  return out;
}

/**
 * Per line of `blocks` (in order), the x-range of its text column: a line of a left or
 * right block stops at the middle of the gutter to the side-by-side block beside it.
 */
function columnBounds(blocks: readonly OcrBlock[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const b of blocks) {
    let lo = -Infinity;
    let hi = Infinity;
    for (const c of blocks) {
      if (c === b || c.column === 'full' || c.column === b.column || Math.min(b.bbox[3], c.bbox[3]) <= Math.max(b.bbox[1], c.bbox[1])) continue;
      if (c.bbox[2] <= b.bbox[0]) lo = Math.max(lo, (c.bbox[2] + b.bbox[0]) / 2);
      if (c.bbox[0] >= b.bbox[2]) hi = Math.min(hi, (b.bbox[2] + c.bbox[0]) / 2);
    }
    for (let k = 0; k < b.lines.length; k++) out.push([Math.round(lo === -Infinity ? 0 : lo), Math.round(hi === Infinity ? 1e9 : hi)]);
  }
  return out;
}

function medianHeight(blocks: OcrBlock[]): number {
  const h = blocks.flatMap((b) => b.lines.map((l) => l.bbox[3] - l.bbox[1])).sort((a, b) => a - b);
  return h[h.length >> 1] ?? 40;
}

/** Grey at or below which a pixel is print when a seal is near: scanned seal ink (red, grey) is lighter (dev: seal ring median 52–119, print cores 0). */
const PRINT_DARK = 40;

const overlaps = (a: BBox, b: BBox): boolean => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** A crop keeping only ink darker than PRINT_DARK, black on white. */
function darkCrop(image: GrayPixels, box: BBox): Buffer {
  return cropPgm(image, box, PRINT_DARK + 1);
}

/** Raw grey pixels of a page image. */
export interface GrayPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Decodes an encoded page image to one grey channel (colour: luminance; alpha: on white). */
async function decodeGrey(png: Uint8Array): Promise<GrayPixels> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** Binary PGM (P5) of grey pixels: the engine reads it without decompressing, and it costs a copy to make. */
function toPgm(image: GrayPixels): Buffer {
  return cropPgm(image, [0, 0, image.width, image.height]);
}

/**
 * The box of `image` as a PGM; with `threshold`, pixels below it turn black and the rest
 * white (as sharp's threshold does).
 */
function cropPgm(image: GrayPixels, [x0, y0, x1, y1]: BBox, threshold?: number): Buffer {
  const w = x1 - x0;
  const h = y1 - y0;
  const header = Buffer.from(`P5\n${w} ${h}\n255\n`, 'ascii');
  const out = Buffer.allocUnsafe(header.length + w * h);
  header.copy(out, 0);
  let o = header.length;
  for (let y = y0; y < y1; y++) {
    const row = y * image.width;
    if (threshold === undefined) {
      out.set(image.data.subarray(row + x0, row + x1), o);
      o += w;
    } else {
      for (let x = x0; x < x1; x++) out[o++] = image.data[row + x]! >= threshold ? 255 : 0;
    }
  }
  return out;
}

/** Letters read, weighted by their word's confidence; words below SURE count nothing (strokes read as letters). */
const SURE = 60;
const sureLetters = (words: readonly OcrWord[]): number => words.reduce((n, w) => n + (w.conf >= SURE ? ((w.text.match(/\p{L}/gu)?.length ?? 0) * w.conf) / 100 : 0), 0);

/**
 * A seal's ring crossing a short line (the signer's title or name) costs it a word or two:
 * each short line over or just beside the seal is read again (PSM 7) from a crop widened by
 * three line heights each way, keeping only the darkest ink, and the new reading replaces it
 * when it has more letters, weighted by confidence. The crop stays in the line's column
 * (`bounds`, see columnBounds) and short of any line whose rows it meets; on a `dark` seal
 * (1-bit, black) it is not widened towards the seal's middle, whose lettering the dark crop
 * keeps (a real 1-bit letter: "⁄Z*" read before "PHÓ GIÁM ĐỐC"). Words read beyond the
 * first reading's box stay only when syllable-shaped (see evidentWords).
 */
async function rereadSealLines<L extends OcrLine>(
  worker: Worker,
  image: GrayPixels,
  prepared: PreparedImage,
  lines: L[],
  bounds: ReadonlyArray<[number, number]>,
  seal: SealRing,
  dark: boolean,
  psm: OcrPsm,
): Promise<L[]> {
  const [sx0, sy0, sx1, sy1] = seal.bbox;
  const out = [...lines];
  const todo = lines
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => {
      const h = line.bbox[3] - line.bbox[1];
      const near: BBox = [sx0, sy0 - h, sx1, sy1 + h];
      // Confident words say nothing of a word the ring hid entirely ("Lê Thế Vinh" read "Thế Vinh").
      return line.words.length <= 6 && overlaps(line.bbox, near);
    });
  if (todo.length === 0) return lines;
  await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_LINE });
  try {
    for (const { line, i } of todo) {
      const h = line.bbox[3] - line.bbox[1];
      const y0 = Math.max(0, Math.round(line.bbox[1] - 0.25 * h));
      const y1 = Math.min(prepared.height, Math.round(line.bbox[3] + 0.25 * h));
      // Never beyond the line's text column (the gutter's middle) …
      let x0 = Math.max(0, bounds[i]![0], Math.round(line.bbox[0] - 3 * h));
      let x1 = Math.min(prepared.width, bounds[i]![1], Math.round(line.bbox[2] + 3 * h));
      // … nor into a neighbour whose rows meet the crop's, on either side.
      for (const other of lines) {
        if (other === line || Math.min(y1, other.bbox[3]) - Math.max(y0, other.bbox[1]) < 0.25 * h) continue;
        if (other.bbox[2] <= line.bbox[0]) x0 = Math.max(x0, other.bbox[2] + Math.round(0.5 * h));
        if (other.bbox[0] >= line.bbox[2]) x1 = Math.min(x1, other.bbox[0] - Math.round(0.5 * h));
      }
      // A dark seal's lettering stays in the dark crop: no widening into its middle.
      if (dark) [x0, x1] = clipToDisc(line.bbox, [x0, x1], [y0, y1], seal, 0.25 * h);
      if (x1 - x0 < 8 || y1 - y0 < 8) continue;
      const engineBlocks = await recognizeCounted(worker, darkCrop(image, [x0, y0, x1, y1]), (x1 - x0) * (y1 - y0), 'seal');
      const read = extractLines(engineBlocks, [1, 0, 0, 1, x0, y0], prepared.width, prepared.height).flatMap((l) => l.words);
      // Beyond the first reading's box only syllables read fairly stay: seal lettering and strokes are read there too.
      const words = evidentWords(read, line.bbox, 0.5 * h, SURE);
      if (words.length === 0 || sureLetters(words) <= sureLetters(line.words)) continue;
      out[i] = { ...line, words, text: words.map((w) => w.text).join(' '), conf: words.reduce((n, w) => n + w.conf, 0) / words.length, bbox: unionBox(words.map((w) => w.bbox)) };
    }
  } finally {
    await worker.setParameters({ tessedit_pageseg_mode: String(psm) as PSM });
  }
  return out;
}
