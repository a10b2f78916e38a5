/**
 * Vietnamese syllable orthography: parse a written syllable into onset, glide,
 * nucleus, coda and tone; check it against the spelling rules; compose it back
 * in either tone-placement convention. Pure string code, no data files.
 */

/** 0 ngang, 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng. */
export type Tone = 0 | 1 | 2 | 3 | 4 | 5;

/**
 * A syllable as written, lowercase, tone kept apart. The nucleus keeps its
 * vowel-quality marks (â, ă, ê, ô, ơ, ư). "qu" and "gi" are onsets, so
 * "quý" is { onset: 'qu', nucleus: 'y' } and "gì" is { onset: 'gi', nucleus: 'i' }.
 */
export interface Syllable {
  onset: string;
  /** '' or the written medial 'o' / 'u' (hoa, thuế, huy). */
  glide: string;
  nucleus: string;
  coda: string;
  tone: Tone;
}

/** old: mark on the first vowel of open oa/oe/uy (hòa, hòe, thủy); new: on the second (hoà, hoè, thuỷ). */
export type ToneStyle = 'old' | 'new';

/** Combining tone marks, indexed by Tone (0 has none). */
const TONE_MARKS = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'] as const;
const TONE_OF_MARK = new Map<string, Tone>([
  ['\u0300', 1],
  ['\u0301', 2],
  ['\u0309', 3],
  ['\u0303', 4],
  ['\u0323', 5],
]);
/** Quality marks kept in the letters: circumflex, breve, horn. */
const QUALITY_MARKS = new Set(['\u0302', '\u0306', '\u031B']);

const ONSETS = [
  'ngh', 'ng', 'gh', 'gi', 'kh', 'nh', 'ph', 'th', 'tr', 'ch', 'qu',
  'b', 'c', 'd', 'đ', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'x',
] as const;
const NUCLEI = [
  'iê', 'yê', 'ia', 'ya', 'uô', 'ua', 'ươ', 'ưa', 'oo',
  'a', 'ă', 'â', 'e', 'ê', 'i', 'y', 'o', 'ô', 'ơ', 'u', 'ư',
] as const;
const CODAS = ['ng', 'nh', 'ch', 'c', 'm', 'n', 'p', 't', 'i', 'y', 'o', 'u', ''] as const;

