/**
 * The hand transcriptions of the real scans (fixtures/realscans) are evaluation
 * truth: check their format, that the catalogue truth agrees with the
 * transcribed text, and, where ../shared/realscans is present, that every scan
 * has a transcription with one page per PDF page. No OCR.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSource } from '../src/pdf/index.js';
import type { Truth, TruthSection } from '../scripts/fixtures/truth.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gtDir = path.join(repo, 'fixtures/realscans');
const scansDir = path.resolve(repo, '../shared/realscans');
const haveScans = existsSync(scansDir);

const stems = readdirSync(gtDir)
  .filter((n) => n.endsWith('.gt.txt'))
  .map((n) => n.slice(0, -'.gt.txt'.length))
  .sort();

const KEYS = [
  'nationalMotto', 'slogan', 'agency', 'parentAgency', 'number', 'symbol', 'place', 'date', 'dateText',
  'type', 'typeAbbreviation', 'title', 'addressees', 'bases', 'sections', 'recipients', 'signer', 'authority',
];

type Section = TruthSection;

/** The fixtures' truth format; a letter has no authority line, and may carry an appendix. */
type RealTruth = Omit<Truth, 'authority'> & { authority: null; appendix?: { heading: string[]; sections: Section[] } };

function readGt(stem: string): string {
  return readFileSync(path.join(gtDir, `${stem}.gt.txt`), 'utf8');
}

function readTruth(stem: string): RealTruth {
  return JSON.parse(readFileSync(path.join(gtDir, `${stem}.truth.json`), 'utf8')) as RealTruth;
}

/**
 * The text as running prose, as the truth's paragraphs are written: printed page
 * numbers dropped, lines joined by a space, or directly after a code broken at
 * its hyphen ("29-" + "NQ/TW").
 */
function prose(gt: string): string {
  return gt
    .split(/[\n\f]/)
    .filter((l) => l !== '' && !/^\d{1,3}$/.test(l))
    .join('\n')
    .replace(/(\w-)\n/g, '$1')
    .replace(/\n/g, ' ');
}

function flatten(sections: Section[]): Section[] {
  return sections.flatMap((s) => [s, ...flatten(s.children)]);
}

it('has the three transcribed letters', () => {
  expect(stems).toEqual(['cv-ca-danang-115-2018', 'cv-sgddt-danang-2635-2019', 'cv-ubnd-danang-274-2023']);
});

describe.each(stems)('%s.gt.txt', (stem) => {
  const gt = readGt(stem);
  const pages = gt.split('\f');

  it('is NFC, one printed line per line, whitespace collapsed', () => {
    expect(gt).toBe(gt.normalize('NFC'));
    expect(gt).not.toMatch(/[\t\r\v]/);
    expect(gt).not.toMatch(/ {2}/);
    for (const line of gt.split(/[\n\f]/)) expect(line, JSON.stringify(line)).toBe(line.trim());
  });

  it('ends every page with one newline and has no blank line or empty page', () => {
    for (const [i, page] of pages.entries()) {
      expect(page.endsWith('\n'), `page ${i + 1}`).toBe(true);
      expect(page.slice(0, -1), `page ${i + 1}`).not.toMatch(/^$|\n\n/m);
    }
  });

  it('has no letters outside Vietnamese (no leaked OCR garbage) and no combining marks', () => {
    expect(gt).not.toMatch(/[\u0300-\u036f]/);
    // Vietnamese letters: a-z and đ, marks (breve, circumflex, horn, five tones) only on vowels.
    const vietnamese = (c: string): boolean => {
      const [base = '', ...marks] = c.normalize('NFD');
      if (marks.length === 0) return /^[a-zđ]$/i.test(base);
      return /^[aeiouy]$/i.test(base) && marks.every((m) => /[\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323]/.test(m));
    };
    const foreign = [...new Set(gt.match(/\p{L}/gu) ?? [])].filter((c) => !vietnamese(c));
    expect(foreign).toEqual([]);
  });
});

describe.each(stems)('%s.truth.json', (stem) => {
  const gt = readGt(stem);
  const lines = new Set(gt.split(/[\n\f]/));
  const text = prose(gt);
  const truth = readTruth(stem);

  it('has the catalogue keys of fixtures/*/truth.json plus authority: null', () => {
    for (const k of KEYS) expect(truth, k).toHaveProperty(k);
    expect(truth.authority).toBeNull();
    expect(truth.type).toBe('CÔNG VĂN');
    expect(truth.typeAbbreviation).toBeNull();
    if (truth.date !== null) expect(truth.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(truth.signer).sort()).toEqual(['authority', 'authorityLines', 'name', 'title']);
  });

  it('agrees with the transcribed text', () => {
    expect(lines).toContain(truth.nationalMotto);
    expect(lines).toContain(truth.slogan);
    expect(lines).toContain(`${truth.place}, ${truth.dateText}`);
    expect(lines).toContain(`Số: ${truth.number ?? ''}/${truth.symbol}`);
    expect(text).toContain(`${truth.parentAgency ? `${truth.parentAgency} ` : ''}${truth.agency} Số:`);
    expect(text.toLowerCase()).toContain(`v/v ${truth.title.toLowerCase()}`);
    for (const a of truth.addressees) expect(text).toMatch(new RegExp(`- ${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[;.]?`));
    for (const r of truth.recipients) expect(text).toContain(`- ${r}`);
    for (const l of truth.signer.authorityLines) expect(lines).toContain(l);
    expect(lines).toContain(truth.signer.title);
    expect(lines).toContain(truth.signer.name);
  });

  it('has sections that are the transcribed paragraphs, in reading order', () => {
    const all = [...flatten(truth.sections), ...flatten(truth.appendix?.sections ?? [])];
    let from = 0;
    for (const s of all) {
      const marker = s.level === 1 ? `${s.number}. ` : `${s.number}) `;
      const at = text.indexOf(`${marker}${s.title ?? ''}`, from);
      expect(at, `${marker}${(s.title ?? '').slice(0, 40)}`).toBeGreaterThanOrEqual(0);
      from = at;
      if (s.text) expect(text.indexOf(s.text, from), s.text.slice(0, 40)).toBeGreaterThan(from);
    }
    for (const h of truth.appendix?.heading ?? []) expect(text).toContain(h);
  });
});

describe.skipIf(!haveScans)('real scans in ../shared/realscans', () => {
  const pdfs = haveScans ? readdirSync(scansDir).filter((n) => n.endsWith('.pdf')).sort() : [];

  it('every scan has a transcription and a truth, and every transcription a scan', () => {
    expect(pdfs.map((n) => n.slice(0, -4))).toEqual(stems);
    for (const stem of stems) expect(existsSync(path.join(gtDir, `${stem}.truth.json`)), stem).toBe(true);
  });

  it.each(pdfs)('%s: one gt page per PDF page', async (name) => {
    const source = await openSource(path.join(scansDir, name));
    expect(readGt(name.slice(0, -4)).split('\f')).toHaveLength(source.pageCount);
  });
});

if (!haveScans) {
  it.skip('real scans: ../shared/realscans is absent, so page counts against the PDFs are not checked', () => {});
}
