/**
 * extract(): catalogue fields and section tree of one document, from plain text,
 * OCR pages or restored pages.
 */
import { VanbanError } from '../errors.js';
import type { OcrPage, RestoredPage } from '../types.js';
import { parseHeader } from './header.js';
import { findClosing, parseClosing } from './closing.js';
import { linesFromOcr, linesFromRestored, linesFromText } from './lines.js';
import { isBasisStart, isDecoration, isEnactingFormula, matchAddresseeLabel } from './phrases.js';
import { buildSections, isBullet, toParagraphs } from './sections.js';
import { squash, upperShare } from './fold.js';
import type { ExtractOptions, Field, FieldName, SourceLine, VanBanStructure } from './types.js';

function isOcrPage(x: unknown): x is OcrPage {
  return typeof x === 'object' && x !== null && Array.isArray((x as OcrPage).blocks) && typeof (x as OcrPage).text === 'string';
}

function isRestoredPage(x: unknown): x is RestoredPage {
  return typeof x === 'object' && x !== null && isOcrPage((x as RestoredPage).ocr) && typeof (x as RestoredPage).text === 'string';
}

/** Normalise the accepted inputs to source lines; anything else is a usage error. */
export function toSourceLines(input: string | readonly OcrPage[] | readonly RestoredPage[], file?: string): SourceLine[] {
  if (typeof input === 'string') return dropPageNumbers(linesFromText(input));
  if (Array.isArray(input)) {
    if (input.length === 0) return [];
    if (input.every(isRestoredPage)) return dropPageNumbers(linesFromRestored(input as readonly RestoredPage[]));
    if (input.every(isOcrPage)) return dropPageNumbers(linesFromOcr(input as readonly OcrPage[]));
  }
  throw new VanbanError(
    'USAGE',
    'extract() takes the document text, an array of OcrPage or an array of RestoredPage; got something else. Pass the OCR or restore stage output as it is.',
    file ? { file } : {},
  );
}

/** The page number printed at the top of pages 2, 3, … ("2", "- 2 -") is not document text. */
function dropPageNumbers(lines: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  let page = 0;
  let seenText = false;
  for (const l of lines) {
    if (l.page !== page) {
      page = l.page;
      seenText = false;
    }
    const t = l.text.trim();
    if (!seenText && t) {
      seenText = true;
      if (page > 1 && /^[-–—\s]*\d{1,3}[-–—\s]*$/.test(t)) continue;
    }
    out.push(l);
  }
  return out;
}

interface BodyResult {
  addressees?: Field<string[]>;
  bases?: Field<string[]>;
  preamble: string[];
  sections: VanBanStructure['sections'];
}

function parseBody(lines: readonly SourceLine[]): BodyResult {
  const addressees: string[] = [];
  let addresseeSrc: SourceLine | undefined;
  const rest: SourceLine[] = [];
  let inAddressees = false;
  for (const src of lines) {
    const t = src.text.trim();
    if (isDecoration(t)) continue;
    if (isEnactingFormula(t)) {
      // "QUYẾT ĐỊNH:" closes the preamble; keep a paragraph break.
      rest.push({ ...src, text: '' });
      continue;
    }
    const label = matchAddresseeLabel(t);
    if (label !== null && !addresseeSrc) {
      addresseeSrc = src;
      const first = t.slice(label).trim();
      if (first) addressees.push(first);
      inAddressees = true;
      continue;
    }
    if (inAddressees) {
      if (t && isBullet(t)) {
        addressees.push(t);
        continue;
      }
      // A wrapped addressee continues in lowercase; anything else starts the body.
      if (t && addressees.length && /^\p{Ll}/u.test(t) && addressees.length < 20 && t.length < 80) {
        addressees[addressees.length - 1] += ` ${t}`;
        continue;
      }
      if (t) inAddressees = false;
      else if (addressees.length) {
        inAddressees = false;
        continue;
      }
    }
    rest.push(src);
  }
  const paragraphs = toParagraphs(rest);
  const { sections, before } = buildSections(paragraphs);
  const bases: string[] = [];
  let basesSrc: SourceLine | undefined;
  const preamble: string[] = [];
  for (const p of before) {
    // "Căn cứ …" is always a basis; "Theo/Xét đề nghị …" only when it does not introduce what follows ("… như sau:").
    if (isBasisStart(p.text) && (/^\W*c/i.test(p.text) || !/:$/.test(p.text))) {
      bases.push(p.text);
      basesSrc ??= p.src;
    } else if (!(upperShare(p.text) > 0.9 && p.text.length < 120 && bases.length === 0 && preamble.length === 0)) {
      // An all-caps line before the bases is the issuing authority of a decision, not preamble.
      preamble.push(p.text);
    }
  }
  const result: BodyResult = { preamble, sections };
  if (addresseeSrc) {
    const list = addressees.map((a) => squash(a.replace(/^\s*[-–+•·∙]\s*/, '')).replace(/[;:,.]+$/, '')).filter(Boolean);
    result.addressees = { value: list, page: addresseeSrc.page, line: addresseeSrc.line, confidence: 0.9, ...(addresseeSrc.bbox ? { bbox: addresseeSrc.bbox } : {}) };
  }
  if (basesSrc) {
    result.bases = { value: bases, page: basesSrc.page, line: basesSrc.line, confidence: 0.9, ...(basesSrc.bbox ? { bbox: basesSrc.bbox } : {}) };
  }
  return result;
}

/**
 * Catalogue fields and section tree of an administrative document.
 * Never throws on odd text (missing parts are null / empty); throws a USAGE
 * VanbanError only when the input is not text or pages.
 */
export function extract(input: string | readonly OcrPage[] | readonly RestoredPage[], options: ExtractOptions = {}): VanBanStructure {
  const lines = toSourceLines(input, options.file);
  const header = parseHeader(lines);
  const closingStart = findClosing(lines, header.end);
  const closing = parseClosing(lines, closingStart);
  const body = parseBody(lines.slice(header.end, closingStart));

  const fields: Partial<Record<FieldName, Field<unknown>>> = {};
  const put = <T>(name: FieldName, f: Field<T> | undefined): T | null => {
    if (!f) return null;
    fields[name] = f;
    return f.value;
  };
  const type = header.type;
  const doc: VanBanStructure = {
    nationalMotto: put('nationalMotto', header.nationalMotto),
    slogan: put('slogan', header.slogan),
    agency: put('agency', header.agency),
    parentAgency: put('parentAgency', header.parentAgency),
    number: put('number', header.number) ?? null,
    symbol: put('symbol', header.symbol),
    place: put('place', header.place),
    date: put('date', header.date) ?? null,
    dateText: put('dateText', header.dateText),
    type: type ? put('type', { ...type, value: type.value.name }) : null,
    typeAbbreviation: type ? put('typeAbbreviation', { ...type, value: type.value.abbreviation }) : null,
    title: put('title', header.title),
    addressees: put('addressees', body.addressees) ?? [],
    bases: put('bases', body.bases) ?? [],
    preamble: body.preamble,
    sections: body.sections,
    recipients: put('recipients', closing.recipients) ?? [],
    signer: put('signer', closing.signer),
    fields,
  };
  return doc;
}
