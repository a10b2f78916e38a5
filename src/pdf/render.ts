/**
 * Rasterizes PDF pages with pdfjs-dist (Apache-2.0) into @napi-rs/canvas,
 * fully offline: fonts, CMaps, ICC and wasm decoders come from the pdfjs-dist
 * package folder, and the "worker" runs in-process.
 *
 * Why the canvas comes from pdfjs itself: pdfjs-dist 5 depends on its own
 * @napi-rs/canvas (0.1.x, nested in its node_modules) and polyfills Path2D /
 * DOMMatrix / ImageData from it. A canvas created from the project's top-level
 * @napi-rs/canvas (1.x, a different native addon) receives those foreign
 * Path2D objects in fill()/clip() — that fails or crashes the process. Using
 * `doc.canvasFactory` keeps every native object from one addon.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { VanbanError } from '../errors.js';
import type { PageImage, PageText } from '../types.js';
import { MAX_RENDER_PIXELS, MIN_RENDER_DPI } from './limits.js';
import type { PlacedItem } from './vector-text.js';

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfjsDocument = Awaited<ReturnType<Pdfjs['getDocument']>['promise']>;
type PdfjsPage = Awaited<ReturnType<PdfjsDocument['getPage']>>;

interface CanvasAndContext {
  canvas: { width: number; height: number };
  context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(c: CanvasAndContext): void;
}

const require = createRequire(import.meta.url);
let pdfjsModule: Promise<Pdfjs> | undefined;

function pdfjsRoot(): string {
  return path.dirname(require.resolve('pdfjs-dist/package.json'));
}

/**
 * pdfjs polyfills Path2D/DOMMatrix/ImageData only when they are missing. If
 * something in the process already installed them from another @napi-rs/canvas
 * copy, pdfjs would hand those foreign objects to its own canvas (the crash
 * described above), so pin the globals to the copy pdfjs itself loads.
 */
function pinCanvasGlobals(): void {
  const pdfjsRequire = createRequire(path.join(pdfjsRoot(), 'legacy/build/pdf.mjs'));
  const canvas = pdfjsRequire('@napi-rs/canvas') as Record<'Path2D' | 'DOMMatrix' | 'ImageData', unknown>;
  const g = globalThis as Record<string, unknown>;
  for (const name of ['Path2D', 'DOMMatrix', 'ImageData'] as const) {
    if (canvas[name] && g[name] !== canvas[name]) g[name] = canvas[name];
  }
}

async function loadPdfjs(): Promise<Pdfjs> {
  pdfjsModule ??= (async () => {
    pinCanvasGlobals();
    const mod = await import('pdfjs-dist/legacy/build/pdf.mjs');
    mod.GlobalWorkerOptions.workerSrc = pathToFileURL(path.join(pdfjsRoot(), 'legacy/build/pdf.worker.mjs')).href;
    return mod;
  })();
  return pdfjsModule;
}

export const DEFAULT_RENDER_DPI = 300;
/** A page that takes longer than this is abandoned (an unattended batch must not hang on one page). */
const RENDER_TIMEOUT_MS = 180_000;
const CLEANUP_EVERY = 16;

/** One open document in pdfjs; render pages one at a time, then close(). */
export class PageRenderer {
  private doc: Promise<PdfjsDocument> | undefined;
  private rendered = 0;

  /**
   * @param repair  produces a rewritten copy of the file (pdf-lib's save), tried
   *                when pdfjs rejects the original: pdf-lib recovers some damage
   *                (lost trailer, bad xref) that pdfjs does not.
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    private readonly repair?: () => Promise<Uint8Array>,
  ) {}

  private async load(data: Uint8Array): Promise<PdfjsDocument> {
    const pdfjs = await loadPdfjs();
    const root = pdfjsRoot() + path.sep;
    return pdfjs.getDocument({
      data,
      standardFontDataUrl: path.join(root, 'standard_fonts') + path.sep,
      cMapUrl: path.join(root, 'cmaps') + path.sep,
      cMapPacked: true,
      wasmUrl: path.join(root, 'wasm') + path.sep,
      iccUrl: path.join(root, 'iccs') + path.sep,
      isEvalSupported: false,
      useSystemFonts: false,
      disableFontFace: true,
      verbosity: 0,
    }).promise;
  }

  private open(): Promise<PdfjsDocument> {
    this.doc ??= (async () => {
      try {
        // pdfjs takes ownership of (detaches) the buffer it is given.
        return await this.load(this.bytes.slice());
      } catch (error) {
        if ((error as Error | undefined)?.name === 'PasswordException') {
          throw new VanbanError('ENCRYPTED', 'the PDF is password-protected; decrypt it first (e.g. qpdf --decrypt in.pdf out.pdf)', { file: this.file, cause: error });
        }
        if (this.repair) {
          try {
            return await this.load(await this.repair());
          } catch {
            // report the original failure
          }
        }
        throw new VanbanError('CORRUPT', `the PDF renderer cannot open the file (${(error as Error).message})`, { file: this.file, cause: error });
      }
    })();
    return this.doc;
  }

  async pageCount(): Promise<number> {
    return (await this.open()).numPages;
  }

  /** The dpi a page is rendered at: `dpi`, lowered to stay within the rendering pixel budget (TOO_LARGE below the minimum). */
  private budgetDpi(page: PdfjsPage, pageNumber: number, dpi: number): number {
    // Check the page box against the budget before the canvas is allocated.
    const box = page.getViewport({ scale: 1 });
    const pointsArea = box.width * box.height;
    let used = dpi;
    if (pointsArea * (used / 72) ** 2 > MAX_RENDER_PIXELS) used = Math.floor(72 * Math.sqrt(MAX_RENDER_PIXELS / pointsArea));
    if (used < dpi && used < MIN_RENDER_DPI) {
      page.cleanup();
      const inches = `${(box.width / 72).toFixed(0)}×${(box.height / 72).toFixed(0)} inches`;
      throw new VanbanError(
        'TOO_LARGE',
        `page ${pageNumber} is ${inches}: even at ${MIN_RENDER_DPI} dpi it would exceed the ${MAX_RENDER_PIXELS / 1e6} megapixel rendering budget; leave the page out (ReadPagesOptions.pages)`,
        { file: this.file },
      );
    }
    return used;
  }

