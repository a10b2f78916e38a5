/**
 * The committed fixtures are what every other test and the benchmark read:
 * check they exist, agree with the manifest, and are built as documented. No OCR.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { documentByName } from '../scripts/fixtures/documents.js';
import { inspectPdf } from '../scripts/fixtures/inspect.js';
import { layoutDocument, pageText } from '../scripts/fixtures/layout.js';
import type { ManifestEntry } from '../scripts/fixtures/manifest.js';
import { truthOf, type LayoutTruthPage, type Truth, type TruthSection } from '../scripts/fixtures/truth.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as ManifestEntry[];
const good = manifest.filter((e) => e.level !== 'bad');
const INPUT = /\.(pdf|png|jpe?g|tiff?)$/i;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('fixtures manifest', () => {
  it('lists every input file in our folders, and every listed file exists', () => {
    for (const e of manifest) expect(existsSync(path.join(root, e.path)), e.path).toBe(true);
    const listed = new Set(manifest.map((e) => e.path));
    const onDisk = ['clean', 'moderate', 'heavy', 'special', 'bad']
      .flatMap((d) => walk(path.join(root, d)))
      .map((p) => path.relative(root, p).split(path.sep).join('/'))
      .filter((p) => INPUT.test(p));
    expect(onDisk.sort()).toEqual([...listed].sort());
  });

  it('keeps the set small enough for CI OCR runs', () => {
    const pages = manifest.reduce((n, e) => n + e.pages, 0);
    expect(pages).toBeGreaterThanOrEqual(15);
    expect(pages).toBeLessThanOrEqual(30);
    const bytes = manifest.reduce((n, e) => n + statSync(path.join(root, e.path)).size, 0);
    expect(bytes).toBeLessThan(12 * 1024 * 1024);
  });

  it('covers every level and special kind the README promises', () => {
    const kinds = new Set(good.map((e) => `${e.level}:${e.storage}`));
    for (const k of ['clean:image-jpeg', 'moderate:image-jpeg', 'heavy:image-jpeg', 'special:vector-text', 'special:image-flate', 'special:image-file']) expect(kinds).toContain(k);
    expect(good.some((e) => e.pdfRotate === 90)).toBe(true);
    expect(good.some((e) => e.pages >= 2)).toBe(true);
    expect(new Set(manifest.filter((e) => e.level === 'bad').map((e) => e.problem))).toEqual(new Set(['truncated', 'encrypted', 'zero-pages', 'not-a-pdf', 'empty']));
  });
});

describe.each(good.map((e) => [e.path, e] as const))('%s', (_p, e) => {
  const gt = readFileSync(path.join(root, e.gt!), 'utf8');
  const truth = JSON.parse(readFileSync(path.join(root, e.truth!), 'utf8')) as Truth;

  it('ground truth is NFC, one page per form feed, no blank or padded lines', () => {
    expect(gt).toBe(gt.normalize('NFC'));
    const pages = gt.split('\f');
    expect(pages).toHaveLength(e.pages);
    for (const p of pages) {
      expect(p.endsWith('\n')).toBe(true);
      for (const line of p.slice(0, -1).split('\n')) {
        expect(line.length).toBeGreaterThan(0);
        expect(line).toBe(line.replace(/\s+/g, ' ').trim());
      }
    }
    // The source still lays out to exactly this text (catches an edited GT or a stale regeneration).
    expect(gt).toBe(layoutDocument(documentByName(e.document!)).map(pageText).join('\f'));
  });

  it('truth.json matches the document and the printed text', () => {
    expect(truth).toEqual(truthOf(documentByName(e.document!)));
    const flat = gt.replace(/\s+/g, ' ');
    for (const s of [truth.nationalMotto, truth.slogan, truth.symbol, truth.place, truth.dateText, truth.signer.name, truth.signer.title, ...truth.recipients]) {
      expect(flat).toContain(s);
    }
    if (truth.date) expect(truth.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const walkSections = (ss: TruthSection[], level: number): void => {
      for (const s of ss) {
        expect(s.level).toBe(level);
        expect(flat).toContain(`${s.number}`);
        expect(flat).toContain((s.title ?? s.text).split(' ').slice(0, 4).join(' '));
        walkSections(s.children, level + 1);
      }
    };
    walkSections(truth.sections, 1);
  });

  it('layout.json lines are the GT lines, with boxes on the page (and on ink, for clean scans)', async () => {
    const lay = JSON.parse(readFileSync(path.join(root, e.layout!), 'utf8')) as { pages: LayoutTruthPage[] };
    const gtPages = gt.split('\f');
    expect(lay.pages).toHaveLength(e.pages);
    for (const [i, p] of lay.pages.entries()) {
      expect(p.lines.map((l) => l.text).join('\n') + '\n').toBe(gtPages[i]);
      expect(p.skew).toBe(e.skew[i]);
      for (const l of p.lines) {
        const [x0, y0, x1, y1] = l.bbox;
        expect(x0 >= 0 && y0 >= 0 && x1 <= p.width && y1 <= p.height && x0 < x1 && y0 < y1, `${l.text} ${l.bbox}`).toBe(true);
        expect(l.column).toBe(l.role.endsWith('-left') ? 'left' : l.role.endsWith('-right') ? 'right' : 'full');
      }
    }
    if (e.level !== 'clean') return;
    const pages = await inspectPdf(readFileSync(path.join(root, e.path)));
    for (const [i, p] of lay.pages.entries()) {
      const { data, info } = await sharp(pages[i]!.images[0]!.bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([p.width, p.height]);
      for (const l of p.lines) {
        // Ink reaches within 3 px of every edge: the box is tight, not just overlapping the text.
        const [x0, y0, x1, y1] = l.bbox;
        const dark = (x: number, y: number): boolean => data[y * info.width + x]! < 128;
        const band = (xa: number, xb: number, ya: number, yb: number): boolean => {
          for (let y = Math.max(ya, y0); y < Math.min(yb, y1); y++) for (let x = Math.max(xa, x0); x < Math.min(xb, x1); x++) if (dark(x, y)) return true;
          return false;
        };
        const rowHas = (y: number): boolean => (y === y0 ? band(x0, x1, y0, y0 + 3) : band(x0, x1, y1 - 3, y1));
        const colHas = (x: number): boolean => (x === x0 ? band(x0, x0 + 3, y0, y1) : band(x1 - 3, x1, y0, y1));
        expect([rowHas(y0), rowHas(y1 - 1), colHas(x0), colHas(x1 - 1)], l.text).toEqual([true, true, true, true]);
      }
    }
  });

  it('input is built as the manifest says', async () => {
    const bytes = readFileSync(path.join(root, e.path));
    if (e.format !== 'pdf') {
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe(e.format === 'tiff' ? 'tiff' : 'png');
      expect(meta.density).toBe(e.dpi);
      expect(meta.width! / meta.height!).toBeCloseTo(210 / 297, 2);
      expect(meta.pages ?? 1).toBe(e.pages);
      return;
    }
    const pages = await inspectPdf(bytes);
    expect(pages).toHaveLength(e.pages);
    for (const p of pages) {
      expect(p.rotate).toBe(e.pdfRotate);
      // A4 in points, landscape-stored when /Rotate 90.
      const [w, h] = e.pdfRotate === 90 ? [p.height, p.width] : [p.width, p.height];
      expect(w).toBeCloseTo(595.28, 1);
      expect(h).toBeCloseTo(841.89, 1);
      if (e.storage === 'vector-text') {
        expect(p.images).toHaveLength(0);
        expect(p.fonts.length).toBeGreaterThan(0);
        continue;
      }
      expect(p.images).toHaveLength(1);
      const img = p.images[0]!;
      expect(img.filter).toBe(e.storage === 'image-flate' ? 'FlateDecode' : 'DCTDecode');
      // Image resolution over the A4 page matches the stated dpi (±1 px rounding).
      const long = Math.max(img.width, img.height);
      expect(Math.abs(long - Math.round((297 / 25.4) * e.dpi!))).toBeLessThanOrEqual(1);
      if (img.filter === 'DCTDecode') {
        const meta = await sharp(img.bytes).metadata();
        expect(meta.channels).toBe(e.colour ? 3 : 1);
        expect([meta.width, meta.height]).toEqual([img.width, img.height]);
      }
    }
  });
});

describe('bad inputs', () => {
  const bad = (p: string): Buffer => readFileSync(path.join(root, 'bad', p));
  it('are broken in the way the manifest says', async () => {
    expect(bad('empty.pdf').length).toBe(0);
    expect(bad('not-a-pdf.pdf').subarray(0, 5).toString()).not.toBe('%PDF-');
    const trunc = bad('truncated.pdf');
    expect(trunc.subarray(0, 5).toString()).toBe('%PDF-');
    expect(trunc.includes('%%EOF')).toBe(false);
    await expect(PDFDocument.load(bad('encrypted.pdf'))).rejects.toThrow(/encrypted/i);
    expect(bad('encrypted.pdf').toString('latin1')).toMatch(/\/Encrypt 6 0 R/);
    const zero = await PDFDocument.load(bad('zero-pages.pdf'));
    expect(zero.getPageCount()).toBe(0);
  });
});
