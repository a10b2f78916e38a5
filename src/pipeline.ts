/**
 * The pipeline: one input file → VanBanDocument, composed from the stages
 * (pdf → image → ocr → restore → structure → quality). Each stage is a plain
 * function over the typed data in types.ts; this module only wires them and
 * owns the long-lived resources (the OCR worker pool, the language model).
 */
import { availableParallelism } from 'node:os';
import { readPages } from './pdf/index.js';
import { prepare } from './image/index.js';
import { OcrPool } from './ocr/index.js';
import { restorePage } from './restore/page.js';
import { extract, type VanBanStructure } from './structure/index.js';
import { estimate, estimateDocument, type QualityEstimate, type DocumentQuality } from './quality/index.js';
import { VanbanError } from './errors.js';
import type { OcrPage, PageImage, RestoredPage } from './types.js';

export interface PipelineOptions {
  /** Parallel OCR workers (default: the number of cores). */
  jobs?: number;
  /** Run the preprocessing stage (default true). */
  preprocess?: boolean;
  /** Run diacritic restoration (default true). */
  restore?: boolean;
}

/** One converted page: what every stage found. */
export interface ConvertedPage {
  number: number;
  image: Omit<PageImage, 'data'>;
  ocr: OcrPage;
  restored: RestoredPage;
  quality: QualityEstimate;
  /** Milliseconds spent in each stage. */
  timing: { prepare: number; ocr: number; restore: number };
}

/** The result of converting one input file. */
export interface VanBanDocument {
  source: string;
  pages: ConvertedPage[];
  /** Restored text of the whole document; pages separated by a form feed. */
  text: string;
  document: VanBanStructure;
  quality: DocumentQuality;
  seconds: number;
}

export interface PageEvent {
  source: string;
  page: number;
}

/** Only what OCR cannot do without: decode to gray at a workable resolution. */
const NO_PREPROCESSING = { flatten: false, normalize: false, denoise: false, orient: false, deskew: false, binarize: false } as const;

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
  private readonly options: Required<Omit<PipelineOptions, 'jobs'>>;
  private readonly pool: OcrPool;

  private constructor(pool: OcrPool, jobs: number, options: PipelineOptions) {
    this.pool = pool;
    this.jobs = jobs;
    this.options = { preprocess: options.preprocess ?? true, restore: options.restore ?? true };
  }

  static async create(options: PipelineOptions = {}): Promise<Pipeline> {
    const jobs = resolveJobs(options.jobs);
    const pool = await OcrPool.create({ jobs });
    return new Pipeline(pool, jobs, options);
  }

  /** OCR, restore and score one page image. */
  async convertPage(image: PageImage, source?: string): Promise<ConvertedPage> {
    const t0 = performance.now();
    const file = source === undefined ? {} : { file: source };
    const prepared = await prepare(image, this.options.preprocess ? file : { ...NO_PREPROCESSING, ...file });
    const t1 = performance.now();
    const ocr = await this.pool.recognize(prepared, source);
    const t2 = performance.now();
    const restored = restorePage(ocr, { enabled: this.options.restore });
    const t3 = performance.now();
    const { data: _data, ...imageInfo } = image;
    return {
      number: image.pageNumber,
      image: imageInfo,
      ocr,
      restored,
      quality: estimate(restored),
      timing: { prepare: t1 - t0, ocr: t2 - t1, restore: t3 - t2 },
    };
  }

  /**
   * Convert one file. Pages are read lazily and up to `jobs` of them are in
   * flight at once, so a 300-page PDF never sits in memory as images.
   */
  async convertFile(path: string, onPage?: (event: PageEvent) => void): Promise<VanBanDocument> {
    const started = performance.now();
    const pages: ConvertedPage[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    for await (const image of readPages(path)) {
      const task = this.convertPage(image, path)
        .then((page) => {
          pages.push(page);
          onPage?.({ source: path, page: page.number });
        })
        .catch((error: unknown) => {
          failure ??= error;
        });
      const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= this.jobs) await Promise.race(inFlight);
      if (failure !== undefined) break;
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
    pages.sort((a, b) => a.number - b.number);
    const restoredPages = pages.map((page) => page.restored);
    const document = extract(restoredPages);
    return {
      source: path,
      pages,
      text: restoredPages.map((page) => page.text).join('\n\f\n'),
      document,
      quality: estimateDocument(
        pages.map((page) => page.quality),
        { catalogue: document },
      ),
      seconds: (performance.now() - started) / 1000,
    };
  }

  async close(): Promise<void> {
    await this.pool.terminate();
  }
}
