/**
 * One tesseract.js 7 worker, fully offline: the WASM core is `require`d from
 * node_modules by tesseract.js's Node worker script and the traineddata is read
 * from the @tesseract.js-data packages, so nothing is ever fetched.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { VanbanError } from '../errors.js';
import type { OcrPage, PreparedImage } from '../types.js';
import { extractLines, type EngineBlock } from './extract.js';
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
  /** Page segmentation mode (default 3: automatic; our layout pass reorders lines anyway). */
  psm?: OcrPsm;
  /** Extra Tesseract parameters, e.g. { preserve_interword_spaces: '1' }. */
  parameters?: Record<string, string>;
  /** Reading-order thresholds. */
  layout?: LayoutOptions;
}

export const DEFAULT_ENGINE: Required<Omit<OcrEngineOptions, 'layout' | 'parameters'>> = {
  model: '4.0.0_best_int',
  languages: ['vie'],
  psm: 3,
};

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
  const languages = options.languages ?? DEFAULT_ENGINE.languages;
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
    ...options.parameters,
  });
  let dpi = 0;
  const thread = (worker as unknown as { worker?: OcrEngine['thread'] }).worker;

  return {
    thread,
    async recognize(prepared) {
      if (prepared.dpi !== dpi) {
        // Tesseract scales its size-based heuristics with the resolution; PNGs from sharp may carry none.
        await worker.setParameters({ user_defined_dpi: String(Math.round(prepared.dpi)) });
        dpi = prepared.dpi;
      }
      const image = Buffer.from(prepared.png.buffer, prepared.png.byteOffset, prepared.png.byteLength);
      const result = await worker.recognize(image, {}, { blocks: true, text: false });
      const lines = extractLines(result.data.blocks as unknown as EngineBlock[] | null, prepared.toPage, prepared.pageWidth, prepared.pageHeight);
      const blocks = orderReading(lines, options.layout);
      const words = blocks.flatMap((b) => b.lines.flatMap((l) => l.words));
      return {
        pageNumber: prepared.pageNumber,
        width: prepared.pageWidth,
        height: prepared.pageHeight,
        dpi: prepared.dpi,
        skew: prepared.skew,
        rotation: prepared.rotation,
        steps: prepared.steps,
        text: blocksToText(blocks),
        confidence: words.length ? words.reduce((s, w) => s + w.conf, 0) / words.length : 0,
        blocks,
      };
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
