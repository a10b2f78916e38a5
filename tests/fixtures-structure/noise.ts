/** OCR-like degradation of clean document text, deterministic (seeded), for the structure tests. */

// Deterministic PRNG (the fixtures' mulberry32) so the noise is the same on every run.
import { mulberry32 as prng } from '../../scripts/fixtures/random.js';

/**
 * What a Tesseract model without Vietnamese makes of a page: accents dropped,
 * "Đ" read as "P", a few letter confusions inside long words, and the two header
 * (and closing) columns read across as one line with a single space.
 */
export function noisify(text: string, seed: number): string {
  const rnd = prng(seed);
  let lines = text.split('\n').map((l) => l.replace(/\s{2,}/g, ' ').trimEnd());
  lines = mergeColumns(lines);
  const confusions: Record<string, string> = { m: 'rn', u: 'w', o: 'd', e: 'é', i: 'l', h: 'b' };
  return lines
    .map((line) =>
      line
        .replace(/Đ/g, (c) => (rnd() < 0.5 ? 'P' : 'D'))
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/đ/g, 'd')
        .replace(/\p{Ll}{5,}/gu, (word) => word.replace(/[muoeih]/g, (c) => (rnd() < 0.06 ? confusions[c]! : c))),
    )
    .join('\n');
}

/** Column-order text (left lines, then right lines) → both columns on one line, as OCR reads across. */
export function mergeColumns(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && !out[out.length - 1]!.trim()) out.pop();
  const motto = out.findIndex((l) => l.startsWith('CỘNG HÒA XÃ HỘI'));
  if (motto > 0 && !/\S\s+CỘNG HÒA/.test(out[motto]!)) {
    const left = out.slice(0, motto);
    const right = out.slice(motto, motto + 3);
    const merged = Array.from({ length: Math.max(left.length, right.length) }, (_v, i) => [left[i], right[i]].filter(Boolean).join(' '));
    out.splice(0, motto + 3, ...merged);
  }
  const list = out.findIndex((l) => l.startsWith('Nơi nhận'));
  if (list >= 0) {
    const signer = out.findIndex((l, i) => i > list && /^(TM|KT|TL|TUQ|Q)\. |^[A-ZĐÂƯƠÔÊỦỞ ]{6,}$/.test(l));
    if (signer > list) {
      const left = out.slice(list, signer);
      const right = out.slice(signer, out.length - 1).filter((l) => l.trim());
      const merged = left.map((l, i) => (right[i] ? `${l} ${right[i]}` : l));
      out.splice(list, out.length - 1 - list, ...merged, ...right.slice(left.length));
    }
  }
  return out;
}

