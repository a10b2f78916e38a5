/** Opens a PDF with pdf-lib and turns its failure modes into clear VanbanErrors. */
import { readFile } from 'node:fs/promises';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import { VanbanError } from '../errors.js';
import { fsError } from './sniff.js';

export interface OpenedPdf {
  bytes: Uint8Array;
  doc: PDFDocument;
  pageCount: number;
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
    doc = await PDFDocument.load(bytes, {
      ignoreEncryption: true,
      updateMetadata: false,
      throwOnInvalidObject: false,
      parseSpeed: ParseSpeeds.Fastest,
    });
  } catch (error) {
    throw new VanbanError('CORRUPT', `not a readable PDF (${(error as Error).message})${truncated ? '; the file looks truncated (no %%EOF)' : ''}`, { file, cause: error });
  }
  if (doc.isEncrypted) {
    throw new VanbanError('ENCRYPTED', 'the PDF is password-protected; decrypt it first (e.g. qpdf --decrypt in.pdf out.pdf)', { file });
  }
  let pageCount: number;
  try {
    pageCount = doc.getPageCount();
  } catch (error) {
    throw new VanbanError('CORRUPT', `the page tree is damaged (${(error as Error).message})${truncated ? '; the file looks truncated' : ''}`, { file, cause: error });
  }
  if (truncated) {
    // pdf-lib recovers what it can from a cut-off file; pages would come out blank or missing.
    throw new VanbanError('CORRUPT', 'the PDF is truncated (no %%EOF at the end); copy or download it again', { file });
  }
  if (pageCount === 0) throw new VanbanError('NO_PAGES', 'the PDF has no pages', { file });
  return { bytes, doc, pageCount };
}
