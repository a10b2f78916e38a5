/**
 * A small content-stream interpreter: it tracks only the graphics state we need
 * (CTM through q/Q/cm, text render mode) and lists what the page paints, in
 * order — images (with the CTM at their `Do`), visible text, vector paint.
 * That is enough to tell "a scan wrapped in a PDF" from a page that needs a
 * real renderer, and to know how the scan is placed.
 */
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFContext } from 'pdf-lib';
import { IDENTITY, compose } from '../affine.js';
import type { Affine } from '../types.js';
import { StreamError, decodeStream } from './streams.js';

/** [a b c d e f] as in PDF: x' = a·x + c·y + e, y' = b·x + d·y + f (a `cm` applies before the CTM: compose(ctm, cm)). */
export type Matrix = Affine;

export type PaintEvent =
  | { type: 'image'; stream: PDFRawStream; ctm: Matrix }
  | { type: 'inline-image'; ctm: Matrix }
  | { type: 'text' }
  /** Text drawn invisibly (render mode 3): an OCR layer. */
  | { type: 'hidden-text' }
  | { type: 'paint' };

type Token = number | string | { name: string } | { op: string } | Token[] | { dict: true } | { str: true };

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

const PAINT_OPS = new Set(['f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'S', 's', 'sh']);
const TEXT_OPS = new Set(['Tj', 'TJ', "'", '"']);
const MAX_FORM_DEPTH = 8;

export interface Operation {
  op: string;
  args: Token[];
  /** Byte range of the operation, its operands included: [start, end). */
  start: number;
  end: number;
}

/** Tokenizes a content stream lazily, yielding operators with their operands. */
export function* operations(bytes: Uint8Array): Generator<Operation> {
  let i = 0;
  const n = bytes.length;
  const stack: Token[][] = [[]];
  const top = (): Token[] => stack[stack.length - 1]!;
  let start = -1;
  while (i < n) {
    const c = bytes[i]!;
    if (WHITESPACE.has(c)) {
      i++;
      continue;
    }
    if (c === 0x25) {
      // comment
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === 0x28) {
      // literal string, balanced parentheses, backslash escapes
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const d = bytes[i]!;
        if (d === 0x5c) i++;
        else if (d === 0x28) depth++;
        else if (d === 0x29) depth--;
        i++;
      }
      top().push({ str: true });
      continue;
    }
    if (c === 0x3c) {
      if (bytes[i + 1] === 0x3c) {
        stack.push([]);
        i += 2;
        continue;
      }
      while (i < n && bytes[i] !== 0x3e) i++;
      i++;
      top().push({ str: true });
      continue;
    }
    if (c === 0x3e) {
      if (bytes[i + 1] === 0x3e && stack.length > 1) {
        stack.pop();
        top().push({ dict: true });
      }
      i += 2;
      continue;
    }
    if (c === 0x5b) {
      stack.push([]);
      i++;
      continue;
    }
    if (c === 0x5d) {
      if (stack.length > 1) {
        const arr = stack.pop()!;
        top().push(arr);
      }
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x7d) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && !WHITESPACE.has(bytes[j]!) && !DELIMITERS.has(bytes[j]!)) j++;
    if (c === 0x2f) {
      top().push({ name: Buffer.from(bytes.subarray(i + 1, j)).toString('latin1') });
      i = j;
      continue;
    }
    const word = Buffer.from(bytes.subarray(i, j)).toString('latin1');
    i = j;
    const num = Number(word);
    if (word.length > 0 && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) && Number.isFinite(num)) {
      top().push(num);
      continue;
    }
    if (stack.length > 1) {
      // an operator inside an array/dict is malformed; keep going
      continue;
    }
    if (word === 'BI') {
      // Inline image: skip its dictionary and data up to "EI" between whitespace.
      const id = indexOfWord(bytes, 'ID', i);
      if (id < 0) return;
      let k = id + 3;
      while (k < n - 1) {
        if (bytes[k] === 0x45 && bytes[k + 1] === 0x49 && WHITESPACE.has(bytes[k - 1]!) && (k + 2 >= n || WHITESPACE.has(bytes[k + 2]!))) break;
        k++;
      }
      i = k + 2;
      stack[0] = [];
      yield { op: 'BI', args: [], start, end: Math.min(i, n) };
      start = -1;
      continue;
    }
    const args = stack[0]!;
    stack[0] = [];
    yield { op: word, args, start, end: i };
    start = -1;
  }
}

function indexOfWord(bytes: Uint8Array, word: string, from: number): number {
  const a = word.charCodeAt(0);
  const b = word.charCodeAt(1);
  for (let k = from; k < bytes.length - 1; k++) {
    if (bytes[k] === a && bytes[k + 1] === b && WHITESPACE.has(bytes[k - 1]!) && (k + 2 >= bytes.length || WHITESPACE.has(bytes[k + 2]!))) {
      return k;
    }
  }
  return -1;
}

