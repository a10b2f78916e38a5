/**
 * Public diacritic-restoration / OCR-correction API.
 *
 *   restore(text)        → restored text with layout kept exactly, plus per-word tokens
 *   restoreTokens(words) → one RestoredToken per OCR word (with confidences), same order
 *
 * Only word tokens change; numbers, codes (127/KH-UBND), dates, URLs, e-mails,
 * acronyms, punctuation and line breaks are copied through, but for a glued word
 * split or a glued colon given its space. Case comes from the line and the word
 * (case.ts), the standard's fixed phrases are written as the standard writes them
 * (phrases.ts), and each changed word keeps its tone-mark placement style (or the
 * document's, or the traditional one).
 */
import type { RestoredToken } from '../types.js';
import { VanbanError } from '../errors.js';
import { getModel, type LanguageModel } from './lm.js';
import { tokenize, type Token } from './tokenize.js';
import { baseForm, detectToneStyle, isValidSyllable, normalizeKey, setToneStyle, type ToneStyle } from './orthography.js';
import { caseContexts, caseFor, casePattern, looksLikeAcronym, type CaseContext } from './case.js';
import { findFixedPhrases } from './phrases.js';
import { strayMarks } from './noise.js';
import { DEFAULT_PARAMS, decodeTokens, type Decision, documentTrust, garbleRate, mergeGarbles, type DecoderParams } from './decoder.js';

export type RestoreMode =
  /** Decide from the text how much to trust it (accented text is mostly left alone; stripped/garbled text is repaired). */
  | 'auto'
  /** Treat the input as accent-stripped or OCR-garbled: repair freely. */
  | 'repair'
  /** Treat the input as correct accented text: change only what the model is very sure of. */
  | 'conservative'
  /** Return the input unchanged (tokens still produced). */
  | 'off';

export interface RestoreOptions {
  /** Language model; default: the shipped model (getModel()). */
  model?: LanguageModel;
  mode?: RestoreMode;
  /** Tone-mark placement for changed words when neither the word nor the document shows one: default 'old' (hòa, thủy). */
  toneStyle?: ToneStyle;
  /** Decoder tuning (beam, candidates, weights); defaults are tuned on held-out text. */
  decoder?: Partial<DecoderParams>;
}

export interface RestoreResult {
  text: string;
  /**
   * One entry per word the decoder saw, in order (source = index of the token in
   * tokenize(text); a rejoined "tr iển" lists both, a split "trẻem" gives two entries).
   */
  tokens: RestoredToken[];
}

export interface OcrWordInput {
  text: string;
  /** OCR confidence 0–100; high-confidence accented words are trusted more. */
  conf?: number;
  /** True when a line break follows this word (lines are context for each other, but kept). */
  lineBreakAfter?: boolean;
}

const MODES: readonly RestoreMode[] = ['auto', 'repair', 'conservative', 'off'];

/** Share of words that are no known word or base above which a text counts as OCR-garbled (the seed has ~17 %). */
const GARBLED_PAGE = 0.06;

interface Resolved {
  model: LanguageModel;
  mode: RestoreMode;
  toneStyle: ToneStyle | undefined;
  params: DecoderParams;
}

function resolveOptions(options: RestoreOptions | undefined): Resolved {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new VanbanError('USAGE', `restore options must be an object, got ${typeof options}`);
  }
  const mode = options?.mode ?? 'auto';
  if (!MODES.includes(mode)) throw new VanbanError('USAGE', `unknown restore mode "${String(mode)}"; use one of ${MODES.join(', ')}`);
  const toneStyle = options?.toneStyle;
  if (toneStyle !== undefined && toneStyle !== 'old' && toneStyle !== 'new') {
    throw new VanbanError('USAGE', `toneStyle must be "old" or "new", got "${String(toneStyle)}"`);
  }
  const given: Partial<DecoderParams> = options?.decoder ?? {};
  for (const k of Object.keys(given)) {
    if (!Object.hasOwn(DEFAULT_PARAMS, k)) {
      throw new VanbanError('USAGE', `unknown decoder option "${k}"; use ${Object.keys(DEFAULT_PARAMS).join(', ')}`);
    }
  }
  // Spelled out rather than spread: every call then builds the same hidden shape, and the
  // decoder's hot loop, which reads these, is not deoptimised by a second one.
  const params: DecoderParams = {
    beam: given.beam ?? DEFAULT_PARAMS.beam,
    maxCandidates: given.maxCandidates ?? DEFAULT_PARAMS.maxCandidates,
    channelWeight: given.channelWeight ?? DEFAULT_PARAMS.channelWeight,
    unkLogProb: given.unkLogProb ?? DEFAULT_PARAMS.unkLogProb,
    beamDelta: given.beamDelta ?? DEFAULT_PARAMS.beamDelta,
  };
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new VanbanError('USAGE', `decoder.${k} must be a finite number`);
  }
  if (params.beam < 1 || params.maxCandidates < 1) throw new VanbanError('USAGE', 'decoder.beam and decoder.maxCandidates must be ≥ 1');
  const model = options?.model ?? (mode === 'off' ? (undefined as unknown as LanguageModel) : getModel());
  return { model, mode, toneStyle, params };
}

