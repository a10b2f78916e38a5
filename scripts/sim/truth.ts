/** Expected catalogue fields and section tree of a SimDocument, in the shape of fixtures/clean/*.truth.json. */
import type { Block, SimDocument } from './content.js';
import { gtText } from './layout.js';

// The simulator writes the fixtures' truth format, so the two share one type.
export type { Truth as SimTruth, TruthSection } from '../fixtures/truth.js';
import type { Truth as SimTruth, TruthSection } from '../fixtures/truth.js';

const pad = (n: number): string => String(n).padStart(2, '0');

function sectionsOf(body: Block[]): TruthSection[] {
  const roots: TruthSection[] = [];
  const stack: TruthSection[] = [];
  for (const b of body) {
    if (b.kind === 'section') {
      const node: TruthSection = { number: b.marker.replace(/[.)]$/, ''), title: gtText(b.title), text: '', level: b.level, children: [] };
      while (stack.length && stack[stack.length - 1]!.level >= b.level) stack.pop();
      const parent = stack[stack.length - 1];
      (parent ? parent.children : roots).push(node);
      stack.push(node);
    } else if ((b.kind === 'para' && !b.basis) || b.kind === 'bullet') {
      const cur = stack[stack.length - 1];
      if (!cur) continue;
      const t = gtText(b.kind === 'bullet' ? `${b.mark} ${b.text}` : b.text);
      cur.text = cur.text ? `${cur.text}\n${t}` : t;
    }
  }
  // Levels as nesting depth (a Quy chế's Điều under Chương is level 2 even when written deeper).
  const relevel = (xs: TruthSection[], level: number): void => {
    for (const x of xs) {
      x.level = level;
      relevel(x.children, level + 1);
    }
  };
  relevel(roots, 1);
  return roots;
}

export function truthOf(doc: SimDocument): SimTruth {
  const dayText = doc.day === null ? '' : pad(doc.day);
  const monthText = doc.month < 3 ? pad(doc.month) : String(doc.month);
  const authorityLines = [doc.signer.authority, doc.signer.delegation].filter((s): s is string => !!s);
  const title = doc.kind === 'CV' ? doc.excerptLines.join(' ').replace(/^V\/v\s+/, '') : doc.titleLines.join(' ');
  return {
    nationalMotto: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    slogan: 'Độc lập - Tự do - Hạnh phúc',
    agency: doc.agencyLines.join(' '),
    parentAgency: doc.parentLines.length ? doc.parentLines.join(' ') : null,
    number: doc.number,
    symbol: doc.symbol,
    place: doc.place,
    date: doc.day === null ? null : `${doc.year}-${pad(doc.month)}-${pad(doc.day)}`,
    dateText: gtText(`ngày ${dayText} tháng ${monthText} năm ${doc.year}`),
    type: doc.type,
    typeAbbreviation: doc.typeAbbreviation,
    title: gtText(title),
    authority: doc.authorityLines.length ? doc.authorityLines.join(' ') : null,
    addressees: doc.addressees.map((a) => gtText(a)),
    bases: doc.body.filter((b): b is Extract<Block, { kind: 'para' }> => b.kind === 'para' && !!b.basis).map((b) => gtText(b.text)),
    sections: sectionsOf(doc.body),
    recipients: doc.recipients.map((r) => r.replace(/[;.]$/, '')),
    signer: { authority: authorityLines.length ? authorityLines.join('\n') : null, authorityLines, title: doc.signer.title, name: doc.signer.name },
  };
}
