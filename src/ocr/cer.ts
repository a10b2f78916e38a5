import { distance } from 'fastest-levenshtein';

/** Unicode NFC with all whitespace runs collapsed to one space: layout whitespace is not an OCR error. */
export function normalizeForCer(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Character error rate: edit distance / reference length, on normalized text (reading order counts). */
export function cer(hypothesis: string, reference: string): number {
  const ref = normalizeForCer(reference);
  const hyp = normalizeForCer(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  return distance(hyp, ref) / ref.length;
}
