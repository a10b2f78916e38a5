/**
 * Active content has no place in an archival copy (and PDF/A forbids it):
 * document and page actions, JavaScript, attached files, forms, and link or
 * multimedia annotations are removed from the searchable PDF. The input file
 * is never touched: this works on the copy pdf-lib loaded.
 */
import { PDFArray, PDFDict, PDFName, PDFRef, PDFStream, type PDFDocument, type PDFPage } from 'pdf-lib';

/** Annotations that act (open a URI, run a script, play media) or carry data rather than mark the page. */
const ACTIVE_ANNOTATIONS = new Set(['Link', 'Widget', 'FileAttachment', 'Screen', 'Movie', 'Sound', 'RichMedia', '3D']);
const CATALOG_KEYS = ['OpenAction', 'AA', 'AcroForm', 'URI'] as const;
const NAME_TREES = ['JavaScript', 'EmbeddedFiles'] as const;
/** Outline actions that only move within the document are kept. */
const SAFE_ACTIONS = new Set(['GoTo']);

const name = (value: unknown): string | undefined => (value instanceof PDFName ? value.decodeText() : undefined);

function cleanOutlines(pdf: PDFDocument, removed: string[]): void {
  const outlines = pdf.catalog.lookup(PDFName.of('Outlines'));
  if (!(outlines instanceof PDFDict)) return;
  const seen = new Set<PDFDict>();
  let count = 0;
  const walk = (item: unknown, depth: number): void => {
    // Items are linked by /First and /Next; guard against loops and absurd depth.
    let node = item instanceof PDFRef ? pdf.context.lookup(item) : item;
    while (node instanceof PDFDict && !seen.has(node) && depth < 64) {
      seen.add(node);
      const action = node.lookup(PDFName.of('A'));
      if (action instanceof PDFDict && !SAFE_ACTIONS.has(name(action.lookup(PDFName.of('S'))) ?? '')) {
        node.delete(PDFName.of('A'));
        count += 1;
      }
      walk(node.get(PDFName.of('First')), depth + 1);
      const next = node.get(PDFName.of('Next'));
      node = next instanceof PDFRef ? pdf.context.lookup(next) : next;
    }
  };
  walk(outlines.get(PDFName.of('First')), 0);
  if (count > 0) removed.push(`${count} bookmark action${count === 1 ? '' : 's'}`);
}

function cleanPage(page: PDFPage, number: number, removed: string[]): void {
  const node = page.node;
  if (node.has(PDFName.of('AA'))) {
    node.delete(PDFName.of('AA'));
    removed.push(`page ${number}: /AA`);
  }
  const annots = node.lookup(PDFName.of('Annots'));
  if (!(annots instanceof PDFArray)) return;
  const kept: unknown[] = [];
  const dropped = new Map<string, number>();
  for (let i = 0; i < annots.size(); i += 1) {
    const annot = annots.lookup(i);
    const subtype = annot instanceof PDFDict ? (name(annot.lookup(PDFName.of('Subtype'))) ?? '?') : '?';
    const active = annot instanceof PDFDict && (ACTIVE_ANNOTATIONS.has(subtype) || annot.has(PDFName.of('A')) || annot.has(PDFName.of('AA')));
    if (active) dropped.set(subtype, (dropped.get(subtype) ?? 0) + 1);
    else kept.push(annots.get(i));
  }
  if (dropped.size === 0) return;
  for (const [subtype, n] of dropped) removed.push(`page ${number}: ${n} ${subtype} annotation${n === 1 ? '' : 's'}`);
  if (kept.length === 0) node.delete(PDFName.of('Annots'));
  else node.set(PDFName.of('Annots'), page.doc.context.obj(kept as never[]));
}

/** Removes active content in place; returns a readable list of what was removed (empty when none). */
export function removeActiveContent(pdf: PDFDocument, pages: readonly PDFPage[]): string[] {
  const removed: string[] = [];
  const { catalog } = pdf;
  for (const key of CATALOG_KEYS) {
    if (catalog.has(PDFName.of(key))) {
      catalog.delete(PDFName.of(key));
      removed.push(`/${key}`);
    }
  }
  const names = catalog.lookup(PDFName.of('Names'));
  if (names instanceof PDFDict) {
    for (const tree of NAME_TREES) {
      if (names.has(PDFName.of(tree))) {
        names.delete(PDFName.of(tree));
        removed.push(`/Names/${tree}`);
      }
    }
    if (names.keys().length === 0) catalog.delete(PDFName.of('Names'));
  }
  cleanOutlines(pdf, removed);
  pages.forEach((page, i) => cleanPage(page, i + 1, removed));
  return removed;
}

/**
 * pdf-lib writes every object it holds, referenced or not: after removing
 * actions, attachments and old text layers, drop what nothing reaches from the
 * trailer so their bytes (scripts, attached files) are really gone.
 */
export function dropUnreachable(pdf: PDFDocument): number {
  const { context } = pdf;
  const reached = new Set<string>();
  const queue: unknown[] = [context.trailerInfo.Root, context.trailerInfo.Info];
  while (queue.length > 0) {
    const item = queue.pop();
    if (item instanceof PDFRef) {
      if (reached.has(item.tag)) continue;
      reached.add(item.tag);
      queue.push(context.lookup(item));
    } else if (item instanceof PDFDict) {
      for (const value of item.values()) queue.push(value);
    } else if (item instanceof PDFArray) {
      for (let i = 0; i < item.size(); i += 1) queue.push(item.get(i));
    } else if (item instanceof PDFStream) {
      queue.push(item.dict);
    }
  }
  let dropped = 0;
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reached.has(ref.tag)) {
      context.delete(ref);
      dropped += 1;
    }
  }
  return dropped;
}
