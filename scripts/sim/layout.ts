/**
 * Page layout of a SimDocument on A4 at 300 dpi, after Nghị định 30/2020/NĐ-CP,
 * with its geometry drawn from a seed (margins, header grid, sizes, spacing,
 * indentation, justification) so no two documents share one template.
 * We wrap lines ourselves, measuring with the font that draws them, so every
 * printed line is known and the ground truth matches it exactly.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Block, SimDocument } from './content.js';

export type Style = 'R' | 'B' | 'I' | 'BI';
export type FontName = 'tinos' | 'noto-serif' | 'arimo' | 'roboto' | 'lora' | 'source-serif-4';
export const FONTS: Record<FontName, { pkg: string; file: string }> = {
  tinos: { pkg: 'tinos', file: 'Tinos' },
  'noto-serif': { pkg: 'noto-serif', file: 'NotoSerif' },
  arimo: { pkg: 'arimo', file: 'Arimo' },
  roboto: { pkg: 'roboto', file: 'Roboto' },
  lora: { pkg: 'lora', file: 'Lora' },
  'source-serif-4': { pkg: 'source-serif-4', file: 'SourceSerif4' },
};
const STYLE_DIR: Record<Style, string> = { R: '400Regular', B: '700Bold', I: '400Regular_Italic', BI: '700Bold_Italic' };

export type LineRole = 'page-number' | 'header-left' | 'header-right' | 'title' | 'addressee' | 'body' | 'closing-left' | 'closing-right' | 'appendix';

export interface Run {
  text: string;
  x: number;
  style: Style;
  size: number;
}
export interface PrintedLine {
  role: LineRole;
  baseline: number;
  runs: Run[];
  text: string;
}
export interface Rule {
  x0: number;
  x1: number;
  y: number;
}
export type Box = [number, number, number, number];
export interface PageLayout {
  lines: PrintedLine[];
  rules: Rule[];
  /** Where the signature is written and where the seal is stamped (the signer's block), if on this page. */
  signer: { box: Box; centreX: number } | null;
}

export const PAGE = { width: 2480, height: 3508, dpi: 300 } as const;
const pt = (p: number): number => Math.round((p * PAGE.dpi) / 72);
const mm = (v: number): number => Math.round((v * PAGE.dpi) / 25.4);

const require = createRequire(import.meta.url);
const registered = new Set<FontName>();
export const family = (f: FontName, s: Style): string => `Sim_${f}_${s}`;
export function fontFile(f: FontName, s: Style): string {
  const dir = path.dirname(require.resolve(`@expo-google-fonts/${FONTS[f].pkg}/package.json`));
  return path.join(dir, STYLE_DIR[s], `${FONTS[f].file}_${STYLE_DIR[s]}.ttf`);
}
export function registerFont(f: FontName): void {
  if (registered.has(f)) return;
  for (const s of Object.keys(STYLE_DIR) as Style[]) {
    if (!GlobalFonts.registerFromPath(fontFile(f, s), family(f, s))) throw new Error(`cannot load font ${fontFile(f, s)}`);
  }
  registered.add(f);
}

let ctx: SKRSContext2D | null = null;
function context(): SKRSContext2D {
  ctx ??= createCanvas(16, 16).getContext('2d');
  return ctx;
}

export const gtText = (s: string): string => s.replace(/\s+/g, ' ').trim().normalize('NFC');

/** Geometry and typography of one document, drawn from its seed. */
export interface LayoutParams {
  font: FontName;
  bodyPt: number;
  headerPt: number;
  titlePt: number;
  closingItemPt: number;
  signerPt: number;
  lineFactor: number;
  paraGap: number;
  indent: number;
  justify: boolean;
  margins: { top: number; bottom: number; left: number; right: number };
  /** Centre of the left header column, as a share of the text width. */
  headerLeftCentre: number;
  headerRightCentre: number;
  /** "Số:" on the date line's baseline, or a line higher. */
  numberRowAligned: boolean;
  /** Title underline: short rule, or none. */
  titleRule: boolean;
  /** Section headings level 1 centred (some agencies do). */
  centredHeadings: boolean;
}

