/**
 * Reading order from word boxes alone (no engine dependency).
 *
 * Administrative documents (layout of Nghị định 30/2020/NĐ-CP) put two short
 * columns side by side in the header (issuing body | national motto) and in the
 * closing block ("Nơi nhận:" list | signer). Engines read such bands line by
 * line across both columns, or merge a left and a right fragment into one line.
 * Here lines are regrouped into visual rows, a side-by-side region is a run of
 * rows sharing one wide vertical gutter, and each region is emitted column by
 * column; everything else is read top to bottom as full-width text.
 */
import type { BBox, OcrBlock, OcrLine, OcrWord } from '../types.js';

/** An engine line plus an optional paragraph id (a change of id starts a new full-width block). */
export interface LayoutLine extends OcrLine {
  group?: number;
}

export interface LayoutOptions {
  /** A gutter must be at least this many median line heights wide (default 1.5). */
  gutterLineHeights?: number;
  /** …and at least this many median word gaps wide (default 4). */
  gutterWordGaps?: number;
  /** Rows with words on both sides of the gutter needed to call a region side by side (default 2). */
  minSplitRows?: number;
}

interface Row {
  y0: number;
  y1: number;
  words: OcrWord[];
  pieces: LayoutLine[];
}

interface Gap {
  x0: number;
  x1: number;
}

interface Extent {
  x0: number;
  x1: number;
}

const width = (e: Extent): number => e.x1 - e.x0;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function union(boxes: BBox[]): BBox {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x0 = Math.min(x0, b[0]);
    y0 = Math.min(y0, b[1]);
    x1 = Math.max(x1, b[2]);
    y1 = Math.max(y1, b[3]);
  }
  return [x0, y0, x1, y1];
}

/** Lines whose vertical extents overlap by half the smaller height form one visual row. */
function buildRows(lines: LayoutLine[]): Row[] {
  const sorted = lines
    .filter((l) => l.words.some((w) => w.text.trim() !== ''))
    .sort((a, b) => a.bbox[1] + a.bbox[3] - (b.bbox[1] + b.bbox[3]));
  const rows: Row[] = [];
  for (const line of sorted) {
    const words = line.words.filter((w) => w.text.trim() !== '');
    const h = line.bbox[3] - line.bbox[1];
    let target: Row | undefined;
    // Only recent rows can overlap a line that starts lower than all earlier ones.
    for (let i = rows.length - 1; i >= Math.max(0, rows.length - 3); i--) {
      const row = rows[i]!;
      const overlap = Math.min(row.y1, line.bbox[3]) - Math.max(row.y0, line.bbox[1]);
      // Two engine lines that also overlap across are two printed lines (tight small print,
      // a slightly tilted colour copy), never one row: merging them interleaves their words.
      const across = row.pieces.some((p) => Math.min(p.bbox[2], line.bbox[2]) - Math.max(p.bbox[0], line.bbox[0]) > 0.25 * h);
      if (!across && overlap >= 0.5 * Math.min(h, row.y1 - row.y0)) {
        target = row;
        break;
      }
    }
    if (target) {
      target.words.push(...words);
      target.pieces.push(line);
      target.y0 = Math.min(target.y0, line.bbox[1]);
      target.y1 = Math.max(target.y1, line.bbox[3]);
    } else {
      rows.push({ y0: line.bbox[1], y1: line.bbox[3], words: [...words], pieces: [line] });
    }
  }
  for (const row of rows) row.words.sort((a, b) => a.bbox[0] - b.bbox[0]);
  return rows;
}

/** Horizontal whitespace between consecutive words of a row (overlapping words leave none). */
function rowGaps(row: Row): Gap[] {
  const gaps: Gap[] = [];
  let right = -Infinity;
  for (const w of row.words) {
    if (right !== -Infinity && w.bbox[0] > right) gaps.push({ x0: right, x1: w.bbox[0] });
    right = Math.max(right, w.bbox[2]);
  }
  return gaps;
}

/**
 * Gaps wide enough to be a gutter: at least `minGutter` and well beyond the row's
 * other word gaps. A justified line stretches all its gaps alike, so none of them
 * stands out; a header row has word gaps and one gulf.
 */
function wideGaps(row: Row, minGutter: number): Gap[] {
  const gaps = rowGaps(row);
  return gaps.filter((g) => {
    if (width(g) < minGutter) return false;
    const others = gaps.filter((o) => o !== g).map(width);
    return others.length === 0 || width(g) >= 2.5 * median(others);
  });
}

/** Words entirely left of x, entirely right of x, and those that straddle it. */
function sideOf(row: Row, gutter: Gap, tolerance: number): 'left' | 'right' | 'both' | 'cross' {
  let left = false;
  let right = false;
  for (const w of row.words) {
    if (w.bbox[2] <= gutter.x0 + tolerance) left = true;
    else if (w.bbox[0] >= gutter.x1 - tolerance) right = true;
    else return 'cross';
  }
  return left && right ? 'both' : left ? 'left' : 'right';
}

