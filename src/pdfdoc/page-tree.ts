/**
 * The page list, walked with a visited set. pdf-lib's own walk throws on a
 * page tree that points back at itself; the pages reachable without the loop
 * are fine and should convert.
 */
import { PDFArray, PDFDict, PDFName, PDFPage, PDFPageLeaf, PDFRef, type PDFDocument } from 'pdf-lib';

export interface PageList {
  pages: PDFPage[];
  /** Kids skipped because they were already visited (a loop or a shared node). */
  loops: number;
}

export function listPages(doc: PDFDocument): PageList {
  const context = doc.context;
  const pages: PDFPage[] = [];
  const seen = new Set<PDFRef>();
  let loops = 0;
  const rootRef = doc.catalog.get(PDFName.of('Pages'));
  const walk = (ref: PDFRef, depth: number): void => {
    if (seen.has(ref) || depth > 64) {
      loops += 1;
      return;
    }
    seen.add(ref);
    const node = context.lookup(ref);
    if (node instanceof PDFPageLeaf) {
      pages.push(PDFPage.of(node, ref, doc));
      return;
    }
    if (!(node instanceof PDFDict)) return;
    const kids = node.lookup(PDFName.of('Kids'));
    if (!(kids instanceof PDFArray)) return;
    for (let i = 0; i < kids.size(); i += 1) {
      const kid = kids.get(i);
      if (kid instanceof PDFRef) walk(kid, depth + 1);
    }
  };
  if (rootRef instanceof PDFRef) walk(rootRef, 0);
  return { pages, loops };
}

/** pdf-lib's page list when it can build one, else the loop-safe walk. */
export function safePages(doc: PDFDocument): PDFPage[] {
  try {
    return doc.getPages();
  } catch {
    return listPages(doc).pages;
  }
}
