/**
 * Input stage: a PDF or image file → PdfSource + upright PageImages, one page
 * at a time. Scanned pages give back their embedded image untouched; other
 * pages are rendered with pdfjs-dist.
 */
import { VanbanError } from '../errors.js';
import type { PageImage, PageImageReader, PageText, PdfSource } from '../types.js';
import { checkPageJpegs, extractPageImage, renderDpiHint, type RenderAdvice } from './extract.js';
import { imagePageCount, readImagePage } from './image-file.js';
import { safePages } from '../pdfdoc/page-tree.js';
import { openPdf, readFileBytes } from './pdf-file.js';
import { DEFAULT_RENDER_DPI, PageRenderer } from './render.js';
import { sniffFile } from './sniff.js';
import { drawsNothing, hasVectorText, textLines, unmappedText } from './vector-text.js';


export interface ReadPagesOptions {
  /** 1-based page numbers to read, in the order given (default: all); other pages are not decoded. */
  pages?: readonly number[];
  /**
   * Resolution of image files (PNG/JPEG/TIFF) whose own is missing or a
   * placeholder (72/96); without it the long side is taken as an A4 page's.
   */
  imageDpi?: number;
  /**
   * Resolution for pages that must be rendered (default 300; a lone scan in a
   * format we cannot decode is rendered at its own resolution). Embedded scans
   * taken directly always keep their own.
   */
  dpi?: number;
  /**
   * Always rasterize, even pages that are a single scanned image
   * (for comparing against the direct path).
   */
  forceRender?: boolean;
}

/** Opens a file and counts its pages; throws a VanbanError for anything unusable. */
export async function openSource(path: string): Promise<PdfSource> {
  const { kind } = await sniffFile(path);
  if (kind === 'pdf') {
    const { pageCount, renderer } = await openPdf(path);
    await renderer?.close();
    return { path, kind: 'pdf', pageCount };
  }
  const bytes = await readFileBytes(path);
  return { path, kind: 'image', pageCount: await imagePageCount(bytes, kind, path) };
}

function pageList(requested: readonly number[] | undefined, pageCount: number, file: string): readonly number[] {
  if (!requested) return Array.from({ length: pageCount }, (_, i) => i + 1);
  for (const n of requested) {
    if (!Number.isInteger(n) || n < 1 || n > pageCount) {
      throw new VanbanError('USAGE', `page ${n} does not exist; the file has ${pageCount} page${pageCount === 1 ? '' : 's'}`, { file });
    }
  }
  return requested;
}

/**
 * Yields the pages as upright images, lazily: only the page being yielded is
 * decoded and held in memory. A damaged page throws VanbanError (CORRUPT or
 * TOO_LARGE) naming the page; read the rest with `pages` to skip it.
 */
export async function* readPages(path: string, options: ReadPagesOptions = {}): AsyncGenerator<PageImage> {
  for await (const page of readPageInputs(path, { ...options, vectorText: false })) {
    if ('data' in page) yield page;
  }
}

/**
 * Like readPages, but a PDF page with its own visible text and no scan under it
 * (born-digital) is read from the file as PageText, not rasterized, unless
 * `vectorText` is false or `forceRender` is set. Such a page whose text has no
 * Unicode meaning (fonts without a ToUnicode map) is rendered after all. A page
 * that draws nothing is PageText with no lines and `blank` set.
 */
export async function* readPageInputs(path: string, options: ReadPagesOptions & { vectorText?: boolean } = {}): AsyncGenerator<PageImage | PageText> {
  const dpi = options.dpi ?? DEFAULT_RENDER_DPI;
  if (!(dpi >= 10 && dpi <= 2400)) throw new VanbanError('USAGE', `dpi ${dpi} is out of range (10–2400)`, { file: path });
  if (options.imageDpi !== undefined && !(options.imageDpi >= 10 && options.imageDpi <= 4800)) {
    throw new VanbanError('USAGE', `imageDpi ${options.imageDpi} is out of range (10–4800)`, { file: path });
  }
  const { kind } = await sniffFile(path);
  if (kind !== 'pdf') {
    const bytes = await readFileBytes(path);
    const count = await imagePageCount(bytes, kind, path);
    for (const n of pageList(options.pages, count, path)) yield await readImagePage(bytes, kind, n, path, options.imageDpi);
    return;
  }
  const opened = await openPdf(path);
  const { doc, pageCount } = opened;
  const renderer = opened.renderer ?? new PageRenderer(opened.bytes, path, doc ? () => doc.save({ addDefaultPage: false }) : undefined);
  try {
    const pages = doc && safePages(doc);
    const hintPages = opened.hints && safePages(opened.hints);
    for (const n of pageList(options.pages, pageCount, path)) {
      const page = pages?.[n - 1];
      const hint = hintPages?.[n - 1];
      if (page && options.vectorText !== false && !options.forceRender && drawsNothing(page)) {
        const { frame } = await renderer.text(n, dpi);
        yield { ...frame, lines: [], blank: true };
        continue;
      }
      if (page && options.vectorText !== false && !options.forceRender && hasVectorText(page)) {
        const { frame, items } = await renderer.text(n, dpi);
        const lines = textLines(items);
        if (!unmappedText(lines)) {
          yield { ...frame, lines };
          continue;
        }
      }
      const direct: PageImage | RenderAdvice = page
        ? options.forceRender
          ? { reason: 'forced' }
          : await extractPageImage(page, n, path)
        : { reason: 'content not readable by pdf-lib', ...(hint && { dpi: renderDpiHint(hint) }) };
      if ('data' in direct) {
        yield direct;
        continue;
      }
      if (page) await checkPageJpegs(page, n, path);
      // A lone scan we cannot decode (JBIG2, JPX…) is rendered at its own resolution unless dpi was asked for.
      yield await renderer.render(n, options.dpi ?? direct.dpi ?? dpi);
    }
  } finally {
    await renderer.close();
  }
}

/** Reads single pages of a file again, for writers that embed page images (searchable PDF, METS). */
export function pageImageReader(path: string): PageImageReader {
  return async (pageNumber) => {
    for await (const image of readPages(path, { pages: [pageNumber] })) return image;
    throw new Error(`page ${pageNumber} of ${path} could not be read`);
  };
}

/** Why a PDF page would be rendered rather than taken directly (undefined when taken directly). For diagnostics. */
export async function renderReason(path: string, pageNumber: number): Promise<string | undefined> {
  const { doc, pageCount, renderer } = await openPdf(path);
  await renderer?.close();
  const [n] = pageList([pageNumber], pageCount, path);
  if (!doc) return 'pdf-lib cannot parse the file';
  const direct = await extractPageImage(safePages(doc)[n! - 1]!, n!, path);
  return 'data' in direct ? undefined : direct.reason;
}