const VOWELS = new Set([...'aăâeêioôơuưy']);
const STOP_CODAS = new Set(['c', 'ch', 'p', 't']);
/** Nuclei a medial may precede: o before a/ă/e, u before â/ê/y/yê/ya/ơ. */
const GLIDE_NUCLEI: Record<string, ReadonlySet<string>> = {
  o: new Set(['a', 'ă', 'e']),
  u: new Set(['â', 'ê', 'y', 'yê', 'ya', 'ơ']),
};
/** Which codas each nucleus takes ('' = open syllable). */
const NUCLEUS_CODAS: Record<string, ReadonlySet<string>> = {
  a: new Set(['', 'c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't', 'i', 'y', 'o', 'u']),
  ă: new Set(['c', 'm', 'n', 'ng', 'p', 't']),
  â: new Set(['c', 'm', 'n', 'ng', 'p', 't', 'y', 'u']),
  e: new Set(['', 'c', 'm', 'n', 'ng', 'p', 't', 'o']),
  ê: new Set(['', 'ch', 'm', 'n', 'nh', 'p', 't', 'u']),
  i: new Set(['', 'ch', 'm', 'n', 'nh', 'p', 't', 'u']),
  y: new Set(['', 'ch', 'nh', 't', 'u']),
  o: new Set(['', 'c', 'm', 'n', 'ng', 'p', 't', 'i']),
  ô: new Set(['', 'c', 'm', 'n', 'ng', 'p', 't', 'i']),
  ơ: new Set(['', 'm', 'n', 'p', 't', 'i']),
  u: new Set(['', 'c', 'm', 'n', 'ng', 'p', 't', 'i']),
  ư: new Set(['', 'c', 'm', 'n', 'ng', 't', 'i', 'u']),
  iê: new Set(['c', 'm', 'n', 'ng', 'p', 't', 'u']),
  yê: new Set(['c', 'm', 'n', 'ng', 'p', 't', 'u']),
  uô: new Set(['c', 'm', 'n', 'ng', 'p', 't', 'i']),
  ươ: new Set(['c', 'm', 'n', 'ng', 'p', 't', 'i', 'u']),
  ia: new Set(['']),
  ya: new Set(['']),
  ua: new Set(['']),
  ưa: new Set(['']),
  oo: new Set(['c', 'ng']),
};
/** Onsets written only before front vowels (i, e, ê, iê, y) and those that never are. */
const FRONT_ONLY = new Set(['k', 'gh', 'ngh']);
const NOT_FRONT = new Set(['c', 'g', 'ng']);

interface Decomposed {
  /** Lowercase NFC letters without tone marks. */
  letters: string;
  tone: Tone;
  /** Index in `letters` of the letter that carried the tone mark, -1 for none. */
  toneAt: number;
}

/** Split off the tone mark; null when there are two tone marks or a foreign mark/character. */
function decompose(word: string): Decomposed | null {
  const nfd = word.normalize('NFD').toLowerCase();
  let letters = '';
  let tone: Tone = 0;
  let toneAt = -1;
  let count = 0; // letters (NFC units) so far
  for (const ch of nfd) {
    const t = TONE_OF_MARK.get(ch);
    if (t !== undefined) {
      if (tone !== 0 || count === 0) return null;
      tone = t;
      toneAt = count - 1;
    } else if (QUALITY_MARKS.has(ch)) {
      if (count === 0) return null;
      letters += ch;
    } else if (ch >= '\u0300' && ch <= '\u036f') {
      return null;
    } else {
      letters += ch;
      count++;
    }
  }
  return { letters: letters.normalize('NFC'), tone, toneAt };
}

function splitRhyme(rhyme: string, onset: string): Pick<Syllable, 'glide' | 'nucleus' | 'coda'> | null {
  for (const glide of ['', 'o', 'u']) {
    if (glide !== '' && !rhyme.startsWith(glide)) continue;
    if (glide !== '' && onset === 'qu') continue;
    const rest = rhyme.slice(glide.length);
    for (const nucleus of NUCLEI) {
      if (!rest.startsWith(nucleus)) continue;
      const coda = rest.slice(nucleus.length);
      if (!NUCLEUS_CODAS[nucleus]?.has(coda)) continue;
      if (glide !== '' && !GLIDE_NUCLEI[glide]?.has(nucleus)) continue;
      return { glide, nucleus, coda };
    }
  }
  return null;
}

/**
 * Parse one written syllable (any case, NFC or NFD, either tone placement).
 * Null when it is not built from a Vietnamese onset and rhyme.
 * Tone/coda agreement and the k/gh/ngh spelling rules are checked by isValidSyllable.
 */
export function parseSyllable(word: string): Syllable | null {
  const d = decompose(word);
  if (d === null || d.letters.length === 0 || d.letters.length > 8) return null;
  const w = d.letters;
  for (const onset of [...ONSETS, '']) {
    if (!w.startsWith(onset)) continue;
    let rhyme = w.slice(onset.length);
    if (onset === 'gi') {
      // gì, gìn, gịt: the i of "gi" doubles as the nucleus.
      if (rhyme === '' || !VOWELS.has(rhyme[0]!)) rhyme = 'i' + rhyme;
      // giêng, giết: "gi" + "iê" is written with one i.
      else if (rhyme[0] === 'ê') rhyme = 'i' + rhyme;
    }
    if (onset === 'qu' && rhyme === '') continue;
    if (rhyme === '' || !VOWELS.has(rhyme[0]!)) continue;
    const parts = splitRhyme(rhyme, onset);
    if (parts === null) continue;
    return { onset, ...parts, tone: d.tone };
  }
  return null;
}

function isFront(nucleus: string): boolean {
  return nucleus[0] === 'i' || nucleus[0] === 'e' || nucleus[0] === 'ê' || nucleus === 'y' || nucleus === 'yê';
}

/** Whether a parsed syllable obeys the tone and spelling rules. */
export function isValidParts(s: Syllable): boolean {
  if (STOP_CODAS.has(s.coda) && s.tone !== 2 && s.tone !== 5) return false;
  const front = s.glide === '' && isFront(s.nucleus);
  if (FRONT_ONLY.has(s.onset) && !front) return false;
  if (NOT_FRONT.has(s.onset) && front) return false;
  // iê/ia after an onset, yê/ya with no onset or after the medial u.
  if ((s.nucleus === 'iê' || s.nucleus === 'ia') && s.glide !== '') return false;
  if (s.nucleus === 'yê' && !(s.glide === 'u' || s.onset === '' || s.onset === 'qu')) return false;
  if (s.nucleus === 'ya' && !(s.glide === 'u' || s.onset === 'qu')) return false;
  if (s.nucleus === 'iê' && s.onset === '') return false;
  // qu takes no rounded vowel after it (quô, quu).
  if (s.onset === 'qu' && ['o', 'u', 'ư', 'uô', 'ua', 'ươ', 'ưa', 'oo', 'iê', 'ia'].includes(s.nucleus)) return false;
  // y with a closed rhyme only after the medial u (huynh, huých, khuỷu) or qu.
  if (s.nucleus === 'y' && s.coda !== '' && s.glide !== 'u' && s.onset !== 'qu') return false;
  return true;
}

/**
 * Syllables of established place names written outside the rules (Đắk Lắk, Bắc Kạn,
 * Kon Tum, Kông Chro): common in administrative text, so treated as valid.
 */
const NAME_SYLLABLES = new Set(['đắk', 'lắk', 'đăk', 'lăk', 'kạn', 'kon', 'kông']);

/** Orthographically valid Vietnamese syllable (stop codas only with sắc/nặng, k/gh/ngh before front vowels…). */
export function isValidSyllable(word: string): boolean {
  const hit = validCache.get(word);
  if (hit !== undefined) return hit;
  return remember(validCache, word, computeValid(word));
}

/**
 * Per-string results of the pure helpers the restorer calls on every token, many
 * times per token (trust, garble rate, joins, tone style…): documents repeat their
 * words, and the NFD/regex/parse work dominated the time outside the decoder.
 * Bounded: cleared when full, as the key cache below.
 */
const validCache = new Map<string, boolean>();
const baseCache = new Map<string, string>();
const styleCache = new Map<string, ToneStyle | null>();
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size > 200_000) cache.clear();
  cache.set(key, value);
  return value;
}

