// Extraction from real OCR pages (tesseract.js on a fixture scan) and from restored pages.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPages } from '../src/pdf/index.js';
import { prepare } from '../src/image/index.js';
import { createEngine } from '../src/ocr/index.js';
import { extract } from '../src/structure/index.js';
import { isVanbanError } from '../src/errors.js';
import type { OcrPage, RestoredPage } from '../src/types.js';

const scan = fileURLToPath(new URL('../fixtures/special/png-qd-ubnd-quang-binh.png', import.meta.url));
const truthPath = fileURLToPath(new URL('../fixtures/clean/qd-ubnd-quang-binh.truth.json', import.meta.url));

describe.skipIf(!existsSync(scan) || !existsSync(truthPath))('real OCR of a decision (PNG fixture)', () => {
  let pages: OcrPage[] = [];
  const truth = existsSync(truthPath) ? (JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, unknown>) : {};
  beforeAll(async () => {
    const engine = await createEngine();
    try {
      for await (const page of readPages(scan)) pages.push(await engine.recognize(await prepare(page)));
    } finally {
      await engine.terminate();
    }
  });

  it('reads the catalogue fields from the OCR columns', () => {
    const doc = extract(pages);
    for (const key of ['nationalMotto', 'slogan', 'number', 'symbol', 'place', 'date', 'dateText', 'type', 'typeAbbreviation', 'title', 'recipients'] as const) {
      expect({ [key]: doc[key] }).toEqual({ [key]: truth[key] });
    }
    // The agency header word list repairs OCR's wrong accents ("TÍNH" → "TỈNH").
    expect(doc.agency).toBe(truth.agency);
    expect(doc.signer).toEqual(truth.signer);
    expect(doc.sections.map((s) => s.number)).toEqual(['Điều 1', 'Điều 2', 'Điều 3']);
    expect(doc.bases).toHaveLength(3);
  });

  it('says where each field is: page, line and a box inside the right header column', () => {
    const doc = extract(pages);
    const page = pages[0]!;
    const date = doc.fields.date!;
    expect(date.page).toBe(1);
    expect(date.bbox).toBeDefined();
    const [x0, y0, x1, y1] = date.bbox!;
    // Place and date sit top right.
    expect(x0).toBeGreaterThan(page.width * 0.4);
    expect(y1).toBeLessThan(page.height * 0.25);
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeGreaterThan(y0);
    // Sections point at their heading line: "Điều 1." starts at the left margin, below the header.
    const article = doc.sections[0]!.bbox!;
    expect(article[0]).toBeLessThan(page.width * 0.25);
    expect(article[1]).toBeGreaterThan(y1);
    const agency = doc.fields.agency!.bbox!;
    expect(agency[2]).toBeLessThan(page.width * 0.5);
    for (const f of Object.values(doc.fields)) {
      expect(f!.confidence).toBeGreaterThan(0);
      expect(f!.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('uses the restored text of RestoredPage input, with the OCR line boxes', () => {
    // A restorer that only upper-cases the title line: the extractor must read the restored text, not the OCR text.
    const restored: RestoredPage[] = pages.map((ocr) => ({
      ocr,
      text: ocr.text.replace(/^Về việc thành lập/m, 'VỀ VIỆC THÀNH LẬP'),
      words: [],
    }));
    const doc = extract(restored);
    expect(doc.title).toMatch(/^VỀ VIỆC THÀNH LẬP Ban Chỉ đạo/);
    expect(doc.fields.title!.bbox).toEqual(extract(pages).fields.title!.bbox);
  });
});

describe('bad input', () => {
  it('throws one USAGE VanbanError naming the file for something that is not text or pages', () => {
    try {
      extract([{ nope: true }] as unknown as OcrPage[], { file: 'x.json' });
      expect.unreachable();
    } catch (error) {
      expect(isVanbanError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('USAGE');
      expect((error as Error).message).toMatch(/^x\.json: /);
    }
  });
  it('returns an empty structure for empty text or no pages', () => {
    for (const input of ['', '\n\n  \n', [] as OcrPage[]]) {
      const doc = extract(input);
      expect(doc.agency).toBeNull();
      expect(doc.sections).toEqual([]);
      expect(doc.signer).toBeNull();
    }
  });
});