/** Case of the observed word put on a chosen form, where no line context is known (alternatives). */
function caseLike(pattern: string, form: string): string {
  return caseFor(pattern, form, undefined);
}

const STYLE_HINT = /[oòóỏõọ][aàáảãạeèéẻẽẹ]|[uùúủũụ][yỳýỷỹỵ]/iu;

/** The document's tone placement: the majority of words that show one. */
function documentStyle(tokens: readonly Token[]): ToneStyle | undefined {
  let oldN = 0;
  let newN = 0;
  for (const t of tokens) {
    // Only oa/oe/uy with a mark can show the style: skip the parse for the rest.
    if (t.kind !== 'word' || !STYLE_HINT.test(t.text)) continue;
    const s = detectToneStyle(t.text);
    if (s === 'old') oldN++;
    else if (s === 'new') newN++;
  }
  if (oldN + newN === 0) return undefined;
  return newN > oldN ? 'new' : 'old';
}

interface Core {
  /** Output text per (merged) token. */
  texts: string[];
  tokens: Token[];
  /** Index of each merged token's first original token. */
  from: number[];
  words: Array<{ index: number; restored: RestoredToken }>;
}

function restoreCore(text: string, confs: ReadonlyMap<number, number> | undefined, o: Resolved): Core {
  const raw = tokenize(text);
  let { tokens, from } = mergeGarbles(raw);
  let joined = new Map<number, number[]>();
  /** Glued words read clearly, kept as printed. */
  let keptGlued = new Set<number>();
  /** garbleRate of the current tokens, once known. */
  let rate: number | undefined;
  if (o.mode !== 'off') {
    ({ tokens, from, joined } = joinSplits(o.model, tokens, from));
    // In a garbled page an unknown word is far more often a misread than two glued
    // words ("gido" is giáo, not gì đó): split only in otherwise clean text.
    const words = tokens.filter((t) => t.kind === 'word').length;
    rate = garbleRate(o.model, tokens);
    const bad = Math.round(rate * words);
    const split = splitGlued(o.model, tokens, from, joined, !(bad <= 1 || bad <= GARBLED_PAGE * words), (t) => confs?.get(t.start));
    if (split.tokens !== tokens) rate = undefined; // words were split: count again
    ({ tokens, from, kept: keptGlued } = split);
  }
  // Stray marks (specks read as punctuation) are found before decoding, so that a
  // false full stop does not cut the sentence the model reads.
  let stray: Map<number, string> = new Map();
  let phraseMatch: ReturnType<typeof findFixedPhrases> | undefined;
  if (o.mode !== 'off') {
    phraseMatch = findFixedPhrases(tokens);
    stray = strayMarks(tokens, phraseMatch.underlinedEnds);
    if (stray.size > 0) tokens = tokens.map((t, i) => (stray.has(i) && t.kind !== 'space' ? { ...t, kind: 'other' as const } : t));
  }
  const texts = tokens.map((t, i) => stray.get(i) ?? t.text);
  const words: Core['words'] = [];
  if (o.mode === 'off') {
    tokens.forEach((t, i) => {
      if (t.kind === 'word') words.push({ index: i, restored: keep(t.text, [from[i] ?? i]) });
    });
    return { texts, tokens, from, words };
  }
  const model = o.model;
  const docTrust = o.mode === 'repair' ? 0 : o.mode === 'conservative' ? 1 : documentTrust(model, tokens);
  const trustOf = (ti: number, key: string): number => {
    const conf = confs?.get(tokens[ti]?.start ?? -1);
    // Untrusted text without OCR confidences (accent-stripped input): nothing below can raise it.
    if (o.mode !== 'auto' || (docTrust === 0 && conf === undefined)) return docTrust;
    // Within trusted text, an accented word the model hardly knows (trẽ, nuớc,
    // triễn) is the likely OCR slip: it gets less of the page's trust.
    const id = model.id(key);
    const count = id === model.unk ? 0 : model.count(id);
    const marked = baseForm(key) !== key;
    const own = !marked || count >= 50 ? 1 : count >= 3 ? 0.6 : 0.25;
    if (conf === undefined) return docTrust * own;
    // The engine's confidence scales the trust: a word read at 96 keeps the page's
    // trust, one read at 86 gets 80 % of it, one at 60 less than half. A word read
    // at 95+ that is a known accented syllable stays trusted even on a page that is not.
    const scale = Math.max(0.25, Math.min(1, (conf - 50) / 45));
    const looksRight = marked && isValidSyllable(key) && count >= 5;
    const sure = looksRight ? Math.max(0, Math.min(1, (conf - 85) / 10)) : 0;
    return Math.max(docTrust * own * scale, sure);
  };
  const fuzzy = o.mode === 'repair' || (o.mode === 'auto' && (rate ?? garbleRate(model, tokens)) > GARBLED_PAGE);
  // A vowel is required of the model's word too: it has seen vt, ubnd, tw written in lower case.
  const isSyllable = (w: string): boolean => isValidSyllable(w) || (/[aeiouy]/iu.test(baseForm(w)) && plausible(model, w, 3));
  const contexts = caseContexts(tokens, isSyllable);
  // Acronyms and codes pass through: an all-caps non-syllable in a line not in capitals
  // (NCL, NCI, VT), a mixed pattern that is no syllable (TTr), unless the model knows the word.
  const acronyms = new Set<number>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || !looksLikeAcronym(t.text, contexts.get(i), isSyllable)) return;
    // The model keys words in lower case, so it "knows" every acronym of its corpus (vt,
    // ubnd): capitals with no vowel at all are an acronym however often it saw them.
    if (!/[aeiouy]/u.test(baseForm(normalizeKey(t.text)))) {
      acronyms.add(i);
      return;
    }
    const id = model.id(normalizeKey(t.text));
    if (id === model.unk || model.count(id) < 3) acronyms.add(i);
  });
  // A capital and one digit (A4, B1, Đ4: paper size, class, map square) in text read with its
  // marks is a code as printed; a diacritic-blind engine prints S6, C6 for Số, Có, so there it
  // stays a garbled word.
  if (docTrust >= 0.5) {
    tokens.forEach((t, i) => {
      if (t.kind === 'word' && /^\p{Lu}\p{N}$/u.test(t.text)) acronyms.add(i);
    });
  }
  // A capitalised word that is no Vietnamese syllable and whose marks other languages share
  // (Raúl, Zinédine) is a foreign name in text read with its marks: its accents are its own.
  const foreign = new Set<number>();
  if (docTrust > 0) {
    tokens.forEach((t, i) => {
      // Capitalised only: all-caps non-syllables are garbles of headings and signatures (YPHÓ).
      if (t.kind !== 'word' || casePattern(t.text) !== 'capital' || [...t.text].length < 3) return;
      const key = normalizeKey(t.text);
      if (baseForm(key) !== key && !isValidSyllable(key) && !VIETNAMESE_MARK.test(t.text.normalize('NFD'))) foreign.add(i);
    });
  }
  // The standard's fixed phrases are written as the standard writes them; the hyphens of the motto get their spaces.
  const phrases = (phraseMatch ?? findFixedPhrases(tokens)).texts;
  for (const [ti, value] of phrases) if ((tokens[ti] as Token).kind !== 'word') texts[ti] = value;
  // Document codes keep their digits and shape; only the Đ of their acronyms is put back (ND-CP → NĐ-CP).
  tokens.forEach((t, i) => {
    if (t.kind === 'code' && !stray.has(i) && /[DP]/u.test(t.text)) texts[i] = barredD(model, texts[i] ?? t.text);
  });
  // An acronym in capitals with no vowel: its Đ may have been read D or P (HDND). Put back
  // before decoding, so that the model reads the words around it in a context it knows.
  const readAs = new Map<number, string>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || casePattern(t.text) !== 'upper' || /[aeiouy]/u.test(baseForm(normalizeKey(t.text)))) return;
    const barred = barredD(model, t.text);
    if (barred === t.text) return;
    readAs.set(i, t.text);
    tokens[i] = { ...t, text: barred };
  });
  const decisions = decodeTokens(model, tokens, trustOf, o.params, fuzzy, (ti) => acronyms.has(ti) || phrases.has(ti) || keptGlued.has(ti) || foreign.has(ti));
  const style = documentStyle(tokens) ?? o.toneStyle ?? 'old';
  const capsInRunning = capsInRunningText(model, tokens, decisions, contexts, acronyms, phrases);
  for (const d of decisions) {
    const t = tokens[d.token] as Token;
    const original = joined.has(d.token) ? text.slice(t.start, t.end) : (readAs.get(d.token) ?? t.text);
    const key = normalizeKey(t.text);
    let out = t.text;
    const fixed = phrases.get(d.token);
    const caps = capsInRunning.get(d.token);
    if (fixed !== undefined) out = fixed;
    else if (caps === 'acronym') out = t.text;
    else if (caps === 'word' && d.form !== null && !d.form.startsWith('<')) {
      const ownStyle = detectToneStyle(t.text) ?? style;
      const form = ownStyle === 'new' ? setToneStyle(d.form, 'new') : d.form;
      out = form.charAt(0).toUpperCase() + form.slice(1);
    } else if (d.form !== null && d.form !== key && !d.form.startsWith('<')) {
      const ownStyle = detectToneStyle(t.text) ?? style;
      out = caseFor(t.text, ownStyle === 'new' ? setToneStyle(d.form, 'new') : d.form, contexts.get(d.token));
    } else if (!acronyms.has(d.token)) {
      // Kept as read, but its case is the line's and the word's, not the OCR's (thuỘc, SỞ).
      out = caseFor(t.text, t.text.toLowerCase(), contexts.get(d.token));
    }
    texts[d.token] = out;
    const alternatives = d.alternatives
      .filter((a) => !a.startsWith('<'))
      .map((a) => caseLike(t.text, style === 'new' ? setToneStyle(a, 'new') : a));
    words.push({
      index: d.token,
      restored: {
        original,
        text: out,
        source: joined.get(d.token) ?? [from[d.token] ?? d.token],
        alternatives,
        confidence: Math.round(d.confidence * 1000) / 1000,
        changed: out !== original,
      },
    });
  }
  return { texts, tokens, from, words };
}