function extentOf(words: OcrWord[]): Extent {
  return { x0: Math.min(...words.map((w) => w.bbox[0])), x1: Math.max(...words.map((w) => w.bbox[2])) };
}

/**
 * A one-sided row joins a column only if it sits like that column's lines:
 * left-aligned, right-aligned or centred on it. This keeps a page-centred title
 * below the header out of the right column.
 */
function fitsColumn(e: Extent, column: Extent, tolerance: number): boolean {
  const centre = (e.x0 + e.x1) / 2;
  const colCentre = (column.x0 + column.x1) / 2;
  return (
    Math.abs(e.x0 - column.x0) <= tolerance ||
    Math.abs(e.x1 - column.x1) <= tolerance ||
    Math.abs(centre - colCentre) <= Math.max(2 * tolerance, 0.15 * width(column))
  );
}

interface Region {
  start: number;
  end: number; // exclusive
  gutter: Gap;
  /** Per row from start: which column takes it whole, or 'both' to split at the gutter. */
  sides: Array<'left' | 'right' | 'both'>;
}

function findRegion(rows: Row[], start: number, minGutter: number, minSplitRows: number, tolerance: number): Region | undefined {
  const candidates = wideGaps(rows[start]!, minGutter).sort((a, b) => width(b) - width(a));
  for (const first of candidates) {
    let gutter = first;
    const split0 = splitWords(rows[start]!, gutter);
    let left = extentOf(split0.left);
    let right = extentOf(split0.right);
    let splitRows = 1;
    let multiGap = candidates.length > 1 ? 1 : 0;
    let leftOnly = 0;
    let rightOnly = 0;
    const sides: Region['sides'] = ['both'];
    let end = start + 1;
    for (; end < rows.length; end++) {
      const row = rows[end]!;
      let side = sideOf(row, gutter, tolerance);
      if (side === 'cross' && wideGaps(row, 0.5 * minGutter).length === 0) {
        // A one-sided row may reach past the gutter of other rows (a long "Nơi nhận" item
        // beside a signer block that starts further down): it belongs to a column if it
        // sits like that column's lines and stays clear of the other column's centre.
        const e = extentOf(row.words);
        const leftCentre = (left.x0 + left.x1) / 2;
        const rightCentre = (right.x0 + right.x1) / 2;
        // Into the gutter is fine, into the other column's lines is not ("Kính gửi: …" below a header).
        if (e.x1 < Math.min(rightCentre, right.x0) && fitsColumn(e, left, tolerance)) {
          sides.push('left');
          leftOnly++;
          continue;
        }
        if (e.x0 > Math.max(leftCentre, left.x1) && fitsColumn(e, right, tolerance)) {
          sides.push('right');
          rightOnly++;
          continue;
        }
      }
      if (side === 'cross') {
        // A row may still share the gutter partly (a longer left line, a wider right one):
        // narrow the gutter if enough of it stays blank, margins included.
        const first = row.words[0]!.bbox[0];
        const last = Math.max(...row.words.map((w) => w.bbox[2]));
        const blank = [...wideGaps(row, 0.5 * minGutter), { x0: -Infinity, x1: first }, { x0: last, x1: Infinity }];
        const shared = blank
          .map((g) => ({ x0: Math.max(g.x0, gutter.x0), x1: Math.min(g.x1, gutter.x1) }))
          // Each split row shows a wide gap; the blank strip they all share may be much
          // narrower (a long motto line on the right, a long agency name on the left).
          .filter((g) => width(g) >= 0.2 * minGutter)
          .sort((a, b) => width(b) - width(a))[0];
        if (!shared) break;
        gutter = shared;
        side = sideOf(row, gutter, 0);
      }
      if (side === 'cross') break;
      if (side === 'both') {
        const s = splitWords(row, gutter);
        if (s.left.length === 0 || s.right.length === 0) break;
        const l = extentOf(s.left);
        const r = extentOf(s.right);
        left = { x0: Math.min(left.x0, l.x0), x1: Math.max(left.x1, l.x1) };
        right = { x0: Math.min(right.x0, r.x0), x1: Math.max(right.x1, r.x1) };
        splitRows++;
        if (wideGaps(row, minGutter).length > 1) multiGap++;
        sides.push('both');
        continue;
      }
      const e = extentOf(row.words);
      if (!fitsColumn(e, side === 'left' ? left : right, tolerance)) break;
      if (side === 'left') leftOnly++;
      else rightOnly++;
      sides.push(side);
    }
    // Rows cut into three or more wide cells are a table: read them row by row.
    if (multiGap * 2 > splitRows) continue;
    // A closing block often shares only its first row ("Nơi nhận:" | "TRƯỞNG PHÒNG"); then
    // rows that continue both columns on their own are the evidence.
    if (splitRows >= minSplitRows || (splitRows >= 1 && leftOnly >= 1 && rightOnly >= 1)) return { start, end, gutter, sides };
  }
  return undefined;
}

