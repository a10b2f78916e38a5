/**
 * A converted document read back from its JSON output, as the VanBanDocument
 * the output writers take. The JSON keeps lines and words but not which line a
 * word sits on nor the block of each line, so those are recovered from the
 * page's text layout (lines joined by "\n", blocks by a blank line), which the
 * restorer builds from exactly these words.
 */
import { readFile } from 'node:fs/promises';
import type {
  BBox,
  ConvertedPage,
  JsonLine as OutputLine,
  JsonOutput,
  JsonPage as OutputPage,
  JsonWord as OutputWord,
  OcrBlock,
  OcrLine,
  RestoredPage,
  VanBanDocument,
} from '../types.js';

/*
 * The JSON output as read back: the types of src/types.ts, loosened where JSONs written by
 * earlier versions lack a field (a word's line, a line's restored text, timings).
 */
export type JsonWord = Omit<OutputWord, 'line' | 'changed'> & { line?: number; changed?: boolean };
export type JsonLine = Omit<OutputLine, 'restored'> & { restored?: string };
export type JsonPage = Omit<OutputPage, 'lines' | 'words' | 'seconds'> & { lines: JsonLine[]; words: JsonWord[]; seconds?: number };
export type DocumentJson = Omit<JsonOutput, 'schemaVersion' | 'pages' | 'seconds' | 'vanban'> & {
  schemaVersion?: number;
  pages: JsonPage[];
  seconds?: number;
  vanban?: string;
};

export type ReviewWord = RestoredPage['words'][number];

/** True for a parsed JSON value that is a document output (not a batch file or a journal). */
export function isDocumentJson(value: unknown): value is DocumentJson {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.pages) && typeof v.document === 'object' && v.document !== null && typeof v.source === 'string';
}