export function drawParams(r: () => number, font: FontName): LayoutParams {
  const pickF = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const bodyPt = pickF([12, 13, 13, 14, 14]);
  return {
    font,
    bodyPt,
    headerPt: pickF([12, 12.5, 13]),
    titlePt: pickF([13, 14, 14]),
    closingItemPt: pickF([11, 11, 12]),
    signerPt: pickF([13, 14]),
    lineFactor: 1.12 + r() * 0.35,
    paraGap: Math.round(r() * 30),
    indent: pickF([0, mm(10), mm(12.7), mm(10)]),
    justify: r() < 0.8,
    margins: { top: mm(15 + r() * 10), bottom: mm(15 + r() * 8), left: mm(25 + r() * 10), right: mm(15 + r() * 6) },
    headerLeftCentre: 0.2 + r() * 0.06,
    headerRightCentre: 0.68 + r() * 0.06,
    numberRowAligned: r() < 0.7,
    titleRule: r() < 0.6,
    centredHeadings: r() < 0.15,
  };
}

class Typesetter {
  constructor(readonly p: LayoutParams) {
    registerFont(p.font);
  }
  width(text: string, style: Style, size: number): number {
    const c = context();
    c.font = `${size}px ${family(this.p.font, style)}`;
    return c.measureText(text).width;
  }
  /** The largest size ≤ `size` (down to 60 %) at which `text` fits `maxW`: offices shrink long header lines. */
  fit(text: string, style: Style, size: number, maxW: number): number {
    let s = size;
    while (s > size * 0.6 && this.width(text, style, s) > maxW) s -= 2;
    return s;
  }
  single(text: string, style: Style, size: number, x: number, baseline: number, role: LineRole): PrintedLine {
    return { role, baseline, runs: [{ text, x: Math.round(x), style, size }], text: gtText(text) };
  }
  centred(text: string, style: Style, size: number, cx: number, baseline: number, role: LineRole): PrintedLine {
    return this.single(text, style, size, cx - this.width(text, style, size) / 2, baseline, role);
  }
  inkBox(line: PrintedLine): Box {
    const c = context();
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const r of line.runs) {
      c.font = `${r.size}px ${family(this.p.font, r.style)}`;
      const m = c.measureText(r.text);
      x0 = Math.min(x0, r.x - m.actualBoundingBoxLeft);
      x1 = Math.max(x1, r.x + m.actualBoundingBoxRight);
      y0 = Math.min(y0, line.baseline - m.actualBoundingBoxAscent);
      y1 = Math.max(y1, line.baseline + m.actualBoundingBoxDescent);
    }
    return [Math.floor(x0), Math.floor(y0), Math.ceil(x1), Math.ceil(y1)];
  }
  /** Greedy wrap of styled spans, justified but for the last line when asked. */
  wrap(spans: { text: string; style: Style }[], size: number, x0: number, width: number, indent: number, justify: boolean): Run[][] {
    const words = spans.flatMap((s) => s.text.split(/\s+/).filter(Boolean).map((t) => ({ text: t, style: s.style })));
    const space = this.width(' ', 'R', size);
    const lines: (typeof words)[] = [];
    let cur: typeof words = [];
    let curW = 0;
    for (const w of words) {
      const ww = this.width(w.text, w.style, size);
      const avail = width - (lines.length === 0 ? indent : 0);
      const next = cur.length === 0 ? ww : curW + space + ww;
      if (cur.length > 0 && next > avail) {
        lines.push(cur);
        cur = [w];
        curW = ww;
      } else {
        cur.push(w);
        curW = next;
      }
    }
    if (cur.length) lines.push(cur);
    return lines.map((line, i) => {
      const start = x0 + (i === 0 ? indent : 0);
      const avail = width - (i === 0 ? indent : 0);
      const widths = line.map((w) => this.width(w.text, w.style, size));
      const natural = widths.reduce((a, b) => a + b, 0) + space * (line.length - 1);
      const gap = justify && i < lines.length - 1 && line.length > 1 ? space + (avail - natural) / (line.length - 1) : space;
      const runs: Run[] = [];
      let x = start;
      line.forEach((w, j) => {
        runs.push({ text: w.text, x: Math.round(x), style: w.style, size });
        x += (widths[j] ?? 0) + gap;
      });
      return runs;
    });
  }
}

class Flow {
  pages: PageLayout[] = [{ lines: [], rules: [], signer: null }];
  y: number;
  constructor(
    readonly t: Typesetter,
    private readonly pageNumberY: number,
  ) {
    this.y = t.p.margins.top;
  }
  get page(): PageLayout {
    return this.pages[this.pages.length - 1]!;
  }
  newPage(): void {
    const n = this.pages.length + 1;
    this.pages.push({ lines: [], rules: [], signer: null });
    const p = this.t.p;
    const cx = p.margins.left + (PAGE.width - p.margins.left - p.margins.right) / 2;
    this.page.lines.push(this.t.centred(String(n), 'R', pt(p.bodyPt - 1), cx, this.pageNumberY, 'page-number'));
    this.y = p.margins.top + pt(4);
  }
  ensure(h: number): void {
    if (this.y + h > PAGE.height - this.t.p.margins.bottom) this.newPage();
  }
}

