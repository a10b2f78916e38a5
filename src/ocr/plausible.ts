/**
 * How much of a reading looks like Vietnamese, from orthography alone (no
 * language model, so the OCR room stays free of src/restore): the share of
 * letters that sit in words shaped like a Vietnamese syllable (onset, vowel
 * nucleus, coda, one tone). Upside-down text read by Tesseract ("utp'J 2ÖẩN
 * UEOQ4") scores low; an upright page of any quality scores high.
 */
const TONES = /[\u0300\u0301\u0303\u0309\u0323]/gu;
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?(?:[aăâeêioôơuưy]{1,3})(ng|nh|ch|c|m|n|p|t)?$/u;

/** Whether one word (punctuation stripped, any case) has the shape of a Vietnamese syllable. */
export function isSyllable(word: string): boolean {
  const nfd = word.toLowerCase().normalize('NFD');
  const tones = nfd.match(TONES)?.length ?? 0;
  if (tones > 1) return false;
  return SYLLABLE.test(nfd.replace(TONES, '').normalize('NFC'));
}

/** Capitals from the Vietnamese alphabet (no F, J, W, Z), as in UBND, HĐND, KT, QĐ-UBND. */
function isAbbreviation(word: string): boolean {
  return /^[ABCDĐEGHIKLMNOPQRSTUVXY]{2,6}$/u.test(word);
}

/**
 * Share (0–1) of alphabetic characters in syllable-shaped words; numbers and
 * abbreviations in capitals of up to 6 letters ("UBND", "QĐ") count as plausible.
 */
export function syllableShare(text: string): number {
  let good = 0;
  let total = 0;
  for (const raw of text.split(/\s+/u)) {
    const parts = raw.split(/[^\p{L}\p{N}]+/u).filter((p) => p !== '');
    for (const w of parts) {
      if (/^\p{N}+$/u.test(w)) continue;
      const n = [...w].length;
      total += n;
      if (isSyllable(w) || isAbbreviation(w)) good += n;
    }
  }
  return total === 0 ? 0 : good / total;
}
