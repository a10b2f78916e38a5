/**
 * The pipeline: one input file → VanBanDocument, composed from the stages
 * (pdf → image → ocr → restore → structure → quality). Each stage is a plain
 * function over the typed data in types.ts; this module only wires them and
 * owns the long-lived resources (the OCR worker pool, the language model).
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { readPageInputs } from './pdf/index.js';
import { INK_COUNT_CAP, prepare } from './image/index.js';
import { OcrPool, blocksToText, orderReading } from './ocr/index.js';
import { restorePage } from './restore/page.js';
import { extract } from './structure/index.js';
import { estimate, estimateDocument } from './quality/index.js';
import { VanbanError } from './errors.js';
import { Budget } from './batch/budget.js';
import type { ConvertedPage, ExistingTextMode, OcrPage, PageImage, PageText, PreparedImage, VanBanDocument } from './types.js';
type QualityEstimate = ConvertedPage['quality'];

export type { ConvertedPage, VanBanDocument } from './types.js';

export interface PipelineOptions {
  /** Parallel OCR workers (default: the number of cores). */
  jobs?: number;
  /** Run the preprocessing stage (default true). */
  preprocess?: boolean;
  /** Run diacritic restoration (default true). */
  restore?: boolean;
  /** Pages that already carry text: see ExistingTextMode (default 'redo'). */
  existingText?: ExistingTextMode;
  /** OCR language(s): 'vie' (default) or 'vie+eng'. */
  language?: string;
  /** 1-based pages to convert (default all); pages a file does not have are left out. */
  pages?: readonly number[];
  /** Resolution of image inputs that carry none (default: the file's own, else 300). */
  imageDpi?: number;
  /** Searchable PDF declared as PDF/A-2b (default true) or plain PDF. */
  pdfa?: boolean;
  /**
   * Pixels of page images being preprocessed or OCR'd at once, over all files and
   * workers (default PIXEL_BUDGET). Bounds peak memory whatever the inputs.
   */
  pixelBudget?: number;
}

/**
 * Default in-flight pixel budget: about seven A4 pages at 300 dpi. A page larger than
 * the whole budget is processed alone. Peak memory ≈ workers + ~20 bytes per pixel in flight.
 */
export const PIXEL_BUDGET = 64_000_000;

export interface PageEvent {
  source: string;
  page: number;
}

/** Only what OCR cannot do without: decode to gray at a workable resolution. */
const NO_PREPROCESSING = { flatten: false, normalize: false, denoise: false, orient: false, deskew: false, binarize: false, rules: false, marks: false } as const;

/**
 * Ink pixels (gray ≤ 128) per 300-dpi page below which a prepared page is blank: a few
 * specks of dust, less than a lone page number (≈ 300 px at 12 pt).
 */
const BLANK_INK_PIXELS = 120;

/** True when the prepared page has (next to) no ink: OCR has nothing to read. */
async function isBlank(prepared: PreparedImage): Promise<boolean> {
  const limit = BLANK_INK_PIXELS * (prepared.dpi / 300) ** 2;
  // Counted by prepare (up to a cap far above the limit): no second decode of the page.
  if (prepared.inkPixels !== undefined && limit < INK_COUNT_CAP) return prepared.inkPixels <= limit;
  const { data } = await sharp(prepared.png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! <= 128 && ++ink > limit) return false;
  return true;
}

/** An OcrPage with no text, for a page nothing was read from. */
function emptyOcrPage(frame: { pageNumber: number; width: number; height: number; dpi: number }, steps: string[]): OcrPage {
  return { pageNumber: frame.pageNumber, width: frame.width, height: frame.height, dpi: frame.dpi, skew: 0, rotation: 0, steps, text: '', confidence: 0, blocks: [] };
}

/** The quality of a page skipped as blank: the estimator's empty-page verdict, with the cause named. */
function blankQuality(quality: QualityEstimate, why = 'no ink after preparation'): QualityEstimate {
  return { ...quality, reasons: [`blank page: ${why} (OCR skipped)`] };
}

/**
 * A document from its converted pages (in any order): structure and quality are document-wide,
 * so they are computed here, once every page is done. Queue workers assemble page jobs with it.
 */
export function assembleDocument(source: string, converted: readonly ConvertedPage[], seconds: number, existingText: ExistingTextMode): VanBanDocument {
  const pages = [...converted].sort((a, b) => a.number - b.number);
  const restoredPages = pages.map((page) => page.restored);
  const document = extract(restoredPages);
  return {
    source,
    pages,
    text: restoredPages.map((page) => page.text).join('\n\f\n'),
    document,
    quality: estimateDocument(
      pages.map((page) => page.quality),
      { catalogue: document },
    ),
    seconds,
    existingText,
  };
}

export function resolveJobs(jobs: number | undefined): number {
  if (jobs === undefined) return Math.max(1, availableParallelism());
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
    throw new VanbanError('USAGE', `jobs must be a whole number from 1 to 64, got ${String(jobs)}`);
  }
  return jobs;
}

/**
 * Holds the OCR workers for a run: create once, convert many files, close.
 *
 * @example
 * const pipeline = await Pipeline.create({ jobs: 2 });
 * try { const doc = await pipeline.convertFile('scan.pdf'); console.log(doc.text); }
 * finally { await pipeline.close(); }
 */
export class Pipeline {
  readonly jobs: number;
  readonly options: Readonly<PipelineOptions>;
  private readonly pool: OcrPool;
  /** Pixels in preprocessing and OCR, over every file this pipeline converts at once. */
  private readonly pixels: Budget;
  /** Pages read but not yet finished (waiting for a worker counts), over every file. */
  private readonly pageSlots: Budget;