export function layoutDocument(doc: SimDocument, p: LayoutParams): PageLayout[] {
  const t = new Typesetter(p);
  const f = new Flow(t, Math.max(110, p.margins.top - pt(8)));
  const X0 = p.margins.left;
  const W = PAGE.width - p.margins.left - p.margins.right;
  const CX = X0 + W / 2;
  const lcx = X0 + W * p.headerLeftCentre;
  const rcx = X0 + W * p.headerRightCentre;
  const hs = pt(p.headerPt);
  const motto = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  const rightW = 2 * (PAGE.width - 60 - rcx);
  const ms = t.fit(motto, 'B', hs, rightW);
  // The left column may reach into the left margin, never under the motto.
  const colW = 2 * Math.min(lcx - X0 + mm(14), rcx - t.width(motto, 'B', ms) / 2 - mm(6) - lcx);
  const adv = (size: number): number => Math.round(size * p.lineFactor);

  // Header, left: parent lines (regular) then the agency (bold), a short rule under it.
  const left: typeof f.page.lines = [];
  let ly = p.margins.top + hs;
  for (const l of doc.parentLines) {
    left.push(t.centred(l, 'R', t.fit(l, 'R', hs, colW), lcx, ly, 'header-left'));
    ly += Math.round(hs * 1.2);
  }
  let agencyW = 0;
  for (const l of doc.agencyLines) {
    const s = t.fit(l, 'B', hs, colW);
    left.push(t.centred(l, 'B', s, lcx, ly, 'header-left'));
    agencyW = Math.max(agencyW, t.width(l, 'B', s));
    ly += Math.round(hs * 1.2);
  }
  const ruleShare = 0.3 + (p.lineFactor % 0.1) * 3;
  f.page.rules.push({ x0: Math.round(lcx - (agencyW * ruleShare) / 2), x1: Math.round(lcx + (agencyW * ruleShare) / 2), y: ly - hs + 24 });

  // Header, right: motto, slogan with a rule as long as it.
  const right: typeof f.page.lines = [];
  let ry = p.margins.top + hs;
  right.push(t.centred(motto, 'B', ms, rcx, ry, 'header-right'));
  ry += Math.round(pt(p.headerPt + 1) * 1.2);
  const slogan = 'Độc lập - Tự do - Hạnh phúc';
  const ss = pt(p.headerPt + 1);
  right.push(t.centred(slogan, 'B', ss, rcx, ry, 'header-right'));
  const sw = t.width(slogan, 'B', ss);
  f.page.rules.push({ x0: Math.round(rcx - sw / 2), x1: Math.round(rcx + sw / 2), y: ry + 18 });
  ry += Math.round(ss * 1.25);

  // "Số:" and place/date: same baseline below both rules, or "Số:" a little higher.
  const rowY = Math.max(ly, ry) + pt(8);
  const numberText = doc.number ? `Số: ${doc.number}/${doc.symbol}` : `Số:        /${doc.symbol}`;
  const numY = p.numberRowAligned ? rowY : Math.max(ly + pt(2), rowY - pt(6));
  left.push(t.centred(numberText, 'R', t.fit(numberText, 'R', pt(13), colW), lcx, numY, 'header-left'));
  const dayText = doc.day === null ? '      ' : String(doc.day).padStart(2, '0');
  const monthText = doc.month < 3 ? String(doc.month).padStart(2, '0') : String(doc.month);
  const dateText = `${doc.place}, ngày ${dayText} tháng ${monthText} năm ${doc.year}`;
  const ds = t.fit(dateText, 'I', pt(p.bodyPt >= 13 ? 14 : 13), rightW);
  right.push(t.centred(dateText, 'I', ds, rcx, rowY, 'header-right'));
  let y = Math.max(numY, rowY);
  let ey = numY;
  for (const [i, e] of doc.excerptLines.entries()) {
    ey += Math.round(pt(12) * (i === 0 ? 1.4 : 1.15));
    left.push(t.centred(e, 'R', t.fit(e, 'R', pt(12), colW), lcx, ey, 'header-left'));
  }
  y = Math.max(y, ey);
  f.page.lines.push(...left, ...right);
  f.y = y + pt(10);

  const ts = pt(p.titlePt);
  if (doc.kind !== 'CV') {
    f.y += pt(8) + ts;
    f.page.lines.push(t.centred(doc.type, 'B', pt(p.titlePt + 1), CX, f.y, 'title'));
    let maxW = 0;
    for (const l of doc.titleLines) {
      f.y += Math.round(ts * 1.2);
      const size = t.fit(l, 'B', ts, W);
      f.page.lines.push(t.centred(l, 'B', size, CX, f.y, 'title'));
      maxW = Math.max(maxW, t.width(l, 'B', size));
    }
    for (const l of doc.issuedWith) {
      f.y += Math.round(ts * 1.2);
      f.page.lines.push(t.centred(l, 'I', t.fit(l, 'I', ts, W), CX, f.y, 'title'));
    }
    if (p.titleRule) {
      const w = Math.min(maxW, mm(60)) / 2;
      f.page.rules.push({ x0: Math.round(CX - w / 2), x1: Math.round(CX + w / 2), y: f.y + 30 });
    }
    f.y += pt(10);
  }

  const bs = pt(p.bodyPt);
  const bodyAdv = adv(bs);
  const addressees = (): void => {
    if (!doc.addressees.length) return;
    f.y += pt(6);
    if (doc.addresseeStyle === 'inline') {
      f.y += bodyAdv;
      const text = `Kính gửi: ${doc.addressees.join(', ')}`;
      f.page.lines.push(t.centred(text, 'R', t.fit(text, 'R', bs, W), CX, f.y, 'addressee'));
    } else {
      const label = 'Kính gửi:';
      const labelW = t.width(`${label} `, 'R', bs);
      const items = doc.addressees.map((a) => `- ${a}${doc.addressees.length > 1 ? ';' : ''}`.replace(/;$/, (m) => m));
      items[items.length - 1] = items[items.length - 1]!.replace(/;$/, '.');
      const itemW = Math.max(...items.map((s) => t.width(s, 'R', bs)));
      const x0 = Math.max(X0 + mm(8), CX - (labelW + itemW) / 2);
      for (const [i, s] of items.entries()) {
        f.y += bodyAdv;
        const runs: Run[] = i === 0 ? [{ text: label, x: Math.round(x0), style: 'R', size: bs }] : [];
        runs.push({ text: s, x: Math.round(x0 + labelW), style: 'R', size: bs });
        f.page.lines.push({ role: 'addressee', baseline: f.y, runs, text: gtText(runs.map((r) => r.text).join(' ')) });
      }
    }
    f.y += pt(4);
  };
  addressees();
  f.y += pt(6);

  const blocks = (list: Block[], role: LineRole): void => {
    let prev: Block['kind'] | null = null;
    for (const b of list) {
      f.y += prev === 'center' && b.kind === 'center' ? 0 : p.paraGap + (b.kind === 'center' || prev === 'center' ? pt(5) : 0);
      prev = b.kind;
      if (b.kind === 'center') {
        f.ensure(bodyAdv);
        f.y += bodyAdv;
        f.page.lines.push(t.centred(b.text, b.bold ? 'B' : b.italic ? 'I' : 'R', t.fit(b.text, 'B', bs, W), CX, f.y, role));
        continue;
      }
      if (b.kind === 'section' && b.style === 'chapter') {
        f.ensure(bodyAdv * 3);
        f.y += bodyAdv + pt(4);
        f.page.lines.push(t.centred(b.marker, 'B', bs, CX, f.y, role));
        for (const runs of t.wrap([{ text: b.title, style: 'B' }], bs, X0 + mm(15), W - mm(30), 0, false)) {
          f.y += bodyAdv;
          const w = runs.reduce((a, r) => Math.max(a, r.x + t.width(r.text, r.style, r.size)), 0) - runs[0]!.x;
          const shift = Math.round(CX - w / 2 - runs[0]!.x);
          const moved = runs.map((r) => ({ ...r, x: r.x + shift }));
          f.page.lines.push({ role, baseline: f.y, runs: moved, text: gtText(moved.map((r) => r.text).join(' ')) });
        }
        f.y += pt(4);
        continue;
      }
      let spans: { text: string; style: Style }[];
      let justify = p.justify;
      let centre = false;
      if (b.kind === 'para') spans = [{ text: b.text, style: b.italic ? 'I' : 'R' }];
      else if (b.kind === 'bullet') spans = [{ text: `${b.mark} ${b.text}`, style: 'R' }];
      else if (b.style === 'heading') {
        spans = [{ text: `${b.marker} ${b.title}`, style: 'B' }];
        justify = false;
        centre = p.centredHeadings && b.level === 1 && !b.marker.startsWith('Điều');
      } else spans = [{ text: b.marker, style: 'B' }, { text: b.title, style: 'R' }];
      const wrapped = t.wrap(spans, bs, X0, W, centre ? 0 : p.indent, justify);
      for (const runs of wrapped) {
        f.ensure(bodyAdv);
        f.y += bodyAdv;
        let rr = runs;
        if (centre) {
          const w = runs.reduce((a, r) => Math.max(a, r.x + t.width(r.text, r.style, r.size)), 0) - runs[0]!.x;
          const shift = Math.round(CX - w / 2 - runs[0]!.x);
          rr = runs.map((r) => ({ ...r, x: r.x + shift }));
        }
        f.page.lines.push({ role, baseline: f.y, runs: rr, text: gtText(rr.map((r) => r.text).join(' ')) });
      }
    }
  };
  blocks(doc.body, 'body');

  // Closing: "Nơi nhận" (left, small print) and the signer (right), kept together.
  const hs2 = pt(12);
  const is = pt(p.closingItemPt);
  const itemAdv = Math.round(is * 1.18);
  const signerLines = [doc.signer.authority, doc.signer.delegation, doc.signer.title].filter((s): s is string => !!s);
  const ss2 = pt(p.signerPt);
  const sigGap = mm(22) + Math.round(p.lineFactor * 40);
  const leftH = hs2 + 12 + itemAdv * doc.recipients.length;
  const rightH = signerLines.length * Math.round(ss2 * 1.2) + sigGap + ss2;
  if (doc.closingAlone) f.newPage();
  f.y += pt(14);
  f.ensure(Math.max(leftH, rightH) + 20);
  const top = f.y;
  const scx = X0 + W * (0.7 + (p.headerRightCentre - 0.7) * 0.5);
  const cl: typeof f.page.lines = [];
  let cy = top + hs2;
  cl.push(t.single('Nơi nhận:', 'BI', hs2, X0, cy, 'closing-left'));
  cy += 8;
  const recW = scx - X0 - mm(36);
  for (const rec of doc.recipients) {
    cy += itemAdv;
    const text = `- ${rec}`;
    cl.push(t.single(text, 'R', t.fit(text, 'R', is, recW), X0, cy, 'closing-left'));
  }
  const cr: typeof f.page.lines = [];
  let sy = top + ss2;
  for (const s of signerLines) {
    cr.push(t.centred(s, 'B', t.fit(s, 'B', ss2, mm(85)), scx, sy, 'closing-right'));
    sy += Math.round(ss2 * 1.2);
  }
  const sigTop = sy - ss2 / 2;
  sy += sigGap;
  cr.push(t.centred(doc.signer.name, 'B', ss2, scx, sy, 'closing-right'));
  f.page.signer = { box: [Math.round(scx - mm(45)), Math.round(top - ss2), Math.round(scx + mm(45)), Math.round(sy + 20)], centreX: Math.round(scx) };
  void sigTop;
  f.page.lines.push(...cl, ...cr);
  f.y = Math.max(cy, sy);

  if (doc.appendix) {
    f.newPage();
    f.y += pt(4);
    const [label, ...rest] = doc.appendix.heading;
    f.y += bodyAdv;
    f.page.lines.push(t.centred(label!, 'B', bs, CX, f.y, 'appendix'));
    for (const [i, h] of rest.entries()) {
      f.y += bodyAdv;
      f.page.lines.push(t.centred(h, i === rest.length - 1 ? 'I' : 'B', t.fit(h, 'B', bs, W), CX, f.y, 'appendix'));
    }
    f.y += pt(8);
    blocks(doc.appendix.body, 'appendix');
  }
  return f.pages;
}

/** Ink boxes of the printed lines of a page, in the upright 300 dpi frame. */
export function lineBoxes(p: LayoutParams, page: PageLayout): Box[] {
  const t = new Typesetter(p);
  return page.lines.map((l) => t.inkBox(l));
}

export function pageText(p: PageLayout): string {
  return p.lines.map((l) => l.text).join('\n') + '\n';
}