function splitWords(row: Row, gutter: Gap): { left: OcrWord[]; right: OcrWord[] } {
  const mid = (gutter.x0 + gutter.x1) / 2;
  const left: OcrWord[] = [];
  const right: OcrWord[] = [];
  for (const w of row.words) ((w.bbox[0] + w.bbox[2]) / 2 < mid ? left : right).push(w);
  return { left, right };
}

/** Rebuild one output line from a set of words of a row, keeping the engine's baseline where it applies. */
function makeLine(words: OcrWord[], pieces: LayoutLine[]): OcrLine {
  const bbox = union(words.map((w) => w.bbox));
  const line: OcrLine = {
    text: words.map((w) => w.text).join(' '),
    conf: words.reduce((s, w) => s + w.conf, 0) / words.length,
    bbox,
    words,
  };
  const source = pieces.find((p) => words.some((w) => p.words.includes(w)));
  if (source?.baseline) {
    const [bx0, by0, bx1, by1] = source.baseline;
    const slope = bx1 !== bx0 ? (by1 - by0) / (bx1 - bx0) : 0;
    const at = (x: number): number => Math.round(by0 + slope * (x - bx0));
    line.baseline = [bbox[0], at(bbox[0]), bbox[2], at(bbox[2])];
  }
  return line;
}

function makeBlock(lines: OcrLine[], column: OcrBlock['column']): OcrBlock {
  return { bbox: union(lines.map((l) => l.bbox)), column, lines };
}

/**
 * Order engine lines for reading. Pure: same input, same output.
 * Returns blocks in reading order; side-by-side regions give a 'left' block then a 'right' block.
 */
export function orderReading(lines: LayoutLine[], options: LayoutOptions = {}): OcrBlock[] {
  const rows = buildRows(lines);
  if (rows.length === 0) return [];
  const lineHeight = median(rows.map((r) => r.y1 - r.y0));
  const wordGap = median(rows.flatMap((r) => rowGaps(r).map(width)).filter((g) => g < 2 * lineHeight));
  const minGutter = Math.max((options.gutterLineHeights ?? 1.5) * lineHeight, (options.gutterWordGaps ?? 4) * wordGap);
  const minSplitRows = options.minSplitRows ?? 2;
  const tolerance = Math.max(2, 0.5 * lineHeight);

  const blocks: OcrBlock[] = [];
  let full: OcrLine[] = [];
  let lastGroup: number | undefined;
  let lastBottom = -Infinity;
  const flush = (): void => {
    if (full.length) blocks.push(makeBlock(full, 'full'));
    full = [];
  };

  for (let i = 0; i < rows.length; ) {
    const region = findRegion(rows, i, minGutter, minSplitRows, tolerance);
    if (region) {
      const left: OcrLine[] = [];
      const right: OcrLine[] = [];
      // The row just above may belong to the region although its own gap fell short of a
      // gutter (a long agency name beside the motto's first line): it joins when a clearly
      // wider-than-word gap of it lies on the region's gutter.
      const prev = rows[i - 1];
      if (prev && full.length && full[full.length - 1]!.words[0] === prev.words[0] && rows[i]!.y0 - prev.y1 <= lineHeight) {
        const { x0, x1 } = region.gutter;
        const gap = wideGaps(prev, 0.5 * minGutter).find((g) => Math.min(g.x1, x1) - Math.max(g.x0, x0) > 0);
        if (gap) {
          const s = splitWords(prev, gap);
          if (s.left.length && s.right.length) {
            full.pop();
            left.push(makeLine(s.left, prev.pieces));
            right.push(makeLine(s.right, prev.pieces));
          }
        }
      }
      flush();
      for (let r = region.start; r < region.end; r++) {
        const row = rows[r]!;
        const side = region.sides[r - region.start] ?? 'both';
        const s = side === 'both' ? splitWords(row, region.gutter) : side === 'left' ? { left: row.words, right: [] } : { left: [], right: row.words };
        if (s.left.length) left.push(makeLine(s.left, row.pieces));
        if (s.right.length) right.push(makeLine(s.right, row.pieces));
      }
      if (left.length) blocks.push(makeBlock(left, 'left'));
      if (right.length) blocks.push(makeBlock(right, 'right'));
      lastGroup = undefined;
      lastBottom = -Infinity;
      i = region.end;
      continue;
    }
    const row = rows[i]!;
    const group = row.pieces[0]?.group;
    // A new paragraph (engine's grouping) or a blank line's worth of space starts a new block.
    if (full.length && ((group !== undefined && group !== lastGroup) || row.y0 - lastBottom > lineHeight)) flush();
    full.push(makeLine(row.words, row.pieces));
    lastGroup = group;
    lastBottom = row.y1;
    i++;
  }
  flush();
  return blocks;
}

/** Text in reading order: lines joined by "\n", blocks separated by a blank line. */
export function blocksToText(blocks: OcrBlock[]): string {
  return blocks.map((b) => b.lines.map((l) => l.text).join('\n')).join('\n\n');
}
