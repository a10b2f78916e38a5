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
import { VanbanError } from '../errors.js';
import type { Affine, BBox, OcrBlock, OcrLine, OcrPage, OcrWord, PageMark, PreparedImage } from '../types.js';
import { syllableShare } from './plausible.js';
import { extractLines, mapBox, type EngineBlock } from './extract.js';
import { blocksToText, orderReading, type LayoutOptions } from './layout.js';

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
   * Scores how much a reading looks like Vietnamese (0–1), to choose between the two
   * readings of a page whose up/down is uncertain. Default: the share of syllable-shaped
   * words; the pipeline may pass a language-model score.
   */
  plausibility?: (text: string) => number;
}

export const DEFAULT_ENGINE: Required<Omit<OcrEngineOptions, 'layout' | 'parameters' | 'language' | 'plausibility'>> = {
  model: '4.0.0_best_int',
  languages: ['vie'],
  psm: 3,
  refineColumns: true,
};

const IDENTITY: Affine = [1, 0, 0, 1, 0, 0];

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
    });
  } catch (cause) {
    throw new VanbanError('MODEL', `could not start the OCR engine with ${languages.join('+')} (${model}): ${String(cause)}`, { cause });
  }
  await worker.setParameters({
    tessedit_pageseg_mode: String(psm) as PSM,
    // Tesseract prints diagnostics ("Detected 42 diacritics") on stdout; a batch log has no use for them.
    debug_file: '/dev/null',
    ...options.parameters,
  });
  let dpi = 0;
  const thread = (worker as unknown as { worker?: OcrEngine['thread'] }).worker;

  /** One reading of `image` (prepared pixels), boxes mapped to the page through `toPage`. */
  const read = async (image: Buffer, prepared: PreparedImage, toPage: Affine): Promise<OcrBlock[]> => {
    const result = await worker.recognize(image, {}, { blocks: true, text: false });
    // Layout runs in prepared-image coordinates (upright, deskewed); boxes are mapped to the page at the end.
    const lines = extractLines(result.data.blocks as unknown as EngineBlock[] | null, IDENTITY, prepared.width, prepared.height);
    let blocks = orderReading(lines, options.layout);
    const refineMode = options.refineColumns ?? DEFAULT_ENGINE.refineColumns;
    if (refineMode !== false && blocks.some((b) => b.column !== 'full')) {
      blocks = await refine(worker, image, prepared, blocks, psm, refineMode === 'always' ? undefined : lines);
    }
    return blocks.map((b) => ({
      column: b.column,
      bbox: mapBox(boxOf(b.bbox), toPage, prepared.pageWidth, prepared.pageHeight),
      lines: b.lines.map((l) => mapLine(l, toPage, prepared.pageWidth, prepared.pageHeight)),
    }));
  };
  const plausibility = options.plausibility ?? syllableShare;

  return {
    thread,
    async recognize(prepared) {
      if (prepared.dpi !== dpi) {
        // Tesseract scales its size-based heuristics with the resolution; PNGs from sharp may carry none.
        await worker.setParameters({ user_defined_dpi: String(Math.round(prepared.dpi)) });
        dpi = prepared.dpi;
      }
      const image = Buffer.from(prepared.png.buffer, prepared.png.byteOffset, prepared.png.byteLength);
      let blocks = await read(image, prepared, prepared.toPage);
      let rotation = prepared.rotation;
      if (prepared.orientationUncertain) {
        // A sparse page gives the ink-based up/down vote too little to go on: read it the
        // other way up too and keep the reading that looks more like Vietnamese text.
        const turned = await sharp(image).rotate(180).png({ compressionLevel: 1 }).toBuffer();
        const back: Affine = [-1, 0, 0, -1, prepared.width, prepared.height];
        const other = await read(turned, prepared, composeAffine(prepared.toPage, back));
        const score = (b: OcrBlock[]): number => plausibility(blocksToText(b)) + meanConf(b.flatMap((x) => x.lines)) / 200;
        if (score(other) > score(blocks)) {
          blocks = other;
          rotation = ((rotation + 180) % 360) as OcrPage['rotation'];
        }
      }
      const marks = [...(prepared.marks ?? [])];
      if (marks.length) blocks = dropMarkedWords(blocks, marks);
      const scrawls = splitOffScrawls(blocks, prepared.pageWidth, prepared.pageHeight, plausibility);
      blocks = scrawls.blocks;
      marks.push(...scrawls.marks);
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
      };
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** a∘b: apply b, then a. */
function composeAffine(a: Affine, b: Affine): Affine {
  return [
    a[0] * b[0] + a[2] * b[1],
    a[1] * b[0] + a[3] * b[1],
    a[0] * b[2] + a[2] * b[3],
    a[1] * b[2] + a[3] * b[3],
    a[0] * b[4] + a[2] * b[5] + a[4],
    a[1] * b[4] + a[3] * b[5] + a[5],
  ];
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
async function refine(worker: Worker, image: Buffer, prepared: PreparedImage, blocks: OcrBlock[], psm: OcrPsm, engineLines?: OcrLine[]): Promise<OcrBlock[]> {
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
      const crop = await sharp(image).extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 }).png().toBuffer();
      const result = await worker.recognize(crop, {}, { blocks: true, text: false });
      const lines = extractLines(result.data.blocks as unknown as EngineBlock[] | null, [1, 0, 0, 1, x0, y0], prepared.width, prepared.height);
      const reread = orderReading(lines, {}).flatMap((b) => b.lines);
      // The crop is the cleaner input, so it wins unless it clearly lost text or confidence.
      const chars = (lines: OcrLine[]): number => lines.reduce((n, l) => n + l.words.reduce((m, w) => m + w.text.length, 0), 0);
      if (reread.length && chars(reread) >= 0.8 * chars(block.lines) && meanConf(reread) >= meanConf(block.lines) - 10) {
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

/** Below this mean word confidence a column block is re-read even when its lines were clean. */
const REREAD_CONF = 80;

/**
 * Column blocks whose first reading is suspect: an engine line ran across the
 * gutter (two baselines and font sizes in one line cost whole words), or the
 * block's words are unconfident. The rest keep the first pass's words, which
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
    if (shared || meanConf(b.lines) < REREAD_CONF) out.add(i);
    if (shared || meanConf(partner.lines) < REREAD_CONF) out.add(i + 1);
  }
  return out;
}

function medianHeight(blocks: OcrBlock[]): number {
  const h = blocks.flatMap((b) => b.lines.map((l) => l.bbox[3] - l.bbox[1])).sort((a, b) => a - b);
  return h[h.length >> 1] ?? 40;
}
