/**
 * Review operations on a converted document: correct, accept, split and join
 * words, move a line in the reading order, edit catalogue fields, mark pages
 * reviewed. Each returns what it changed (before/after) for the journal; after
 * a batch of them, `settle` recomputes texts, structure and quality.
 * A word the reviewer corrected or accepted becomes certain: confidence 100.
 */
import type { ConvertedPage, ReviewField, ReviewOp, VanBanDocument } from '../types.js';
import { estimate, estimateDocument } from '../quality/index.js';
import { extract } from '../structure/index.js';
import type { Signer, VanBanStructure } from '../structure/index.js';
import { VanbanError } from '../errors.js';
import type { BBox } from '../types.js';
import { buildBlocks, layoutLines, type ReviewWord } from './model.js';

/** Catalogue fields a reviewer may set; `signer.*` are the signer's own lines. */
export const EDITABLE_FIELDS = [
  'agency',
  'number',
  'symbol',
  'place',
  'date',
  'type',
  'title',
  'signer.title',
  'signer.name',
] as const satisfies readonly ReviewField[];
export interface OpEffect {
  before: unknown;
  after: unknown;
}

/** Reviewer's certainty: what a corrected word counts as in the quality figures. */
export const CERTAIN_CONF = 100;

const invalid = (message: string): VanbanError => new VanbanError('USAGE', message);

function pageOf(doc: VanBanDocument, number: unknown): ConvertedPage {
  const page = doc.pages.find((p) => p.number === number);
  if (!page) throw invalid(`no page ${String(number)} in ${doc.source}`);
  return page;
}

function wordOf(page: ConvertedPage, index: unknown): ReviewWord {
  const word = typeof index === 'number' && Number.isInteger(index) ? page.restored.words[index] : undefined;
  if (!word) throw invalid(`no word ${String(index)} on page ${page.number}`);
  return word;
}

const wordView = (w: ReviewWord): { text: string; ocr: string; conf: number; bbox: BBox } => ({
  text: w.text,
  ocr: w.original,
  conf: w.conf,
  bbox: w.bbox,
});

/** Share a box among parts by their length, left to right. */
function splitBox(box: BBox, parts: readonly string[]): BBox[] {
  const lengths = parts.map((p) => Math.max(1, [...p].length));
  const total = lengths.reduce((a, b) => a + b, 0) + (parts.length - 1);
  const width = box[2] - box[0];
  const boxes: BBox[] = [];
  let x = box[0];
  lengths.forEach((len, i) => {
    const x1 = i === parts.length - 1 ? box[2] : x + (width * len) / total;
    boxes.push([Math.round(x), box[1], Math.round(x1), box[3]]);
    x = x1 + width / total;
  });
  return boxes;
}

function certain(word: ReviewWord, text: string): void {
  word.text = text;
  word.conf = CERTAIN_CONF;
  word.restoreConfidence = 1;
  word.changed = text !== word.original;
}

function getField(doc: VanBanStructure, field: ReviewField): string | null {
  if (field === 'signer.title') return doc.signer?.title ?? null;
  if (field === 'signer.name') return doc.signer?.name ?? null;
  return doc[field];
}

/** Set a catalogue field; the field's provenance then says the reviewer set it (confidence 1). */
export function setField(doc: VanBanStructure, field: ReviewField, value: string | null): void {
  if (field === 'signer.title' || field === 'signer.name') {
    const signer: Signer = doc.signer ?? { authority: null, authorityLines: [], title: null, name: null };
    if (field === 'signer.title') signer.title = value;
    else signer.name = value;
    doc.signer = signer;
    const source = doc.fields.signer;
    doc.fields.signer = { ...(source ?? {}), value: signer, confidence: 1 } as NonNullable<VanBanStructure['fields']['signer']>;
    return;
  }
  doc[field] = value;
  const source = doc.fields[field];
  doc.fields[field] = { ...(source ?? {}), value, confidence: 1 } as NonNullable<VanBanStructure['fields'][typeof field]>;
}

