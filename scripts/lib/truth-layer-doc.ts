/**
 * Converted documents made from a simulated scan's truth (its .meta.json line boxes) instead of
 * OCR, to stress the searchable PDF's text layer in seconds: every line's words get boxes along
 * the line (its skew followed), and a variant moves them the way OCR output does (boxes jittered,
 * the two columns of a closing read as one line, marks read as stray words, a coarser scan).
 * Build-time only (scripts/measure-text-layer.ts --truth).
 */
import { readFileSync } from 'node:fs';
import type { BBox, VanBanDocument } from '../../src/types.js';
import { mulberry32 } from '../fixtures/random.js';

interface MetaLine {
  text: string;
  role: string;
  bbox: BBox;
}
interface MetaPage {
  number: number;
  width: number;
  height: number;
  dpi: number;
  rotation: 0 | 90 | 180 | 270;
  skew: number;
  marks: { signature: BBox | null; seal: BBox | null; stamp: BBox | null; handwriting: BBox[] };
  lines: MetaLine[];
}

export const TRUTH_VARIANTS = ['exact', 'jitter', 'merged-closing', 'marks', 'half-dpi', 'all'] as const;
export type TruthVariant = (typeof TRUTH_VARIANTS)[number];

interface Word {
  text: string;
  bbox: BBox;
  line: number;
}

/** The words of one truth line, boxes shared out by letters along its (skewed) middle. */
function lineWords(line: MetaLine, slope: number, index: number): Word[] {
  const [x0, y0, x1, y1] = line.bbox;
  const parts = line.text.split(/\s+/).filter(Boolean);
  const letters = parts.reduce((n, p) => n + [...p].length, 0) + parts.length - 1;
  const per = (x1 - x0) / Math.max(1, letters);
  const height = Math.max(0.2 * (y1 - y0), y1 - y0 - Math.abs(slope) * (x1 - x0));
  const mid = (x: number): number => (y0 + y1) / 2 + slope * (x - (x0 + x1) / 2);
  let at = 0;
  return parts.map((text) => {
    const n = [...text].length;
    const a = x0 + at * per;
    const b = x0 + (at + n) * per;
    at += n + 1;
    const top = Math.min(mid(a), mid(b)) - height / 2;
    const bottom = Math.max(mid(a), mid(b)) + height / 2;
    return { text, bbox: [a, top, b, bottom], line: index };
  });
}

/** Stray short "words" OCR reads off a seal or a signature, of any size, over whatever print is there. */
function markWords(marks: MetaPage['marks'], rnd: () => number, lineHeight: number): Array<Omit<Word, 'line'>> {
  const out: Array<Omit<Word, 'line'>> = [];
  const junk = ['ằ', 'ĐƯ', '"', 'Ở', '|', 'ra', '-', 'Ì', 'NG', 'ÂN', 'ẹ', '/', 'Ộ', 'Ổ', 'Ỉ', 'HÀ', 'ỳ', 'fr'];
  for (const box of [marks.seal, marks.signature, marks.stamp, ...marks.handwriting]) {
    if (!box) continue;
    const n = 2 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i += 1) {
      const h = lineHeight * (0.4 + rnd() * 2.2);
      const w = h * (0.3 + rnd() * 1.5);
      const x = box[0] + rnd() * Math.max(1, box[2] - box[0] - w);
      const y = box[1] + rnd() * Math.max(1, box[3] - box[1] - h);
      out.push({ text: junk[Math.floor(rnd() * junk.length)]!, bbox: [x, y, x + w, y + h] });
    }
  }
  return out;
}