function asMatrix(args: Token[]): Matrix | undefined {
  if (args.length < 6) return undefined;
  const m = args.slice(-6);
  return m.every((v) => typeof v === 'number') ? (m as Matrix) : undefined;
}

function xobject(context: PDFContext, resources: PDFDict | undefined, name: string): PDFRawStream | undefined {
  const xobjects = resources?.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return undefined;
  const ref = xobjects.get(PDFName.of(name));
  const obj = ref instanceof PDFRef ? context.lookup(ref) : ref;
  if (ref instanceof PDFRef && obj === undefined) throw new StreamError(`XObject /${name} (object ${ref.objectNumber}) is missing`, 'corrupt');
  return obj instanceof PDFRawStream ? obj : undefined;
}

/** Concatenated, decoded bytes of a page's /Contents (stream or array of streams). */
export function contentBytes(context: PDFContext, contents: unknown): Uint8Array {
  const streams: PDFRawStream[] = [];
  const resolved = contents instanceof PDFRef ? context.lookup(contents) : contents;
  if (contents instanceof PDFRef && resolved === undefined) throw new StreamError('the page content stream is missing', 'corrupt');
  if (resolved instanceof PDFRawStream) streams.push(resolved);
  else if (resolved instanceof PDFArray) {
    for (let k = 0; k < resolved.size(); k++) {
      const s = resolved.lookup(k);
      if (s === undefined) throw new StreamError('part of the page content is missing', 'corrupt');
      if (s instanceof PDFRawStream) streams.push(s);
    }
  }
  const parts = streams.map((s) => decodeStream(s).data);
  const total = parts.reduce((t, p) => t + p.length + 1, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    out[at++] = 0x0a; // streams may split tokens only at whitespace
  }
  return out;
}

/**
 * Walks the content (and form XObjects it draws) and returns what is painted,
 * in order. Images are reported with the CTM that maps their unit square to
 * page user space.
 */
export function scanContent(context: PDFContext, bytes: Uint8Array, resources: PDFDict | undefined, base: Matrix = IDENTITY, depth = 0): PaintEvent[] {
  const events: PaintEvent[] = [];
  let ctm = base;
  let textMode = 0;
  const saved: Array<{ ctm: Matrix; textMode: number }> = [];
  for (const { op, args } of operations(bytes)) {
    switch (op) {
      case 'q':
        saved.push({ ctm, textMode });
        break;
      case 'Q': {
        const s = saved.pop();
        if (s) ({ ctm, textMode } = s);
        break;
      }
      case 'cm': {
        const m = asMatrix(args);
        if (m) ctm = compose(ctm, m);
        break;
      }
      case 'Tr': {
        const v = args[args.length - 1];
        if (typeof v === 'number') textMode = v;
        break;
      }
      case 'BI':
        events.push({ type: 'inline-image', ctm });
        break;
      case 'Do': {
        const nameTok = args[args.length - 1];
        if (!nameTok || typeof nameTok !== 'object' || !('name' in nameTok)) break;
        const stream = xobject(context, resources, nameTok.name);
        if (!stream) break;
        const subtype = stream.dict.lookup(PDFName.of('Subtype'));
        if (subtype === PDFName.of('Image')) {
          events.push({ type: 'image', stream, ctm });
        } else if (subtype === PDFName.of('Form')) {
          if (depth >= MAX_FORM_DEPTH) {
            events.push({ type: 'paint' });
            break;
          }
          const fm = stream.dict.lookup(PDFName.of('Matrix'));
          let formMatrix: Matrix = IDENTITY;
          if (fm instanceof PDFArray && fm.size() === 6) {
            const vals = fm.asArray().map((v) => Number((v as { asNumber?: () => number }).asNumber?.() ?? NaN));
            if (vals.every(Number.isFinite)) formMatrix = vals as Matrix;
          }
          const formRes = stream.dict.lookup(PDFName.of('Resources'));
          const inner = decodeStream(stream).data;
          events.push(...scanContent(context, inner, formRes instanceof PDFDict ? formRes : resources, compose(ctm, formMatrix), depth + 1));
        }
        break;
      }
      default:
        // Tr 3 (invisible) and 7 (clip only) are the OCR text layers of searchable PDFs.
        if (TEXT_OPS.has(op)) {
          events.push({ type: textMode !== 3 && textMode !== 7 ? 'text' : 'hidden-text' });
        } else if (PAINT_OPS.has(op)) {
          events.push({ type: 'paint' });
        }
    }
  }
  return events;
}