/** Bigram log10 P below which an all-caps word in running text is not read as a word there. */
const CAPS_WORD_SUPPORT = -2.5;

/**
 * A short word in capitals alone in a line of running text (lower-case neighbours, no
 * heading) is either a capitalised word the OCR read in capitals (của SỞ Tài chính, eng's
 * BO for Bộ) or an acronym or code that happens to spell a word (Đại học NCL read NƠI).
 * The decoded neighbours tell which: a word the model expects beside at least one of them
 * (bigram ≥ 10^-2.5) is a 'word', written capitalised; one it does not expect beside
 * either is an 'acronym', kept exactly as read.
 */
function capsInRunningText(
  model: LanguageModel,
  tokens: readonly Token[],
  decisions: readonly Decision[],
  contexts: ReadonlyMap<number, CaseContext>,
  acronyms: ReadonlySet<number>,
  phrases: ReadonlyMap<number, string>,
): Map<number, 'word' | 'acronym'> {
  const out = new Map<number, 'word' | 'acronym'>();
  const chosen = new Map<number, number>();
  for (const d of decisions) {
    const form = d.form !== null && !d.form.startsWith('<') ? d.form : normalizeKey((tokens[d.token] as Token).text);
    chosen.set(d.token, model.id(form));
  }
  /** The word token next to i on its line with only a space between, or -1. */
  const neighbour = (i: number, step: number): number => {
    const sp = tokens[i + step];
    const w = tokens[i + 2 * step];
    return sp?.kind === 'space' && w?.kind === 'word' ? i + 2 * step : -1;
  };
  for (const d of decisions) {
    const i = d.token;
    const t = tokens[i] as Token;
    const ctx = contexts.get(i);
    if (!ctx || ctx.caps || !ctx.isolated || acronyms.has(i) || phrases.has(i)) continue;
    if (casePattern(t.text) !== 'upper') continue;
    const n = [...t.text].length;
    const id = chosen.get(i) as number;
    if (n < 2 || n > 4 || id === model.unk || !isValidSyllable(model.symbol(id))) continue;
    let support = -Infinity;
    const p = neighbour(i, -1);
    const q = neighbour(i, 1);
    if (p >= 0 && chosen.get(p) !== model.unk) support = Math.max(support, model.logProb([chosen.get(p) as number], id));
    if (q >= 0 && chosen.get(q) !== model.unk) support = Math.max(support, model.logProb([id], chosen.get(q) as number));
    out.set(i, support >= CAPS_WORD_SUPPORT ? 'word' : 'acronym');
  }
  return out;
}