function computeValid(word: string): boolean {
  const s = parseSyllable(word);
  if (s !== null && isValidParts(s)) return true;
  return NAME_SYLLABLES.has(normalizeKey(word));
}

/** All marks off, đ→d, case kept: "Độc" → "Doc". */
export function baseForm(word: string): string {
  const hit = baseCache.get(word);
  if (hit !== undefined) return hit;
  const base = word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đð]/g, 'd')
    .replace(/[ĐÐ]/g, 'D')
    .normalize('NFC');
  return remember(baseCache, word, base);
}

/** Index, within glide+nucleus+coda, of the vowel that carries the tone. */
function toneIndex(s: Syllable, style: ToneStyle): number {
  const g = s.glide.length;
  if (style === 'old' && g > 0 && s.coda === '' && s.nucleus.length === 1 && 'aey'.includes(s.nucleus)) return 0;
  if (s.nucleus.length === 1) return g;
  // Diphthongs: open ia/ua/ưa/ya mark the first letter; iê/uô/ươ/yê/oo the second.
  return ['ia', 'ya', 'ua', 'ưa'].includes(s.nucleus) ? g : g + 1;
}

/** Lowercase NFC spelling of a syllable. */
export function composeSyllable(s: Syllable, style: ToneStyle = 'old'): string {
  let onset = s.onset;
  let rhyme = s.glide + s.nucleus + s.coda;
  // gì, gìn, giêng: the i of "gi" is written once.
  if (onset === 'gi' && s.glide === '' && (s.nucleus === 'i' || s.nucleus === 'iê')) onset = 'g';
  if (s.tone === 0) return (onset + rhyme).normalize('NFC');
  const chars = [...rhyme];
  const at = toneIndex(s, style);
  chars[at] = (chars[at]! + TONE_MARKS[s.tone]).normalize('NFC');
  rhyme = chars.join('');
  return (onset + rhyme).normalize('NFC');
}