  private async page(pageNumber: number): Promise<{ doc: PdfjsDocument; page: PdfjsPage }> {
    const doc = await this.open();
    try {
      return { doc, page: await doc.getPage(pageNumber) };
    } catch (error) {
      throw new VanbanError('CORRUPT', `page ${pageNumber} cannot be read (${(error as Error).message})`, { file: this.file, cause: error });
    }
  }

  /**
   * The page's text items placed in the pixel frame `render(pageNumber, dpi)` would give
   * (same size, same budget), with that frame's description. Nothing is rasterized.
   */
  async text(pageNumber: number, dpi = DEFAULT_RENDER_DPI): Promise<{ frame: Omit<PageText, 'lines'>; items: PlacedItem[] }> {
    const { page } = await this.page(pageNumber);
    try {
      const used = this.budgetDpi(page, pageNumber, dpi);
      const viewport = page.getViewport({ scale: used / 72 });
      const pdfjs = await loadPdfjs();
      const content = await page.getTextContent();
      const items: PlacedItem[] = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const m = pdfjs.Util.transform(viewport.transform, item.transform) as PlacedItem['transform'];
        items.push({ str: item.str, transform: m, width: item.width * viewport.scale });
      }
      return { frame: { pageNumber, ...this.frameOf(page, viewport, used, dpi) }, items };
    } catch (error) {
      if (error instanceof VanbanError) throw error;
      throw new VanbanError('CORRUPT', `page ${pageNumber}: text cannot be read (${(error as Error).message})`, { file: this.file, cause: error });
    } finally {
      page.cleanup();
    }
  }

  private frameOf(page: PdfjsPage, viewport: { width: number; height: number }, used: number, dpi: number) {
    const rotate = (((page.rotate % 360) + 360) % 360) as 0 | 90 | 180 | 270;
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const w = Math.abs(x1 - x0);
    const h = Math.abs(y1 - y0);
    return {
      width: Math.max(1, Math.round(viewport.width)),
      height: Math.max(1, Math.round(viewport.height)),
      dpi: used,
      ...(used < dpi ? { requestedDpi: dpi } : {}),
      pdfRotate: rotate,
      pageSizePt: rotate === 90 || rotate === 270 ? { width: h, height: w } : { width: w, height: h },
    };
  }

  async render(pageNumber: number, dpi = DEFAULT_RENDER_DPI): Promise<PageImage> {
    const { doc, page } = await this.page(pageNumber);
    const used = this.budgetDpi(page, pageNumber, dpi);
    const viewport = page.getViewport({ scale: used / 72 });
    const width = Math.max(1, Math.round(viewport.width));
    const height = Math.max(1, Math.round(viewport.height));
    const factory = doc.canvasFactory as CanvasFactory;
    const target = factory.create(width, height);
    try {
      const task = page.render({ canvas: target.canvas as never, viewport });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          task.cancel();
          reject(new Error(`rendering took longer than ${RENDER_TIMEOUT_MS / 1000} s`));
        }, RENDER_TIMEOUT_MS);
      });
      try {
        await Promise.race([task.promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
      const rgba = target.context.getImageData(0, 0, width, height).data;
      // Unpainted areas are transparent: composite on white paper, keep plain RGB.
      const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length), { raw: { width, height, channels: 4 } })
        .flatten({ background: '#ffffff' })
        .png({ compressionLevel: 2, adaptiveFiltering: false })
        .toBuffer();
      return { pageNumber, data: new Uint8Array(png.buffer, png.byteOffset, png.length), origin: 'rendered', ...this.frameOf(page, viewport, used, dpi) };
    } catch (error) {
      if (error instanceof VanbanError) throw error;
      throw new VanbanError('CORRUPT', `page ${pageNumber} cannot be rendered (${(error as Error).message})`, { file: this.file, cause: error });
    } finally {
      factory.destroy(target);
      page.cleanup();
      // pdfjs keeps fonts and images per document; drop them now and then on long documents.
      if (++this.rendered % CLEANUP_EVERY === 0) await doc.cleanup().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (!this.doc) return;
    const doc = await this.doc.catch(() => undefined);
    this.doc = undefined;
    await doc?.destroy();
  }
}