/**
 * Đ read as D (an engine without marks, a stripped text) or P (tesseract eng) inside a run
 * of capitals, the acronyms of document codes and signatures: HDND → HĐND, ND-CP → NĐ-CP,
 * BLPTBXH → BLĐTBXH. A run changes only when the model has never seen it as read and has
 * seen the spelling with Đ at least 10 times (UBND, DT, TP stay).
 */
function barredD(model: LanguageModel, text: string): string {
  return text.replace(/\p{Lu}{2,8}/gu, (run) => {
    if (!/[DP]/u.test(run)) return run;
    const id = model.id(run.toLowerCase());
    if (id !== model.unk && model.count(id) >= 3) return run;
    const at: number[] = [];
    for (let i = 0; i < run.length; i++) if (run[i] === 'D' || run[i] === 'P') at.push(i);
    if (at.length > 3) return run;
    let best = run;
    let bestCount = 9;
    for (let mask = 1; mask < 1 << at.length; mask++) {
      const chars = [...run];
      at.forEach((p, k) => {
        if (mask & (1 << k)) chars[p] = 'Đ';
      });
      const variant = chars.join('');
      const v = model.id(variant.toLowerCase());
      const n = v === model.unk ? 0 : model.count(v);
      if (n > bestCount) {
        best = variant;
        bestCount = n;
      }
    }
    return best;
  });
}