/** The convention a word shows (only open oa/oe/uy with a tone show it), else null. */
export function detectToneStyle(word: string): ToneStyle | null {
  const hit = styleCache.get(word);
  if (hit !== undefined) return hit;
  return remember(styleCache, word, computeToneStyle(word));
}

function computeToneStyle(word: string): ToneStyle | null {
  const s = parseSyllable(word);
  if (s === null || s.tone === 0 || s.glide === '' || s.coda !== '' || s.nucleus.length !== 1 || !'aey'.includes(s.nucleus)) {
    return null;
  }
  const d = decompose(word);
  if (d === null) return null;
  const glideAt = s.onset.length;
  if (d.toneAt === glideAt) return 'old';
  if (d.toneAt === glideAt + 1) return 'new';
  return null;
}

/** Re-place the tone mark in the given convention, keeping the word's case. */
export function setToneStyle(word: string, style: ToneStyle): string {
  const current = detectToneStyle(word);
  if (current === null || current === style) return word.normalize('NFC');
  const s = parseSyllable(word);
  if (s === null) return word;
  return applyCase(word.normalize('NFC'), composeSyllable(s, style));
}

const keyCache = new Map<string, string>();

/**
 * The LM key of a word: lowercase NFC, tone on the canonical vowel ('old' placement), the
 * look-alike eth (ð, from legacy-encoding conversions) read as đ; non-syllables
 * just lowercase NFC.
 */
export function normalizeKey(word: string): string {
  const hit = keyCache.get(word);
  if (hit !== undefined) return hit;
  const lower = word.normalize('NFC').toLowerCase().replace(/ð/g, 'đ');
  // Recomposing puts the tone on the canonical vowel: hoà → hòa, and misplaced marks
  // (tòan, nứơc, qúy, typed or OCR'd) → toàn, nước, quý.
  const s = parseSyllable(lower);
  const key = s === null ? lower : composeSyllable(s, 'old');
  if (keyCache.size > 200_000) keyCache.clear();
  keyCache.set(word, key);
  return key;
}

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}
function isLower(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

/**
 * Copy the case pattern of `pattern` onto `form`: all caps → all caps, capitalised →
 * capitalised, lowercase → lowercase; any other mix is copied letter by letter when the
 * lengths agree (otherwise only the first letter's case is kept).
 */
export function applyCase(pattern: string, form: string): string {
  const p = [...pattern.normalize('NFC')];
  const f = [...form.normalize('NFC')];
  const letters = p.filter((c) => isUpper(c) || isLower(c));
  if (letters.length === 0) return form.normalize('NFC');
  const uppers = letters.filter(isUpper).length;
  if (uppers === letters.length && (letters.length > 1 || f.length === 1)) return form.normalize('NFC').toUpperCase();
  const first = letters[0]!;
  if (uppers === 0) return form.normalize('NFC').toLowerCase();
  if (uppers === 1 && isUpper(first)) {
    const lower = form.normalize('NFC').toLowerCase();
    const fl = [...lower];
    return fl.length === 0 ? lower : fl[0]!.toUpperCase() + fl.slice(1).join('');
  }
  if (p.length === f.length) {
    return f.map((c, i) => (isUpper(p[i]!) ? c.toUpperCase() : isLower(p[i]!) ? c.toLowerCase() : c)).join('');
  }
  const lower = f.map((c) => c.toLowerCase());
  if (isUpper(first) && lower.length > 0) lower[0] = lower[0]!.toUpperCase();
  return lower.join('');
}
