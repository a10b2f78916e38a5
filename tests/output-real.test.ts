/**
 * Every writer on a real conversion (real tesseract.js OCR of a fixture page):
 * the JSON validates against the shipped JSON Schema, the searchable PDF's
 * text layer gives back every word of the JSON text to pdftotext (-raw and
 * plain), per-page ALTO validates against ALTO 4.4, METS names every page's
 * image and ALTO, hOCR is well-formed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { create } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS, writeDocumentOutputs } from '../src/output/index.js';
import { pageImageReader } from '../src/pdf/index.js';
import { Pipeline } from '../src/pipeline.js';
import type { JsonOutput, VanBanDocument } from '../src/types.js';
import { SCHEMA_FILE, buildSchema } from '../scripts/build-schema.js';
import { wordRecall } from '../scripts/lib/word-recall.js';
import { hasPdftotext } from './helpers/tools.js';

const INPUT = 'fixtures/clean/cv-sgddt-nghe-an.pdf';
const schemaDir = path.resolve('..', 'shared', 'schemas');

let dir: string;
let stem: string;
let doc: VanBanDocument;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vanban-real-out-'));
  stem = path.join(dir, 'cv');
  const pipeline = await Pipeline.create({ jobs: 1 });
  try {
    doc = await pipeline.convertFile(INPUT);
  } finally {
    await pipeline.close();
  }
  await writeDocumentOutputs(doc, OUTPUT_FORMATS, stem, { inputPath: INPUT, pageImage: pageImageReader(INPUT) });
}, 600_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Share of the reference words found, as separate words, in the extracted text. */
function recallShare(reference: string, extracted: string): number {
  const { found, total } = wordRecall(reference, extracted);
  return total === 0 ? 1 : found / total;
}

describe('outputs of a real conversion', () => {
  it('JSON: schemaVersion, words with their line, lines with raw and restored text, valid against the shipped schema', async () => {
    const json = JSON.parse(await readFile(`${stem}.json`, 'utf8')) as JsonOutput;
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(json.schemaVersion).toBe(1);
    const page = json.pages[0]!;
    expect(page.words.length).toBeGreaterThan(100);
    for (const word of page.words) expect(page.lines[word.line]).toBeDefined();
    expect(page.lines.map((l) => l.restored).filter(Boolean).join('\n')).toBe(page.text.split('\n').filter((l) => l.trim()).join('\n'));
    // A document that breaks the schema is caught.
    expect(validate({ ...json, pages: [{ ...page, words: [{ text: 'x' }] }] })).toBe(false);
  });

  it.skipIf(!hasPdftotext)('searchable PDF: pdftotext -raw and plain pdftotext give back ≥ 99.5 % of the JSON words', () => {
    for (const raw of [true, false]) {
      const text = execFileSync('pdftotext', [...(raw ? ['-raw'] : []), '-enc', 'UTF-8', `${stem}.pdf`, '-'], { encoding: 'utf8' });
      expect(recallShare(doc.text, text), raw ? '-raw' : 'plain').toBeGreaterThanOrEqual(0.995);
    }
  });

  it('METS names every page image and per-page ALTO file, and they exist', async () => {
    const mets = await readFile(path.join(stem, 'mets.xml'), 'utf8');
    create(mets); // well-formed, or throws
    for (const page of doc.pages) {
      const n = String(page.number).padStart(4, '0');
      const alto = `page-${n}.alto.xml`;
      expect(mets).toContain(`xlink:href="${alto}"`);
      expect(existsSync(path.join(stem, alto))).toBe(true);
      const image = /xlink:href="(page-\d{4}\.(?:jpg|png))"/.exec(mets)?.[1];
      expect(image).toBeDefined();
      expect(existsSync(path.join(stem, image!))).toBe(true);
      expect(await readFile(path.join(stem, alto), 'utf8')).toContain(`<fileName>${image}</fileName>`);
    }
  });

  it.skipIf(!existsSync(path.join(schemaDir, 'alto-4-4.xsd')))('per-page ALTO and the single-file ALTO validate against ALTO 4.4', async () => {
    const { validateXML } = await import('xmllint-wasm');
    const schema = [{ fileName: 'alto-4-4.xsd', contents: await readFile(path.join(schemaDir, 'alto-4-4.xsd'), 'utf8') }];
    const preload = [{ fileName: 'xlink.xsd', contents: await readFile(path.join(schemaDir, 'xlink.xsd'), 'utf8') }];
    for (const file of [path.join(stem, 'page-0001.alto.xml'), `${stem}.alto.xml`]) {
      const xml = await readFile(file, 'utf8');
      const result = await validateXML({ xml: [{ fileName: path.basename(file), contents: xml }], schema, preload });
      expect(result.errors, file).toEqual([]);
      expect(xml.match(/<String /g)?.length ?? 0).toBeGreaterThan(100);
    }
  });

  it('hOCR is well-formed and holds every restored word', async () => {
    const hocr = await readFile(`${stem}.hocr`, 'utf8');
    create(hocr);
    expect(hocr.match(/class="ocrx_word"/g)?.length).toBe(doc.pages[0]!.restored.words.filter((w) => w.text).length);
  });

  it('PAGE XML: one well-formed file per page beside its image, listed in page-xml.lst, with every restored word', async () => {
    const listed = (await readFile(path.join(stem, 'page-xml.lst'), 'utf8')).trim().split('\n');
    expect(listed).toEqual(doc.pages.map((p) => `page-${String(p.number).padStart(4, '0')}.page.xml`));
    const xml = await readFile(path.join(stem, listed[0]!), 'utf8');
    create(xml);
    const image = /imageFilename="([^"]+)"/.exec(xml)?.[1];
    expect(image && existsSync(path.join(stem, image))).toBe(true);
    expect(xml.match(/<Word /g)?.length).toBe(doc.pages[0]!.restored.words.filter((w) => w.text).length);
  });
});

describe('JSON Schema', () => {
  it('the shipped schema is the one generated from JsonOutput (run npm run schema after changing the type)', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(buildSchema());
  }, 180_000);
});

const OLD_LAYER = path.resolve('..', 'shared', 'realscans', 'cv-sgddt-danang-2635-2019.pdf');

describe.skipIf(!existsSync(OLD_LAYER) || !hasPdftotext)('a real scan with a scanner\'s unaccented OCR layer', () => {
  it('gets, by default, a searchable PDF whose layer is vanban\'s corrected text, not the old one', async () => {
    const pipeline = await Pipeline.create({ jobs: 1 });
    let scanned: VanBanDocument;
    try {
      scanned = await pipeline.convertFile(OLD_LAYER, undefined, { pages: [1] });
    } finally {
      await pipeline.close();
    }
    const out = path.join(dir, 'old-layer');
    await writeDocumentOutputs(scanned, ['json', 'pdf'], out, { inputPath: OLD_LAYER, pageImage: pageImageReader(OLD_LAYER) });
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', '1', '-l', '1', `${out}.pdf`, '-'], { encoding: 'utf8' });
    expect(text).toContain('giao thông');
    expect(text).not.toContain('CONG Hcok');
    const json = JSON.parse(await readFile(`${out}.json`, 'utf8')) as JsonOutput;
    expect(json.searchablePdf?.textLayerReplaced).toEqual([1]);
  }, 600_000);
});