/** Plausible as a word on its own: known, or the base of known forms. */
function plausible(model: LanguageModel, text: string, minCount: number): boolean {
  let byCount = plausibleMemo.get(model);
  if (!byCount) plausibleMemo.set(model, (byCount = new Map()));
  let memo = byCount.get(minCount);
  if (!memo) byCount.set(minCount, (memo = new Map()));
  let hit = memo.get(text);
  if (hit === undefined) {
    if (memo.size > 200_000) memo.clear();
    memo.set(text, (hit = isPlausible(model, text, minCount)));
  }
  return hit;
}
/** Memo of plausible(), asked of nearly every word pair (rejoins) and word (splits). */
const plausibleMemo = new WeakMap<LanguageModel, Map<number, Map<string, boolean>>>();

function isPlausible(model: LanguageModel, text: string, minCount: number): boolean {
  const key = normalizeKey(text);
  const id = model.id(key);
  if (id !== model.unk && model.count(id) >= minCount) return true;
  const top = model.formsOfBase(baseForm(key))[0];
  return top !== undefined && model.count(top) >= minCount;
}

/** The commonest form of the word's base is a real syllable (triển yes, TPHCM no); stripped input allowed. */
function joinsToSyllable(model: LanguageModel, text: string): boolean {
  const top = model.formsOfBase(baseForm(normalizeKey(text)))[0];
  return top !== undefined && isValidSyllable(model.symbol(top));
}

/**
 * Rejoins a syllable OCR split in two ("tr iển", "ph ương"): two words joined by
 * one space, at least one of which is no word at all, whose concatenation is a
 * common syllable. The joined token keeps both sources; its text has no space.
 */
function joinSplits(
  model: LanguageModel,
  tokens: Token[],
  from: number[],
): { tokens: Token[]; from: number[]; joined: Map<number, number[]> } {
  const out: Token[] = [];
  const outFrom: number[] = [];
  const joined = new Map<number, number[]>();
  for (let i = 0; i < tokens.length; i++) {
    const a = tokens[i] as Token;
    const sp = tokens[i + 1];
    const b = tokens[i + 2];
    if (a.kind === 'word' && sp?.kind === 'space' && sp.text === ' ' && b?.kind === 'word') {
      const both = a.text + b.text;
      // A part with no vowel (tr, ph, ng) is never a syllable, whatever the vocabulary holds.
      const aOk = /[aeiouy]/iu.test(baseForm(a.text)) && plausible(model, a.text, 3);
      const bOk = aOk && /[aeiouy]/iu.test(baseForm(b.text)) && plausible(model, b.text, 3); // only needed when aOk
      // Two plausible words (nearly every pair) are never joined: skip the case checks.
      if (bOk) {
        out.push(a);
        outFrom.push(from[i] ?? i);
        continue;
      }
      // Case must agree (tr iển, TR IỂN), and a lone capital is a name or a variable (khách hàng A, B và C).
      const aCaps = /^\p{Lu}+$/u.test(a.text);
      const bCaps = /^\p{Lu}+$/u.test(b.text);
      const caseAgrees = aCaps ? bCaps : !/^\p{Lu}/u.test(b.text) && !(a.text.length === 1 && aCaps);
      if (caseAgrees && !(aCaps && a.text.length === 1) && [...both].length <= 7 && joinsToSyllable(model, both) && plausible(model, both, 20)) {
        joined.set(out.length, [from[i] ?? i, from[i + 2] ?? i + 2]);
        out.push({ text: both, start: a.start, end: b.end, kind: 'word' });
        outFrom.push(from[i] ?? i);
        i += 2;
        continue;
      }
    }
    out.push(a);
    outFrom.push(from[i] ?? i);
  }
  return { tokens: out, from: outFrom, joined };
}

/** A piece of a glued word: a common, well-spelled syllable. */
function pieceId(model: LanguageModel, piece: string): number {
  const key = normalizeKey(piece);
  const id = model.id(key);
  if (id === model.unk || model.count(id) < 50 || !isValidSyllable(key)) return -1;
  return id;
}

/** log10 P of the pieces read one after another, per transition (the first from the sentence start). */
function meanPieceScore(model: LanguageModel, ids: readonly number[]): number {
  let sum = Math.log10(model.count(ids[0] as number)) / 4;
  let prev2 = model.bos;
  let prev1 = ids[0] as number;
  for (let k = 1; k < ids.length; k++) {
    const w = ids[k] as number;
    sum += model.logProb([prev2, prev1], w);
    prev2 = prev1;
    prev1 = w;
  }
  return sum / (ids.length - 1);
}

/**
 * The best way to cut a glued word into 2–4 syllables, or null. Every cut falls before
 * an inner capital (SởGiáodục); each piece keeps one case pattern; the best cut must
 * read likely (per transition above 10^-3) and beat the next by a factor of 10.
 */
