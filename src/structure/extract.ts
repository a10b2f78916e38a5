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
import { buildAppendices, buildSections, isBullet, toParagraphs } from './sections.js';
import { squash, upperShare } from './fold.js';
import type { ExcludedRegion, ExtractOptions, Field, FieldName, SourceLine, VanBanStructure } from './types.js';
import type { BBox } from '../types.js';

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

/** Marks the OCR stage found on its pages; seals and signatures sit over print (the signer) and are not used. */
function pageMarks(input: string | readonly OcrPage[] | readonly RestoredPage[]): ExcludedRegion[] {
  if (typeof input === 'string' || !Array.isArray(input)) return [];
  const out: ExcludedRegion[] = [];
  for (const item of input as ReadonlyArray<OcrPage | RestoredPage>) {
    const page = isRestoredPage(item) ? item.ocr : item;
    const marks = (page as { marks?: ReadonlyArray<{ kind?: string; bbox?: readonly number[] }> }).marks;
    if (!Array.isArray(marks)) continue;
    for (const m of marks) {
      if ((m.kind === 'handwriting' || m.kind === 'stamp') && m.bbox && m.bbox.length === 4) {
        out.push({ page: page.pageNumber, bbox: [m.bbox[0]!, m.bbox[1]!, m.bbox[2]!, m.bbox[3]!] });
      }
    }
  }
  return out;
}

/** Share of box a that lies inside box b. */
function inside(a: BBox, b: BBox): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = Math.max(1, (a[2] - a[0]) * (a[3] - a[1]));
  return (w * h) / area;
}

/**
 * Lines flagged as non-print become blank lines: they keep paragraph breaks but give no field.
 * A mark over some words of a printed line (a number written by hand into "Số: …/UBND") removes
 * those words, when the line's words pair one to one with its boxes.
 */
function excludeMarks(lines: SourceLine[], regions: readonly ExcludedRegion[]): SourceLine[] {
  if (!regions.length) return lines;
  return lines.map((l) => {
    const mine = regions.filter((r) => r.page === l.page);
    if (!mine.length) return l;
    const hit = mine.some((r) => (r.line !== undefined && r.line === l.line && l.line >= 0) || (r.bbox !== undefined && l.bbox !== undefined && inside(l.bbox, r.bbox) > 0.6));
    if (hit) return { ...l, text: '' };
    if (!l.words?.length) return l;
    const boxes = mine.flatMap((r) => (r.bbox ? [r.bbox] : []));
    const tokens = l.text.trim().split(/\s+/);
    if (tokens.length !== l.words.length) return l;
    // A mark's box is coarse (a margin note's box can reach over the first word of a printed line):
    // a word of letters that OCR read with high confidence is print. Figures are not kept that way:
    // numbers and days are what is written by hand into the printed blanks.
    const covered = l.words.map((w, k) => boxes.some((b) => inside(w.bbox, b) > 0.6) && !((w.conf ?? 0) >= 90 && !/\d/.test(tokens[k]!)));
    if (!covered.some(Boolean)) return l;
    return { ...l, text: tokens.filter((_t, k) => !covered[k]).join(' ') };
  });
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
  const lines = excludeMarks(toSourceLines(input, options.file), [...(options.exclude ?? []), ...pageMarks(input)]);
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
    authority: put('authority', header.authority),
    addressees: put('addressees', body.addressees) ?? [],
    bases: put('bases', body.bases) ?? [],
    preamble: body.preamble,
    sections: [...body.sections, ...buildAppendices(lines.slice(closing.end))],
    recipients: put('recipients', closing.recipients) ?? [],
    signer: put('signer', closing.signer),
    fields,
  };
  return doc;
}