/** Apply one operation to the document in place; throws a USAGE error for an impossible one. */
export function applyOp(doc: VanBanDocument, op: ReviewOp): OpEffect {
  switch (op.type) {
    case 'word': {
      const page = pageOf(doc, op.page);
      const word = wordOf(page, op.index);
      const before = wordView(word);
      const parts = String(op.text).trim().split(/\s+/).filter(Boolean);
      if (parts.length === 0) throw invalid('a word cannot be empty; join it with its neighbour instead');
      if (parts.length === 1) {
        certain(word, parts[0]!);
        return { before, after: wordView(word) };
      }
      const boxes = splitBox(word.bbox, parts);
      const pieces: ReviewWord[] = parts.map((text, i) => ({
        ...word,
        bbox: boxes[i]!,
        original: i === 0 ? word.original : '',
        text,
        conf: CERTAIN_CONF,
        restoreConfidence: 1,
        changed: true,
      }));
      page.restored.words.splice(op.index, 1, ...pieces);
      return { before, after: pieces.map(wordView) };
    }
    case 'join': {
      const page = pageOf(doc, op.page);
      const a = wordOf(page, op.index);
      const b = wordOf(page, op.index + 1);
      if (a.line !== b.line) throw invalid('only two words of the same line can be joined');
      const before = [wordView(a), wordView(b)];
      const joined: ReviewWord = {
        ...a,
        original: [a.original, b.original].filter(Boolean).join(' '),
        bbox: [Math.min(a.bbox[0], b.bbox[0]), Math.min(a.bbox[1], b.bbox[1]), Math.max(a.bbox[2], b.bbox[2]), Math.max(a.bbox[3], b.bbox[3])],
        text: a.text + b.text,
        conf: CERTAIN_CONF,
        restoreConfidence: 1,
        changed: true,
      };
      joined.changed = joined.text !== joined.original;
      page.restored.words.splice(op.index, 2, joined);
      return { before, after: wordView(joined) };
    }
    case 'moveLine': {
      const page = pageOf(doc, op.page);
      const lines = layoutLines(page);
      if (!Number.isInteger(op.line) || !Number.isInteger(op.to) || !lines[op.line] || !lines[op.to]) {
        throw invalid(`page ${page.number} has no line ${op.line} or ${op.to}`);
      }
      const order = lines.map((_, i) => i);
      order.splice(op.line, 1);
      order.splice(op.to, 0, op.line);
      const moved = order.map((i) => lines[i]!);
      // The moved line joins the block of the line it now follows (or precedes, at the top).
      const neighbour = moved[op.to === 0 ? 1 : op.to - 1];
      if (neighbour) moved[op.to] = { ...moved[op.to]!, block: neighbour.block, column: neighbour.column };
      const newIndex = new Map(order.map((oldIndex, newI) => [oldIndex, newI]));
      const words = page.restored.words.map((w) => ({ ...w, line: newIndex.get(w.line) ?? w.line }));
      // Stable sort keeps each line's own word order.
      words.sort((x, y) => x.line - y.line);
      page.restored.words = words;
      page.ocr.blocks = buildBlocks(renumberBlocks(moved), words);
      return { before: { line: op.line, text: lines[op.line]!.text }, after: { line: op.to } };
    }
    case 'field': {
      if (!(EDITABLE_FIELDS as readonly string[]).includes(op.field)) throw invalid(`"${String(op.field)}" is not an editable field`);
      const value = op.value === null ? null : String(op.value).trim() || null;
      const before = getField(doc.document, op.field);
      setField(doc.document, op.field, value);
      return { before, after: value };
    }
    case 'reviewed': {
      const page = pageOf(doc, op.page);
      return { before: !page.quality.needsReview, after: op.reviewed === true };
    }
    default:
      throw invalid(`unknown review operation ${JSON.stringify((op as { type?: unknown }).type)}`);
  }
}

/** Blocks that lost their order after a move become separate runs: number them by run. */
function renumberBlocks<T extends { block: number }>(lines: readonly T[]): T[] {
  let run = -1;
  let last: number | undefined;
  return lines.map((line) => {
    if (line.block !== last) run += 1;
    last = line.block;
    return { ...line, block: run };
  });
}

/** The restored text of a page from its words, laid out as the restorer does. */
export function pageText(page: ConvertedPage, field: 'restored' | 'ocr'): string {
  const lines = layoutLines(page);
  const words: string[][] = lines.map(() => []);
  if (field === 'restored') for (const w of page.restored.words) words[w.line]?.push(w.text);
  let text = '';
  lines.forEach((line, i) => {
    text += field === 'restored' ? words[i]!.join(' ') : line.text;
    if (i < lines.length - 1) text += lines[i + 1]!.block !== line.block ? '\n\n' : '\n';
  });
  return text;
}

export interface SettleOptions {
  /** Pages whose words or lines changed. */
  touched: ReadonlySet<number>;
  /** Pages the reviewer marked reviewed (all of them, from the whole journal). */
  reviewed: ReadonlySet<number>;
  /** Every catalogue field the reviewer set, in order (re-applied over a new extraction). */
  fields: ReadonlyArray<{ field: ReviewField; value: string | null }>;
  /** Pages whose line order changed (their OCR text follows). */
  reordered: ReadonlySet<number>;
}

/** Recompute what follows from the words: page and document text, structure, quality. */
export function settle(doc: VanBanDocument, options: SettleOptions): void {
  for (const page of doc.pages) {
    if (options.touched.has(page.number)) {
      page.restored.text = pageText(page, 'restored');
      if (options.reordered.has(page.number)) page.ocr.text = pageText(page, 'ocr');
      page.ocr.blocks = buildBlocks(layoutLines(page), page.restored.words);
      page.quality = estimate(page.restored);
    }
    if (options.reviewed.has(page.number)) page.quality = { ...page.quality, needsReview: false };
  }
  doc.text = doc.pages.map((p) => p.restored.text).join('\n\f\n');
  if (options.touched.size > 0) doc.document = extract(doc.pages.map((p) => p.restored));
  for (const { field, value } of options.fields) setField(doc.document, field, value);
  doc.quality = estimateDocument(doc.pages.map((p) => p.quality));
}
