/**
 * OCR accuracy against a reference transcription: CER/WER with and without diacritics,
 * the diacritic error rate, and an order-free word recall.
 */
import { align, countEdits, editDistance, intern, type EditOp } from './align.js';
import { graphemes, normalizeForScoring, stripDiacritics, words, type NormalizeOptions } from './text.js';

export interface ScoreOptions extends NormalizeOptions {
  /** Also return the grapheme alignment (for printing errors). */
  alignment?: boolean;
}

export interface ScoreReport {
  /** Grapheme edit distance / reference graphemes (can exceed 1 when the OCR adds much text). */
  cer: number;
  /** Word edit distance / reference words. */
  wer: number;
  /** CER with every diacritic removed on both sides (đ → d): the base-letter error rate. */
  cerNoDiacritics: number;
  werNoDiacritics: number;
  /**
   * Of the aligned syllables (word pairs matched or substituted), the share whose base letters
   * are right but whose marks are wrong: the errors diacritic restoration can fix.
   */
  diacriticErrorRate: number;
  /**
   * Share of reference words found in the OCR regardless of order (multiset). High recall with
   * a high WER points at reading-order faults rather than misread letters.
   */
  wordRecall: number;
  counts: {
    /** Reference length in graphemes. */
    chars: number;
    /** Reference length in words. */
    words: number;
    /** Grapheme-level edits. */
    substitutions: number;
    insertions: number;
    deletions: number;
  };
  /** Grapheme alignment, reference against hypothesis, when `alignment: true`. */
  alignment?: EditOp[];
}

function rate(errors: number, length: number): number {
  if (length === 0) return errors === 0 ? 0 : 1;
  return errors / length;
}

function distance(ref: readonly string[], hyp: readonly string[]): number {
  const [a, b] = intern(ref, hyp);
  return editDistance(a, b);
}

function bagRecall(ref: readonly string[], hyp: readonly string[]): number {
  if (ref.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const w of hyp) counts.set(w, (counts.get(w) ?? 0) + 1);
  let found = 0;
  for (const w of ref) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      found++;
      counts.set(w, c - 1);
    }
  }
  return found / ref.length;
}

function diacriticErrors(refWords: readonly string[], hypWords: readonly string[]): number {
  let aligned = 0;
  let wrongMarks = 0;
  for (const op of align(refWords, hypWords)) {
    if (op.kind === 'equal') aligned++;
    else if (op.kind === 'substitute') {
      aligned++;
      if (stripDiacritics(op.ref!).toLowerCase() === stripDiacritics(op.hyp!).toLowerCase()) wrongMarks++;
    }
  }
  return aligned === 0 ? 0 : wrongMarks / aligned;
}

/** Scores OCR output (`hypothesis`) against a transcription of the same page (`reference`). */
export function score(hypothesis: string, reference: string, options: ScoreOptions = {}): ScoreReport {
  const hyp = normalizeForScoring(hypothesis, options);
  const ref = normalizeForScoring(reference, options);
  const hypChars = graphemes(hyp);
  const refChars = graphemes(ref);
  const hypWords = words(hyp);
  const refWords = words(ref);
  const hypBase = stripDiacritics(hyp);
  const refBase = stripDiacritics(ref);

  const charOps = align(refChars, hypChars);
  const edits = countEdits(charOps);
  const charErrors = edits.substitutions + edits.insertions + edits.deletions;

  const report: ScoreReport = {
    cer: rate(charErrors, refChars.length),
    wer: rate(distance(refWords, hypWords), refWords.length),
    cerNoDiacritics: rate(distance(graphemes(refBase), graphemes(hypBase)), refChars.length),
    werNoDiacritics: rate(distance(words(refBase), words(hypBase)), refWords.length),
    diacriticErrorRate: diacriticErrors(refWords, hypWords),
    wordRecall: bagRecall(refWords, hypWords),
    counts: { chars: refChars.length, words: refWords.length, ...edits },
  };
  if (options.alignment) report.alignment = charOps;
  return report;
}

/** The character error rate alone, exactly as `score` computes it (graphemes, normalised text), without the rest of the report. */
export function cer(hypothesis: string, reference: string, options: NormalizeOptions = {}): number {
  const ref = graphemes(normalizeForScoring(reference, options));
  return rate(distance(ref, graphemes(normalizeForScoring(hypothesis, options))), ref.length);
}
