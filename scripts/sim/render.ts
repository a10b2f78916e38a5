/**
 * Draws a page layout on white A4 at 300 dpi in colour, with what a signed paper
 * copy carries besides print: the signature, the red round seal over the signer,
 * and handwritten marks in the margin. Those are never text in the ground truth;
 * their boxes go to the meta so an evaluation can tell them apart.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import { family, PAGE, registerFont, type Box, type LayoutParams, type PageLayout } from './layout.js';

export interface RgbImage {
  /** 3 bytes per pixel, row-major. */
  data: Buffer;
  width: number;
  height: number;
}

export interface Marks {
  signature: Box | null;
  seal: Box | null;
  /** A clerk's rectangular "ĐẾN" (received) stamp, filled in by hand. */
  stamp: Box | null;
  handwriting: Box[];
}

export interface MarkOptions {
  signed: boolean;
  sealed: boolean;
  handwriting: boolean;
  /** Seal text, the agency name. */
  sealText: string;
  /** Ink of the print: near black, a little grey for worn toner. */
  ink: number;
}

type Ctx = SKRSContext2D;

/** Draws at `scale` × 300 dpi (the device's own resolution, so low-dpi models skip a 300 dpi raster); marks' boxes stay in the 300 dpi frame. */
export async function renderPage(page: PageLayout, p: LayoutParams, o: MarkOptions, rnd: () => number, isFirst: boolean, scale = 1): Promise<{ image: RgbImage; marks: Marks }> {
  registerFont(p.font);
  const width = Math.round(PAGE.width * scale);
  const height = Math.round(PAGE.height * scale);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.scale(scale, scale);
  const ink = Math.round(o.ink);
  ctx.fillStyle = `rgb(${ink},${ink},${ink + 4})`;
  ctx.textBaseline = 'alphabetic';
  for (const line of page.lines) {
    for (const r of line.runs) {
      ctx.font = `${r.size}px ${family(p.font, r.style)}`;
      ctx.fillText(r.text, r.x, line.baseline);
    }
  }
  for (const r of page.rules) ctx.fillRect(r.x0, r.y, r.x1 - r.x0, 3);

  const marks: Marks = { signature: null, seal: null, stamp: null, handwriting: [] };
  if (page.signer && o.signed) {
    const [x0, y0, x1, y1] = page.signer.box;
    const h = y1 - y0;
    // Between the title lines and the name.
    const sig: Box = [Math.round(x0 + (x1 - x0) * 0.18), Math.round(y0 + h * 0.38), Math.round(x1 - (x1 - x0) * 0.12), Math.round(y0 + h * 0.82)];
    drawSignature(ctx, sig, rnd);
    marks.signature = sig;
    if (o.sealed) {
      const rad = Math.round(((17 + rnd() * 3) * PAGE.dpi) / 25.4);
      const cx = Math.round(page.signer.centreX - rad * (0.55 + rnd() * 0.3));
      const cy = Math.round(y0 + h * (0.45 + rnd() * 0.15));
      drawSeal(ctx, cx, cy, rad, o.sealText, p, rnd);
      marks.seal = [cx - rad, cy - rad, cx + rad, cy + rad];
    }
  }
  if (o.handwriting && isFirst && rnd() < 0.6) {
    // Received stamp in the top margin, over the page's edge as clerks place it.
    const w = 520;
    const h = Math.max(120, Math.min(200, p.margins.top - 40));
    const x = Math.round(PAGE.width * (0.08 + rnd() * 0.3));
    const y = 20;
    drawStamp(ctx, x, y, w, h, p, rnd);
    marks.stamp = [x, y, x + w, y + h];
  }
  if (o.handwriting && (isFirst || rnd() < 0.3)) {
    // A reader's note in the top or left margin, and sometimes a tick beside a paragraph.
    const boxes: Box[] = [];
    const top = rnd() < 0.6;
    if (top) boxes.push([Math.round(PAGE.width * (0.12 + rnd() * 0.4)), 30, 0, 0]);
    else boxes.push([30, Math.round(PAGE.height * (0.3 + rnd() * 0.4)), 0, 0]);
    for (const b of boxes) {
      const w = top ? 500 + Math.round(rnd() * 300) : 150 + Math.round(rnd() * 60);
      const hgt = top ? 120 + Math.round(rnd() * 60) : 380 + Math.round(rnd() * 200);
      b[2] = Math.min(PAGE.width - 20, b[0] + w);
      b[3] = b[1] + hgt;
      drawHandwriting(ctx, b, !top, rnd);
      marks.handwriting.push(b);
    }
  }
  const rgba = Buffer.from(ctx.getImageData(0, 0, width, height).data.buffer);
  const rgb = await sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha().raw().toBuffer();
  return { image: { data: rgb, width, height }, marks };
}

function drawSignature(ctx: Ctx, b: Box, rnd: () => number): void {
  const [x0, y0, x1, y1] = b;
  const w = x1 - x0;
  const h = y1 - y0;
  ctx.save();
  ctx.strokeStyle = rnd() < 0.7 ? 'rgb(25,40,150)' : 'rgb(30,30,40)';
  ctx.lineWidth = 4 + rnd() * 3;
  ctx.lineCap = 'round';
  ctx.beginPath();
  let x = x0 + w * 0.1;
  let y = y0 + h * (0.4 + rnd() * 0.3);
  ctx.moveTo(x, y);
  const n = 5 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const nx = x + w * (0.06 + rnd() * 0.08);
    const ny = y0 + h * (0.1 + rnd() * 0.8);
    ctx.bezierCurveTo(x + 40, y - 150 * rnd(), nx - 40, ny + 150 * rnd(), nx, ny);
    x = nx;
    y = ny;
  }
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x0 + w * 0.05, y0 + h * 0.8);
  ctx.quadraticCurveTo(x0 + w * 0.5, y0 + h * (0.55 + rnd() * 0.4), x0 + w * 0.95, y0 + h * (0.6 + rnd() * 0.2));
  ctx.stroke();
  ctx.restore();
}