function bestCut(model: LanguageModel, chars: readonly string[]): number[] | null {
  const n = chars.length;
  const isUpper = (c: string): boolean => c !== c.toLowerCase();
  const allUpper = chars.every((c) => isUpper(c) || c === c.toUpperCase());
  const mustCut = chars.map((c, i) => i > 0 && !allUpper && isUpper(c));
  const found: Array<{ cuts: number[]; score: number }> = [];
  const walk = (at: number, cuts: number[], ids: number[]): void => {
    if (found.length > 64) return;
    if (at === n) {
      if (ids.length >= 2) found.push({ cuts: cuts.slice(), score: meanPieceScore(model, ids) });
      return;
    }
    if (ids.length === 4) return;
    for (let end = at + 1; end <= Math.min(n, at + 7); end++) {
      if (mustCut.slice(at + 1, end).some(Boolean)) break; // a piece never spans an inner capital
      const piece = chars.slice(at, end).join('');
      // Inside a piece: lower after its first letter, unless the whole word is in capitals.
      if (!allUpper && chars.slice(at + 1, end).some(isUpper)) break;
      const id = pieceId(model, piece);
      if (id < 0) continue;
      if (end < n) cuts.push(end);
      ids.push(id);
      walk(end, cuts, ids);
      ids.pop();
      if (end < n) cuts.pop();
    }
  };
  walk(0, [], []);
  if (found.length === 0) return null;
  found.sort((x, y) => y.score - x.score);
  const best = found[0] as { cuts: number[]; score: number };
  const second = found[1];
  if (best.score <= -3 || (second !== undefined && best.score - second.score < 1)) return null;
  return best.cuts;
}

/**
 * OCR confidence from which a glued word is kept as read. On the dev pages the engine's
 * own glue outside list items was read at ≤ 52, words printed glued at 88–92; on dev3
 * (64 fresh documents) and the real letters the engine's own at ≤ 72 (62 outside the
 * motto), the printed ones at 88–93. The gate sits in that gap's middle, not at its top
 * edge, so that a poorer scan (lower confidence for every word) does not split printed text.
 */
const CLEAR_READ = 75;

/** Vietnamese-only marks (hook, dot below, horn, breve, đ, circumflex with a tone): no foreign name has them. */
const VIETNAMESE_MARK = /[\u0309\u0323\u031B\u0306đĐ]|\u0302[\u0300\u0301\u0303]/u;

/**
 * Splits words the OCR glued together ("trẻem" → "trẻ em", "Độclập" → "Độc lập",
 * "SởGiáodục" → "Sở Giáo dục", "26tháng" → "26 tháng") and opens a space after a colon
 * or semicolon glued to the next word or number ("Số:1906" → "Số: 1906"), after a comma
 * between two words ("VT,NC" → "VT, NC") and after a list dash opening a line ("-Lưu:"). A word is cut
 * only when it is no word itself and the model is sure of the pieces. In a garbled page
 * an unknown word is far more often a misread than two glued words ("gido" is giáo, not
 * gì đó): there only words with the evidence of an inner capital or Vietnamese-only marks
 * are cut. Inserted spaces are zero-width tokens (start === end) so offsets stay true.
 */
