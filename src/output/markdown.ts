/** Markdown rendering of an extracted document (YAML front matter + headings by section level). */
import type { Section, VanBanStructure } from '../types.js';

/** A YAML double-quoted scalar: safe for ":", "#", quotes, leading "-" and any Unicode. */
function q(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function scalar(value: string | null): string {
  return value === null ? 'null' : q(value);
}

function list(key: string, values: readonly string[]): string[] {
  if (!values.length) return [`${key}: []`];
  return [`${key}:`, ...values.map((v) => `  - ${q(v)}`)];
}

function frontMatter(doc: VanBanStructure): string {
  const out = ['---'];
  const simple: Array<[string, string | null]> = [
    ['nationalMotto', doc.nationalMotto],
    ['slogan', doc.slogan],
    ['parentAgency', doc.parentAgency],
    ['agency', doc.agency],
    ['number', doc.number],
    ['symbol', doc.symbol],
    ['place', doc.place],
    ['date', doc.date],
    ['dateText', doc.dateText],
    ['type', doc.type],
    ['typeAbbreviation', doc.typeAbbreviation],
    ['title', doc.title],
  ];
  for (const [k, v] of simple) out.push(`${k}: ${scalar(v)}`);
  out.push(...list('addressees', doc.addressees), ...list('bases', doc.bases), ...list('recipients', doc.recipients));
  if (doc.signer) {
    out.push('signer:');
    out.push(`  authority: ${scalar(doc.signer.authority)}`);
    out.push(...list('authorityLines', doc.signer.authorityLines).map((l) => `  ${l}`));
    out.push(`  title: ${scalar(doc.signer.title)}`);
    out.push(`  name: ${scalar(doc.signer.name)}`);
  } else out.push('signer: null');
  out.push('---');
  return out.join('\n');
}

/** Markdown has no meaning for these at a line start in body text; escape them so text stays text. */
function escapeLine(line: string): string {
  return line.replace(/^(\s*)([#>]|\d+[.)]\s|[-+*]\s*$)/, '$1\\$2').replace(/([*_`])/g, '\\$1');
}

/** Body lines as Markdown blocks: "-" bullets as a tight list, "+" bullets nested under them. */
function blocks(text: string): string[] {
  const out: string[] = [];
  let list: string[] = [];
  const flush = (): void => {
    if (list.length) out.push(list.join('\n'));
    list = [];
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^\s*([-–+•])\s+(.*)$/.exec(line);
    if (m) list.push(`${m[1] === '+' ? '  ' : ''}- ${escapeLine(m[2]!)}`);
    else {
      flush();
      out.push(escapeLine(line));
    }
  }
  flush();
  return out;
}

/** A title that reads as a heading; a run-in item ("1. Tăng cường …, …") is rendered as a paragraph instead. */
function headingLike(title: string | null): boolean {
  if (!title) return true;
  const letters = title.replace(/[^\p{L}]/gu, '');
  if (letters && letters === letters.toUpperCase()) return true;
  return title.length <= 100 && !/[.;,]$/.test(title);
}

function shownNumber(s: Section): string {
  // Put back the punctuation the number was printed with.
  if (s.style === 'alpha' || s.style === 'khoan') return `${s.number})`;
  if (s.style === 'chuong' || s.style === 'phan' || s.style === 'muc') return s.number;
  return `${s.number}.`;
}

function renderSection(s: Section, out: string[]): void {
  const shown = shownNumber(s);
  if (s.title === null && s.text) {
    // A number followed by a sentence: the run-in paragraph, as printed.
    const [first = '', ...rest] = blocks(s.text);
    out.push(`**${shown}** ${first}`, '');
    for (const b of rest) out.push(b, '');
    for (const c of s.children) renderSection(c, out);
    return;
  }
  if (headingLike(s.title)) {
    const depth = Math.min(6, s.level + 1);
    const heading = s.title ? `${shown} ${s.title}` : shown;
    out.push(`${'#'.repeat(depth)} ${heading.replace(/([*_`])/g, '\\$1')}`, '');
  } else {
    out.push(`**${shown}** ${escapeLine(s.title ?? '')}`, '');
  }
  if (s.text) for (const b of blocks(s.text)) out.push(b, '');
  for (const c of s.children) renderSection(c, out);
}

/**
 * The document as Markdown: catalogue fields in YAML front matter, the type and
 * title as the H1, sections as headings one level per nesting (H2 for level 1).
 * `text` is used instead of the section tree when the extraction found no sections.
 */
export function toMarkdown(doc: VanBanStructure, text?: string): string {
  const out: string[] = [frontMatter(doc), ''];
  const h1 = [doc.type, doc.title].filter((x): x is string => !!x).join(': ');
  if (h1) out.push(`# ${h1.replace(/([*_`])/g, '\\$1')}`, '');
  if (doc.addressees.length) out.push(`Kính gửi: ${doc.addressees.map(escapeLine).join('; ')}`, '');
  for (const b of doc.bases) out.push(escapeLine(b), '');
  for (const p of doc.preamble) out.push(escapeLine(p), '');
  if (doc.sections.length) for (const s of doc.sections) renderSection(s, out);
  else if (text) for (const p of text.split(/\n\s*\n/)) if (p.trim()) out.push(escapeLine(p.trim().replace(/\s*\n\s*/g, ' ')), '');
  if (doc.recipients.length) {
    out.push('**Nơi nhận:**', '');
    for (const r of doc.recipients) out.push(`- ${escapeLine(r)}`);
    out.push('');
  }
  if (doc.signer) {
    for (const l of [...doc.signer.authorityLines, ...(doc.signer.title ? [doc.signer.title] : [])]) out.push(`**${l}**  `);
    if (doc.signer.name) out.push(`**${doc.signer.name}**`);
    out.push('');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
