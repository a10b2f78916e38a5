/**
 * Word recall of a text layer: how many of the reference's words come back, as separate
 * words, in the extracted text (a multiset: a word found twice counts twice at most).
 */
export function wordRecall(reference: string, extracted: string): { found: number; total: number; missed: string[] } {
  const have = new Map<string, number>();
  for (const w of extracted.split(/\s+/).filter(Boolean)) have.set(w, (have.get(w) ?? 0) + 1);
  const words = reference.split(/\s+/).filter(Boolean);
  let found = 0;
  const missed: string[] = [];
  for (const w of words) {
    const n = have.get(w) ?? 0;
    if (n > 0) {
      found += 1;
      have.set(w, n - 1);
    } else missed.push(w);
  }
  return { found, total: words.length, missed };
}
