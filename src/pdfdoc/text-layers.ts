/**
 * Text a PDF page already carries: real visible text (a born-digital page, a
 * signature stamp) or an invisible OCR layer (render mode 3) left by a scanner
 * or an earlier tool — and removing the latter so a new layer can replace it.
 */
import { PDFName, type PDFPage } from 'pdf-lib';
import { contentBytes, operations, scanContent } from './content.js';

export type PageTextKind = 'none' | 'invisible' | 'visible';

/** What text the page draws: visible text wins over an invisible layer. Unreadable content counts as none. */
export function pageTextKind(page: PDFPage): PageTextKind {
  try {
    const context = page.doc.context;
    const events = scanContent(context, contentBytes(context, page.node.Contents()), page.node.Resources());
    if (events.some((e) => e.type === 'text')) return 'visible';
    return events.some((e) => e.type === 'hidden-text') ? 'invisible' : 'none';
  } catch {
    return 'none';
  }
}

/**
 * Removes every text-showing operator drawn in render mode 3 from the page's
 * own content streams (not from form XObjects), keeping the line moves of `'`
 * and `"` so later text stays where it was. Returns how many were removed.
 */
export function removeInvisibleText(page: PDFPage): number {
  const context = page.doc.context;
  let bytes: Uint8Array;
  try {
    bytes = contentBytes(context, page.node.Contents());
  } catch {
    return 0;
  }
  const cuts: Array<{ start: number; end: number; with: string }> = [];
  let mode = 0;
  const saved: number[] = [];
  for (const { op, args, start, end } of operations(bytes)) {
    if (op === 'q') saved.push(mode);
    else if (op === 'Q') mode = saved.pop() ?? mode;
    else if (op === 'Tr') {
      const v = args[args.length - 1];
      if (typeof v === 'number') mode = v;
    } else if (mode === 3 && (op === 'Tj' || op === 'TJ')) cuts.push({ start, end, with: '' });
    else if (mode === 3 && op === "'") cuts.push({ start, end, with: 'T*' });
    else if (mode === 3 && op === '"') {
      const [aw, ac] = args;
      cuts.push({ start, end, with: typeof aw === 'number' && typeof ac === 'number' ? `${aw} Tw ${ac} Tc T*` : 'T*' });
    }
  }
  if (cuts.length === 0) return 0;
  const parts: Buffer[] = [];
  let at = 0;
  for (const cut of cuts) {
    parts.push(Buffer.from(bytes.subarray(at, cut.start)), Buffer.from(` ${cut.with} `, 'latin1'));
    at = cut.end;
  }
  parts.push(Buffer.from(bytes.subarray(at)));
  page.node.set(PDFName.of('Contents'), context.register(context.flateStream(Buffer.concat(parts))));
  return cuts.length;
}
