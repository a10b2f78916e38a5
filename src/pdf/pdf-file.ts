/** Opens a PDF with pdf-lib and turns its failure modes into clear VanbanErrors. */
import { readFile } from 'node:fs/promises';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import { VanbanError } from '../errors.js';
import { listPages } from '../pdfdoc/page-tree.js';
import { PageRenderer } from './render.js';
import { fsError } from './sniff.js';

export interface OpenedPdf {
  bytes: Uint8Array;
  /** Undefined when pdf-lib cannot parse the file but pdfjs can: every page is then rendered. */
  doc: PDFDocument | undefined;
  pageCount: number;
  /** The renderer, already open when pdf-lib failed (reuse it). */
  renderer?: PageRenderer;
  /**
   * For encrypted files: pdf-lib's view, whose dictionaries (not streams) are
   * readable — enough to find a page's image size and render at its resolution.
   */
  hints?: PDFDocument;
}

/**
 * pdf-lib reports recoverable damage with console.warn; an unattended batch
 * should not spray that on stderr. Parsing runs without timers or I/O
 * (ParseSpeeds.Fastest), so muting only spans this document's parse.
 */
async function quietly<T>(run: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    return { value: await run(), warnings };
  } finally {
    console.warn = original;
  }
}

/** Second opinion from pdfjs for files pdf-lib rejects (its parser is stricter about some real-world quirks). */
async function openWithRenderer(bytes: Uint8Array, file: string, libError: unknown): Promise<OpenedPdf> {
  const renderer = new PageRenderer(bytes, file);
  try {
    const pageCount = await renderer.pageCount();
    if (pageCount === 0) throw new VanbanError('NO_PAGES', 'the PDF has no pages', { file });
    return { bytes, doc: undefined, pageCount, renderer };
  } catch (error) {
    await renderer.close();
    if (error instanceof VanbanError && error.code !== 'CORRUPT') throw error;
    throw new VanbanError('CORRUPT', `not a readable PDF (${(libError as Error).message})`, { file, cause: libError });
  }
}

function hasEof(bytes: Uint8Array): boolean {
  // Scanners sometimes append junk after %%EOF, so look at the whole tail region generously.
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).subarray(Math.max(0, bytes.length - 65536));
  return tail.includes('%%EOF', 0, 'latin1');
}

export async function readFileBytes(file: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  } catch (error) {
    throw fsError(error, file);
  }
}

export async function openPdf(file: string): Promise<OpenedPdf> {
  const bytes = await readFileBytes(file);
  const truncated = !hasEof(bytes);
  let doc: PDFDocument;
  try {
    doc = (
      await quietly(() =>
        PDFDocument.load(bytes, {
          ignoreEncryption: true,
          updateMetadata: false,
          throwOnInvalidObject: false,
          parseSpeed: ParseSpeeds.Fastest,
        }),
      )
    ).value;
  } catch (error) {
    if (truncated) throw new VanbanError('CORRUPT', `not a readable PDF (${(error as Error).message}); the file looks truncated (no %%EOF)`, { file, cause: error });
    return openWithRenderer(bytes, file, error);
  }
  if (doc.isEncrypted) {
    // Most "secured" official PDFs only restrict editing/printing and open with the empty
    // user password: pdfjs decrypts those (pdf-lib cannot), so every page is rendered.
    // A real user password makes pdfjs throw, which becomes ENCRYPTED.
    const opened = await openWithRenderer(bytes, file, new Error('encrypted'));
    return { ...opened, hints: doc };
  }
  let pageCount: number;
  try {
    pageCount = doc.getPageCount();
  } catch (error) {
    if (truncated) throw new VanbanError('CORRUPT', `the page tree is damaged (${(error as Error).message}); the file looks truncated`, { file, cause: error });
    // A page tree that loops back on itself: the pages outside the loop are still good.
    const walked = listPages(doc);
    if (walked.loops === 0 || walked.pages.length === 0) return openWithRenderer(bytes, file, error);
    pageCount = walked.pages.length;
  }
  if (truncated) {
    // pdf-lib recovers what it can from a cut-off file; pages would come out blank or missing.
    throw new VanbanError('CORRUPT', 'the PDF is truncated (no %%EOF at the end); copy or download it again', { file });
  }
  if (pageCount === 0) throw new VanbanError('NO_PAGES', 'the PDF has no pages', { file });
  return { bytes, doc, pageCount };
}