function drawSeal(ctx: Ctx, cx: number, cy: number, rad: number, text: string, p: LayoutParams, rnd: () => number): void {
  ctx.save();
  ctx.globalCompositeOperation = 'multiply';
  const red = `rgba(${200 + Math.floor(rnd() * 40)},${30 + Math.floor(rnd() * 30)},${40 + Math.floor(rnd() * 30)},${0.75 + rnd() * 0.2})`;
  ctx.strokeStyle = red;
  ctx.fillStyle = red;
  ctx.lineWidth = 9;
  ctx.beginPath();
  ctx.arc(cx, cy, rad, 0, Math.PI * 2);
  ctx.stroke();
  ctx.lineWidth = 4;
  ctx.beginPath();
  ctx.arc(cx, cy, rad * 0.68, 0, Math.PI * 2);
  ctx.stroke();
  // Agency name around the ring, upright letters along the arc.
  const size = Math.round(rad * 0.2);
  ctx.font = `${size}px ${family(p.font, 'B')}`;
  const chars = [...text.toLocaleUpperCase('vi')];
  const span = Math.min(Math.PI * 1.75, chars.length * (size * 0.8) / (rad * 0.83));
  chars.forEach((ch, i) => {
    const a = -Math.PI / 2 - span / 2 + (span * (i + 0.5)) / chars.length;
    ctx.save();
    ctx.translate(cx + Math.cos(a) * rad * 0.83, cy + Math.sin(a) * rad * 0.83);
    ctx.rotate(a + Math.PI / 2);
    ctx.fillText(ch, -size * 0.3, size * 0.35);
    ctx.restore();
  });
  // Star in the middle.
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const rr = k % 2 === 0 ? rad * 0.3 : rad * 0.12;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    const x = cx + Math.cos(a) * rr;
    const y = cy + Math.sin(a) * rr;
    if (k === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.closePath();
  ctx.fill();
  ctx.restore();
  // Uneven inking: a few pale blotches inside the seal.
  ctx.save();
  ctx.fillStyle = 'rgba(255,255,255,0.35)';
  for (let k = 0; k < 12; k++) {
    ctx.beginPath();
    ctx.arc(cx + (rnd() - 0.5) * rad * 1.8, cy + (rnd() - 0.5) * rad * 1.8, rad * (0.05 + rnd() * 0.12), 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();
}

/** Pen strokes shaped like a short cursive note (never text to read), or a vertical margin note. */
function drawHandwriting(ctx: Ctx, b: Box, vertical: boolean, rnd: () => number): void {
  const [x0, y0, x1, y1] = b;
  ctx.save();
  ctx.strokeStyle = rnd() < 0.6 ? 'rgb(20,50,170)' : 'rgb(190,30,30)';
  ctx.lineWidth = 3 + rnd() * 2;
  ctx.lineCap = 'round';
  const rows = vertical ? 1 : 1 + Math.floor(rnd() * 2);
  for (let row = 0; row < rows; row++) {
    ctx.beginPath();
    const len = vertical ? y1 - y0 : x1 - x0;
    const base = vertical ? x0 + (x1 - x0) * 0.5 : y0 + ((row + 0.7) * (y1 - y0)) / (rows + 0.4);
    const amp = 25 + rnd() * 15;
    let s = 10;
    const start = (u: number, v: number): [number, number] => (vertical ? [v, y0 + u] : [x0 + u, v]);
    ctx.moveTo(...start(s, base));
    while (s < len - 20) {
      const step = 18 + rnd() * 26;
      const [ax, ay] = start(s + step * 0.5, base - amp * (0.5 + rnd()));
      const [bx, by] = start(s + step, base + amp * (rnd() - 0.2));
      ctx.quadraticCurveTo(ax, ay, bx, by);
      s += step;
      if (rnd() < 0.12) {
        s += 25;
        ctx.moveTo(...start(s, base));
      }
    }
    ctx.stroke();
  }
  if (!vertical && rnd() < 0.5) {
    // Underline or arrow after the note.
    ctx.beginPath();
    ctx.moveTo(x0 + 10, y1 - 8);
    ctx.lineTo(x1 - 10, y1 - 14);
    ctx.stroke();
  }
  ctx.restore();
}

function drawStamp(ctx: Ctx, x: number, y: number, w: number, h: number, p: LayoutParams, rnd: () => number): void {
  ctx.save();
  ctx.globalCompositeOperation = 'multiply';
  const colour = rnd() < 0.5 ? 'rgba(200,40,50,0.85)' : 'rgba(40,60,170,0.85)';
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 5;
  ctx.strokeRect(x, y, w, h);
  const size = Math.round(h / 4.2);
  ctx.font = `${size}px ${family(p.font, 'B')}`;
  ctx.fillText('ĐẾN', x + 20, y + size * 1.1);
  ctx.font = `${Math.round(size * 0.8)}px ${family(p.font, 'R')}`;
  ctx.fillText('Số: ..........', x + 20, y + size * 2.2);
  ctx.fillText('Ngày: ....../....../......', x + 20, y + size * 3.3);
  ctx.restore();
  // The clerk's pen over the dotted lines.
  drawHandwriting(ctx, [x + 130, y + Math.round(size * 1.5), x + 330, y + Math.round(size * 2.4)], false, rnd);
}