function splitGlued(
  model: LanguageModel,
  tokens: Token[],
  from: number[],
  joined: Map<number, number[]>,
  garbled: boolean,
  /** The OCR confidence of the word a token came from, where known. */
  confOf: (t: Token) => number | undefined = () => undefined,
): { tokens: Token[]; from: number[]; kept: Set<number> } {
  /** Indices (in the returned tokens) of glued words kept as read. */
  const kept = new Set<number>();
  if (joined.size > 0) return { tokens, from, kept }; // keep token indices simple: one rewrite per text
  // A word the engine read with high confidence was printed as read: a gap it missed
  // goes with a poor image (cells, small print), and the glued words, missing spaces
  // after a colon and the like that it reads clearly are the document's own.
  // A list dash glued to its item ("-Lưu:VT,NC.") shows the engine missed a space in that
  // OCR word: the rest of the word gets no such trust.
  let afterGluedDash = false;
  const readClearly = (t: Token | undefined): boolean => t !== undefined && !afterGluedDash && (confOf(t) ?? 0) >= CLEAR_READ;
  const out: Token[] = [];
  const outFrom: number[] = [];
  let split = false;
  const space = (at: number): Token => ({ text: ' ', start: at, end: at, kind: 'space' });
  tokens.forEach((t, i) => {
    const src = from[i] ?? i;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.kind === 'space' || t.kind === 'newline') afterGluedDash = false;
    // "Số:1906", "Điều 2;tổ chức": a colon or semicolon after a word, glued to what follows.
    if (t.kind === 'punct' && (t.text === ':' || t.text === ';') && prev?.kind === 'word' && next !== undefined &&
        (next.kind === 'word' || next.kind === 'number' || next.kind === 'code') && !readClearly(t)) {
      out.push(t, space(t.end));
      outFrom.push(src, src);
      split = true;
      return;
    }
    // "sở,ban,ngành", "VT,NC": a comma between two words always takes a space (1,5 is a number token).
    // Between two words in capitals (the acronyms of a "Lưu: VT,SGDĐT." line, small print) even
    // a clear read is the engine's gluing: on dev3 and the real letters none was printed glued.
    const capsPair = prev?.kind === 'word' && next?.kind === 'word' && casePattern(prev.text) === 'upper' && casePattern(next.text) === 'upper';
    if (t.kind === 'punct' && t.text === ',' && prev?.kind === 'word' && next?.kind === 'word' && (capsPair || !readClearly(t))) {
      out.push(t, space(t.end));
      outFrom.push(src, src);
      split = true;
      return;
    }
    // "-Lưu: VT", "-Như trên;": a list dash opening a line, glued to its first word (small print).
    if (t.kind === 'punct' && (t.text === '-' || t.text === '–') && (prev === undefined || prev.kind === 'newline') && next?.kind === 'word' && /^\p{Lu}/u.test(next.text)) {
      out.push(t, space(t.end));
      outFrom.push(src, src);
      split = true;
      afterGluedDash = true;
      return;
    }
    // "26tháng", "tháng12": digits glued to a common word (not 15h30, 3a, VX1).
    if (t.kind === 'code' && !readClearly(t)) {
      const m = /^(\p{N}+)([\p{L}\p{M}]{2,7})$/u.exec(t.text) ?? /^([\p{L}\p{M}]{2,7})(\p{N}+)$/u.exec(t.text);
      const letters = m ? (/\p{N}/u.test(m[1] as string) ? (m[2] as string) : (m[1] as string)) : '';
      if (m && casePattern(letters) !== 'mixed' && pieceId(model, letters) >= 0 && (casePattern(letters) !== 'upper' || letters.length > 2)) {
        const cut = t.start + (m[1] as string).length;
        const digitsFirst = /\p{N}/u.test(m[1] as string);
        out.push({ text: m[1] as string, start: t.start, end: cut, kind: digitsFirst ? 'number' : 'word' }, space(cut));
        out.push({ text: m[2] as string, start: cut, end: t.end, kind: digitsFirst ? 'word' : 'number' });
        outFrom.push(src, src, src);
        split = true;
        return;
      }
    }
    const chars = t.kind === 'word' ? [...t.text] : [];
    if (chars.length >= 3 && chars.length <= 20 && !plausible(model, t.text, 3)) {
      const innerCapital = casePattern(t.text) === 'mixed';
      const marked = VIETNAMESE_MARK.test(t.text.normalize('NFD'));
      // A capitalised unknown word without such evidence is far more often a name (Mihai, Romania).
      const evidence = innerCapital || marked;
      const allowed = evidence || (!garbled && !/^\p{Lu}\p{Ll}/u.test(t.text) && chars.length >= 4);
      // A capitalised syllable glued to an acronym (BộGDĐT, SởTC): cut before the capitals.
      // The model cannot price the acronym, so the known first syllable and the case break decide.
      const acronymTail = innerCapital ? /^(\p{Lu}\p{Ll}{1,6})(\p{Lu}{2,8})$/u.exec(t.text) : null;
      const cuts =
        allowed ? (bestCut(model, chars) ??
          (acronymTail && pieceId(model, acronymTail[1] as string) >= 0 && !isValidSyllable((acronymTail[2] as string).toLowerCase())
            ? [[...(acronymTail[1] as string)].length]
            : null)) : null;
      // Glued words read clearly are the document's own: kept as printed, not decoded either
      // (the decoder would read an unknown "sốvà" as "và").
      // A syllable glued to a Roman numeral (ChươngI, MụcII at 81–89 on dev2) is the engine's
      // gluing of a narrow I however clearly it read the letters: no document prints it so.
      const romanTail = innerCapital ? /^(\p{Lu}\p{Ll}{1,6})([IVX]{1,4})$/u.exec(t.text) : null;
      if (romanTail && pieceId(model, romanTail[1] as string) >= 0) {
        const cut = t.start + (romanTail[1] as string).length;
        out.push({ text: romanTail[1] as string, start: t.start, end: cut, kind: 'word' }, space(cut), { text: romanTail[2] as string, start: cut, end: t.end, kind: 'word' });
        outFrom.push(src, src, src);
        split = true;
        return;
      }
      if (cuts && readClearly(t)) {
        kept.add(out.length);
        out.push(t);
        outFrom.push(src);
        return;
      }
      if (cuts) {
        let at = 0;
        let offset = t.start;
        for (const c of [...cuts, chars.length]) {
          const piece = chars.slice(at, c).join('');
          if (at > 0) {
            out.push(space(offset));
            outFrom.push(src);
          }
          out.push({ text: piece, start: offset, end: offset + piece.length, kind: 'word' });
          outFrom.push(src);
          offset += piece.length;
          at = c;
        }
        split = true;
        return;
      }
    }
    out.push(t);
    outFrom.push(src);
  });
  return split ? { tokens: out, from: outFrom, kept } : { tokens, from, kept };
}