/** The document output in a JSON file, or undefined for anything else (unreadable, not JSON, a batch file). */
export async function readDocumentJson(path: string): Promise<DocumentJson | undefined> {
  try {
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    return isDocumentJson(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

const overlap = (a: BBox, b: BBox): number =>
  Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));

/** Line index of each word: by the text layout when it matches exactly, else by box overlap. */
function assignLines(words: readonly JsonWord[], lineTexts: readonly string[], lines: readonly JsonLine[]): number[] {
  const out: number[] = [];
  let k = 0;
  let exact = true;
  for (let i = 0; i < lineTexts.length && exact; i += 1) {
    const target = lineTexts[i]!;
    const taken: string[] = [];
    while (taken.join(' ') !== target && k < words.length && taken.join(' ').length < target.length) {
      taken.push(words[k]!.text);
      out.push(i);
      k += 1;
    }
    if (taken.join(' ') !== target) exact = false;
  }
  if (exact && k === words.length) return out;
  return words.map((word) => {
    let best = 0;
    let bestArea = -1;
    lines.forEach((line, i) => {
      const area = overlap(word.bbox, line.bbox);
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    });
    return best;
  });
}

/** Block index of each line, from the blank lines of the page text; by column runs when the text does not fit. */
function assignBlocks(page: JsonPage): { blockOf: number[]; lineTexts: string[] } {
  const entries = page.text.split('\n');
  const blockOf: number[] = [];
  const lineTexts: string[] = [];
  let block = 0;
  for (const entry of entries) {
    if (entry === '') {
      if (lineTexts.length > 0) block += 1;
      continue;
    }
    blockOf.push(block);
    lineTexts.push(entry);
  }
  if (lineTexts.length === page.lines.length) return { blockOf, lineTexts };
  // Empty lines make the layout ambiguous: group runs of the same column instead.
  const byColumn: number[] = [];
  page.lines.forEach((line, i) => {
    const prev = byColumn[i - 1];
    byColumn.push(prev === undefined ? 0 : page.lines[i - 1]!.column === line.column ? prev : prev + 1);
  });
  return { blockOf: byColumn, lineTexts: [] };
}

function toPage(page: JsonPage): ConvertedPage {
  const { blockOf, lineTexts } = assignBlocks(page);
  const lineOf = page.words.every((w) => Number.isInteger(w.line) && w.line! >= 0 && w.line! < page.lines.length)
    ? page.words.map((w) => w.line!)
    : assignLines(page.words, lineTexts, page.lines);
  // Only changed words carry their restorer confidence; give the others the share that keeps the page's mean.
  const changed = page.words.filter((w) => w.changed);
  const mean = page.quality?.features?.restoreConfMean;
  const unchanged = page.words.length - changed.length;
  const rest =
    typeof mean === 'number' && unchanged > 0
      ? Math.min(1, Math.max(0, (mean * page.words.length - changed.reduce((s, w) => s + (w.restoreConfidence ?? 1), 0)) / unchanged))
      : 1;
  const words: ReviewWord[] = page.words.map((w, i) => ({
    text: w.text,
    conf: w.conf,
    bbox: [...w.bbox] as BBox,
    original: w.ocr,
    changed: w.changed === true,
    restoreConfidence: w.changed ? (w.restoreConfidence ?? 1) : rest,
    line: lineOf[i] ?? 0,
  }));
  const ocr = {
    pageNumber: page.number,
    width: page.width,
    height: page.height,
    dpi: page.dpi,
    skew: page.skew,
    rotation: page.rotation,
    steps: page.steps,
    text: page.ocrText,
    confidence: page.confidence,
    blocks: [] as OcrBlock[],
    ...(page.marks ? { marks: page.marks } : {}),
  };
  const restored: RestoredPage = { ocr, text: page.text, words };
  ocr.blocks = buildBlocks(page.lines.map((l, i) => ({ ...l, block: blockOf[i] ?? 0 })), words);
  const ms = (page.seconds ?? 0) * 1000;
  // Image facts newer writers add (requestedDpi, dpiSource, …) go back where they came from.
  const { requestedDpi, dpiSource } = page;
  const imageExtras = { ...(requestedDpi === undefined ? {} : { requestedDpi }), ...(dpiSource === undefined ? {} : { dpiSource }) };
  return {
    number: page.number,
    image: {
      ...imageExtras,
      pageNumber: page.number,
      width: page.width,
      height: page.height,
      dpi: page.dpi,
      origin: page.origin,
      pdfRotate: 0,
    },
    ocr,
    restored,
    quality: page.quality,
    timing: { prepare: 0, ocr: ms, restore: 0 },
  };
}

export interface LayoutLine {
  text: string;
  conf: number;
  bbox: BBox;
  column: OcrBlock['column'];
  block: number;
}

/** OCR blocks and lines for a page from its line list (with block numbers) and its restored words. */
export function buildBlocks(lines: readonly LayoutLine[], words: readonly ReviewWord[]): OcrBlock[] {
  const blocks: OcrBlock[] = [];
  let current: OcrBlock | undefined;
  let currentId = -1;
  lines.forEach((line, i) => {
    if (!current || line.block !== currentId) {
      current = { bbox: [...line.bbox] as BBox, column: line.column, lines: [] };
      currentId = line.block;
      blocks.push(current);
    }
    const lineWords = words.filter((w) => w.line === i);
    const ocrLine: OcrLine = {
      text: line.text,
      conf: line.conf,
      bbox: line.bbox,
      words: lineWords.map((w) => ({ text: w.original, conf: w.conf, bbox: w.bbox })),
    };
    current.lines.push(ocrLine);
    current.bbox = [
      Math.min(current.bbox[0], line.bbox[0]),
      Math.min(current.bbox[1], line.bbox[1]),
      Math.max(current.bbox[2], line.bbox[2]),
      Math.max(current.bbox[3], line.bbox[3]),
    ];
  });
  return blocks;
}

/** The VanBanDocument a JSON output was written from (as far as the JSON tells). */
export function fromJson(json: DocumentJson): VanBanDocument {
  const pages = json.pages.map(toPage);
  return {
    source: json.source,
    pages,
    text: json.text,
    document: json.document,
    quality: json.quality,
    seconds: json.seconds ?? 0,
  };
}

/** Lines of a page with their block numbers, flattened in reading order. */
export function layoutLines(page: ConvertedPage): LayoutLine[] {
  return page.ocr.blocks.flatMap((block, b) =>
    block.lines.map((line) => ({ text: line.text, conf: line.conf, bbox: line.bbox, column: block.column, block: b })),
  );
}