/** One page's lines as OCR might give them: per variant, words moved, closing columns merged, marks read. */
function pageWords(page: MetaPage, variant: TruthVariant, rnd: () => number): { lines: Word[][]; scale: number } {
  const slope = -Math.tan((page.skew * Math.PI) / 180);
  const all = variant === 'all';
  const lines = page.lines.map((line, i) => lineWords(line, page.rotation === 0 ? slope : 0, i));
  const heights = lines.flat().map((w) => w.bbox[3] - w.bbox[1]).sort((a, b) => a - b);
  const lineHeight = heights[heights.length >> 1] ?? 30;
  if (variant === 'jitter' || all) {
    for (const word of lines.flat()) {
      const h = word.bbox[3] - word.bbox[1];
      const j = (): number => (rnd() - 0.5) * 0.3 * h;
      const dy = (rnd() - 0.5) * 0.2 * h;
      word.bbox = [word.bbox[0] + j(), word.bbox[1] + dy + j(), word.bbox[2] + j(), word.bbox[3] + dy + j()];
    }
  }
  let out = lines;
  if (variant === 'merged-closing' || all) {
    // A closing-left and a closing-right line side by side read as one OCR line (left words first).
    const merged: Word[][] = [];
    const rights = page.lines.map((l, i) => (l.role === 'closing-right' ? i : -1)).filter((i) => i >= 0);
    const used = new Set<number>();
    page.lines.forEach((line, i) => {
      if (used.has(i)) return;
      if (line.role !== 'closing-left') return merged.push(lines[i]!);
      const partner = rights.find((r) => !used.has(r) && Math.abs((page.lines[r]!.bbox[1] + page.lines[r]!.bbox[3]) / 2 - (line.bbox[1] + line.bbox[3]) / 2) < lineHeight);
      if (partner === undefined) return merged.push(lines[i]!);
      used.add(partner);
      merged.push([...lines[i]!, ...lines[partner]!.map((w) => ({ ...w, line: i }))]);
    });
    out = merged;
  }
  if (variant === 'marks' || all) {
    for (const junk of markWords(page.marks, rnd, lineHeight)) out.push([{ ...junk, line: out.length }]);
  }
  return { lines: out, scale: variant === 'half-dpi' || all ? 0.5 : 1 };
}

/** The document as the layer writer sees it; `restored.text` holds exactly the words drawn. */
export function truthDocument(metaPath: string, source: string, variant: TruthVariant, seed: number): VanBanDocument {
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { pages: MetaPage[]; scan: { phone: unknown } };
  // A phone photo's lines curve and converge: their truth boxes are hulls no word box follows.
  if (meta.scan.phone) return { source, pages: [], text: '' } as unknown as VanBanDocument;
  const rnd = mulberry32(seed);
  const pages = meta.pages.map((page) => {
    const { lines, scale } = pageWords(page, variant, rnd);
    const round = (b: BBox): BBox => b.map((v) => Math.round(v * scale)) as unknown as BBox;
    const width = Math.round(page.width * scale);
    const height = Math.round(page.height * scale);
    const ocrLines = lines.map((words) => {
      const xs = words.map((w) => round(w.bbox));
      const hull: BBox = [Math.min(...xs.map((b) => b[0])), Math.min(...xs.map((b) => b[1])), Math.max(...xs.map((b) => b[2])), Math.max(...xs.map((b) => b[3]))];
      return { text: words.map((w) => w.text).join(' '), conf: 90, bbox: hull, words: [] };
    });
    const words = lines.flatMap((ws, i) => ws.map((w) => ({ text: w.text, bbox: round(w.bbox), conf: 90, original: w.text, changed: false, restoreConfidence: 1, line: i })));
    const text = lines.map((ws) => ws.map((w) => w.text).join(' ')).join('\n');
    return {
      number: page.number,
      image: { pageNumber: page.number, width, height, dpi: page.dpi * scale, origin: 'embedded-image', pdfRotate: 0 },
      ocr: { pageNumber: page.number, width, height, dpi: page.dpi * scale, skew: 0, rotation: page.rotation, steps: [], text, confidence: 90, blocks: [{ bbox: [0, 0, width, height], column: 'full', lines: ocrLines }] },
      restored: { text, words },
    };
  });
  return { source, pages, text: pages.map((p) => p.restored.text).join('\f') } as unknown as VanBanDocument;
}