function keep(text: string, source: number[]): RestoredToken {
  return { original: text, text, source, alternatives: [], confidence: 1, changed: false };
}

/**
 * Restores diacritics and repairs OCR errors in plain text (NFC out). Layout
 * (spaces, line breaks, punctuation) is kept; only words change, and a space is
 * removed or added only to rejoin a split syllable or split a glued word.
 */
export function restore(text: string, options?: RestoreOptions): RestoreResult {
  if (typeof text !== 'string') throw new VanbanError('USAGE', `restore() needs a string, got ${text === null ? 'null' : typeof text}`);
  const o = resolveOptions(options);
  const core = restoreCore(text.normalize('NFC'), undefined, o);
  return { text: core.texts.join(''), tokens: core.words.map((w) => w.restored) };
}

/**
 * Restores a sequence of OCR words (reading order). Words are joined by a space,
 * or a line break where `lineBreakAfter` is set, and decoded with each other as
 * context. Returns one token per input word, in order (source = [i]), except
 * that a syllable the OCR split over two words comes back as one token with
 * source [i, i+1]; a glued word that was split keeps one token ("trẻ em").
 * Punctuation glued to a word ("phúc.", "(sau") stays glued.
 */
export function restoreTokens(words: ReadonlyArray<OcrWordInput>, options?: RestoreOptions): RestoredToken[] {
  if (!Array.isArray(words)) throw new VanbanError('USAGE', 'restoreTokens() needs an array of { text, conf? } words');
  const o = resolveOptions(options);
  let text = '';
  const starts: number[] = [];
  const confs = new Map<number, number>();
  words.forEach((w, i) => {
    if (!w || typeof w.text !== 'string') throw new VanbanError('USAGE', `restoreTokens(): word ${i} has no text string`);
    if (w.conf !== undefined && (typeof w.conf !== 'number' || !Number.isFinite(w.conf))) {
      throw new VanbanError('USAGE', `restoreTokens(): word ${i} has a non-numeric conf`);
    }
    const t = w.text.normalize('NFC').replace(/\s+/gu, ' ');
    starts.push(text.length);
    text += t;
    text += w.lineBreakAfter ? '\n' : ' ';
  });
  // Map every character offset to its word, so tokens can be grouped back.
  const wordAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // The OCR confidence applies to every token of its word.
  if (o.mode === 'auto') {
    for (const tok of tokenize(text)) {
      const wi = wordAt(tok.start);
      const conf = words[wi]?.conf;
      if (conf !== undefined) confs.set(tok.start, conf);
    }
  }
  const core = restoreCore(text, confs, o);
  const outText: string[] = words.map(() => '');
  const outConf: number[] = words.map(() => 1);
  const outAlt: string[][] = words.map(() => []);
  const byToken = new Map<number, RestoredToken>();
  for (const w of core.words) byToken.set(w.index, w.restored);
  /** Word index → the earlier word a rejoined syllable pulled it into. */
  const absorbedInto = new Map<number, number>();
  core.tokens.forEach((tok, i) => {
    // A zero-width space token is one the restorer inserted (a glued word split): keep it.
    if ((tok.kind === 'space' && tok.start !== tok.end) || tok.kind === 'newline') return;
    const wi = wordAt(tok.start);
    const last = wordAt(tok.end - 1);
    if (last !== wi) absorbedInto.set(last, wi);
    outText[wi] += core.texts[i] ?? tok.text;
    const r = byToken.get(i);
    if (r) {
      outConf[wi] = Math.min(outConf[wi] ?? 1, r.confidence);
      if ((outAlt[wi] ?? []).length === 0 && r.alternatives.length) outAlt[wi] = r.alternatives;
    }
  });
  const result: RestoredToken[] = [];
  words.forEach((w, i) => {
    const into = absorbedInto.get(i);
    // A word wholly pulled into the previous one by a rejoin: it becomes part of that token.
    if (into !== undefined && (outText[i] ?? '') === '') {
      const host = result[result.length - 1];
      if (host && host.source.includes(into)) {
        host.source.push(i);
        host.original = `${host.original} ${w.text}`;
        host.changed = true;
        return;
      }
    }
    const original = w.text;
    const textOut = outText[i] ?? original;
    // Tokens never hold spaces, so a word with inner spaces keeps its original text.
    const trimmed = original.trim();
    const final =
      /\s/u.test(trimmed) || textOut === trimmed.normalize('NFC').replace(/\s+/gu, ' ') ? original : original.replace(trimmed, () => textOut);
    result.push({
      original,
      text: final,
      source: [i],
      alternatives: outAlt[i] ?? [],
      confidence: outConf[i] ?? 1,
      changed: final !== original,
    });
  });
  return result;
}