  private constructor(pool: OcrPool, jobs: number, options: PipelineOptions) {
    this.pool = pool;
    this.jobs = jobs;
    this.options = { ...options, preprocess: options.preprocess ?? true, restore: options.restore ?? true };
    this.pixels = new Budget(options.pixelBudget ?? PIXEL_BUDGET);
    this.pageSlots = new Budget(jobs + 2);
  }

  static async create(options: PipelineOptions = {}): Promise<Pipeline> {
    const jobs = resolveJobs(options.jobs);
    if (options.language !== undefined && !['vie', 'vie+eng'].includes(options.language)) {
      throw new VanbanError('USAGE', `language must be vie or vie+eng, got "${options.language}"`);
    }
    const poolOptions = { jobs, ...(options.language !== undefined && { language: options.language as 'vie' | 'vie+eng' }) };
    const pool = await OcrPool.create(poolOptions);
    return new Pipeline(pool, jobs, options);
  }

  /** OCR, restore and score one page image; a page with no ink is not OCR'd. */
  async convertPage(image: PageImage, source?: string): Promise<ConvertedPage> {
    const pixels = image.width * image.height;
    await this.pixels.acquire(pixels);
    let prepared;
    let ocr: OcrPage;
    let blank = false;
    const t0 = performance.now();
    let t1 = t0;
    try {
      const file = source === undefined ? {} : { file: source };
      prepared = await prepare(image, this.options.preprocess ? file : { ...NO_PREPROCESSING, ...file });
      t1 = performance.now();
      blank = await isBlank(prepared);
      ocr = blank
        ? emptyOcrPage({ ...prepared, pageNumber: image.pageNumber, width: prepared.pageWidth, height: prepared.pageHeight }, [...prepared.steps, 'blank'])
        : await this.pool.recognize(prepared, source);
    } finally {
      this.pixels.release(pixels);
    }
    const t2 = performance.now();
    const restored = restorePage(ocr, { enabled: this.options.restore });
    const t3 = performance.now();
    const { data: _data, ...imageInfo } = image;
    const quality = estimate(restored);
    return {
      number: image.pageNumber,
      image: imageInfo,
      ocr,
      restored,
      quality: blank ? blankQuality(quality) : quality,
      timing: { prepare: t1 - t0, ocr: t2 - t1, restore: t3 - t2 },
    };
  }

  /**
   * A page read from its own text (born-digital): the lines go through the OCR stage's
   * reading-order analysis, then restoration and scoring as OCR'd text does. A page
   * that draws nothing is scored (and flagged) as blank.
   */
  convertText(page: PageText): ConvertedPage {
    const t0 = performance.now();
    const { lines, blank, ...frame } = page;
    const blocks = orderReading(lines);
    const ocr: OcrPage = {
      ...emptyOcrPage(frame, [blank ? 'blank' : 'vector-text']),
      text: blocksToText(blocks),
      confidence: lines.length > 0 ? 100 : 0,
      blocks,
    };
    const t1 = performance.now();
    const restored = restorePage(ocr, { enabled: this.options.restore });
    const t2 = performance.now();
    return {
      number: page.pageNumber,
      image: { ...frame, origin: blank ? 'empty' : 'vector-text' },
      ocr,
      restored,
      quality: blank ? blankQuality(estimate(restored), 'the page draws nothing') : estimate(restored),
      timing: { prepare: 0, ocr: t1 - t0, restore: t2 - t1 },
    };
  }

  /**
   * Convert one file. Pages are read lazily and up to `jobs` of them are in
   * flight at once, so a 300-page PDF never sits in memory as images.
   */
  async convertFile(path: string, onPage?: (event: PageEvent) => void, options: { pages?: readonly number[] } = {}): Promise<VanBanDocument> {
    const started = performance.now();
    const pages: ConvertedPage[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const wanted = options.pages ?? this.options.pages;
    const readOptions = {
      ...(wanted !== undefined && { pages: [...wanted] }),
      ...(this.options.imageDpi !== undefined && { imageDpi: this.options.imageDpi }),
    };
    // Born-digital pages keep their own text unless every page is to be rasterized.
    const iterator = readPageInputs(path, { ...readOptions, vectorText: this.options.existingText !== 'force' })[Symbol.asyncIterator]();
    try {
      for (;;) {
        // A slot before reading: pages waiting for a worker hold memory too.
        await this.pageSlots.acquire(1);
        let next: IteratorResult<PageImage | PageText>;
        try {
          next = await iterator.next();
        } catch (error) {
          this.pageSlots.release(1);
          failure ??= error;
          break;
        }
        if (next.done) {
          this.pageSlots.release(1);
          break;
        }
        const input = next.value;
        const task = ('data' in input ? this.convertPage(input, path) : Promise.resolve().then(() => this.convertText(input)))
          .then((page) => {
            pages.push(page);
            onPage?.({ source: path, page: page.number });
          })
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => this.pageSlots.release(1));
        const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= this.jobs) await Promise.race(inFlight);
        if (failure !== undefined) break;
      }
    } finally {
      if (failure !== undefined) await iterator.return?.(undefined).catch(() => undefined);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) {
      if (failure instanceof VanbanError) {
        throw failure.file ? failure : new VanbanError(failure.code, failure.message, { file: path, cause: failure });
      }
      throw new VanbanError('INTERNAL', `conversion failed: ${(failure as Error).message ?? String(failure)}`, {
        file: path,
        cause: failure,
      });
    }
    return assembleDocument(path, pages, (performance.now() - started) / 1000, this.options.existingText ?? 'redo');
  }

  async close(): Promise<void> {
    await this.pool.terminate();
  }
}
