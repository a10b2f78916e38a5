/** The input stage against every file in fixtures/ (see fixtures/manifest.json). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { isVanbanError, type VanbanErrorCode } from '../src/errors.js';
import { openSource, readPages } from '../src/pdf/index.js';
import type { PageImage } from '../src/types.js';

interface Entry {
  path: string;
  pages: number;
  format: string;
  storage: string | null;
  dpi: number | null;
  pdfRotate: number;
  problem?: string;
}

const root = path.resolve('fixtures');
const manifestPath = path.join(root, 'manifest.json');
const entries: Entry[] = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Entry[]) : [];

const CODES: Record<string, VanbanErrorCode> = {
  empty: 'EMPTY',
  encrypted: 'ENCRYPTED',
  'not-a-pdf': 'NOT_PDF',
  truncated: 'CORRUPT',
  'zero-pages': 'NO_PAGES',
};

const ORIGIN: Record<string, PageImage['origin']> = {
  'image-jpeg': 'embedded-image',
  'image-flate': 'embedded-image',
  'vector-text': 'rendered',
  'image-file': 'image-file',
};

/** The first image XObject of each page, as stored. */
async function storedImages(file: string): Promise<Uint8Array[]> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  return doc.getPages().map((page) => {
    const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
    const first = xobjects && 'entries' in xobjects ? (xobjects as { entries(): Array<[PDFName, unknown]> }).entries()[0] : undefined;
    const stream = first ? doc.context.lookup(first[1] as never) : undefined;
    return stream instanceof PDFRawStream ? stream.contents : new Uint8Array();
  });
}

describe.skipIf(entries.length === 0)('fixtures', () => {
  for (const e of entries.filter((x) => x.problem)) {
    const file = path.join(root, e.path);
    // pdf-lib's save() adds a blank page to an empty document unless told not to (addDefaultPage: false).
    const hasPage = e.problem === 'zero-pages' && /\/Count\s+[1-9]/.test(readFileSync(file, 'latin1'));
    it.skipIf(hasPage)(`${e.path} → ${CODES[e.problem!]}`, async () => {
      let caught: unknown;
      try {
        await openSource(file);
      } catch (error) {
        caught = error;
      }
      expect(isVanbanError(caught) && caught.code).toBe(CODES[e.problem!]);
      expect(String((caught as Error).message)).toContain(file);
    });
  }

  for (const e of entries.filter((x) => !x.problem)) {
    it(`${e.path}: ${e.pages} page(s), ${e.storage}`, async () => {
      const file = path.join(root, e.path);
      const source = await openSource(file);
      expect(source.pageCount).toBe(e.pages);
      const pages: PageImage[] = [];
      for await (const p of readPages(file)) pages.push(p);
      expect(pages.map((p) => p.pageNumber)).toEqual(Array.from({ length: e.pages }, (_, i) => i + 1));
      for (const p of pages) {
        expect(p.origin).toBe(ORIGIN[e.storage ?? '']);
        expect(p.pdfRotate).toBe(e.pdfRotate);
        expect(p.dpi).toBe(e.dpi ?? 300);
        // Administrative documents are A4 portrait; upright means taller than wide.
        expect(p.height).toBeGreaterThan(p.width);
        if (e.format === 'pdf') expect(p.pageSizePt!.height).toBeGreaterThan(p.pageSizePt!.width);
      }
      if (e.storage === 'image-jpeg' && e.pdfRotate === 0) {
        const stored = await storedImages(file);
        pages.forEach((p, i) => expect(Buffer.from(p.data).equals(Buffer.from(stored[i]!)), `page ${i + 1} bytes`).toBe(true));
      }
    });
  }
});
