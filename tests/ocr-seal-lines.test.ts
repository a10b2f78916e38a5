/**
 * The seal's own lettering kept out of the text by the ring's geometry: a printed line of
 * the signer block runs out of the seal, the seal's lettering stays inside its disc; and a
 * re-read crop widened around a line crossing a dark seal never reaches into the disc.
 */
import { describe, expect, it } from 'vitest';
import { clipToDisc, dropSealLettering, evidentWords, insideDisc, sealIsDark } from '../src/ocr/seal-lines.js';
import type { BBox, OcrLine, OcrWord, SealRing } from '../src/types.js';

const SEAL: SealRing = { cx: 1000, cy: 1000, r: 200, coverage: 0.95, bbox: [800, 800, 1200, 1200] };

const word = (text: string, conf: number, bbox: BBox): OcrWord => ({ text, conf, bbox });
const line = (...words: OcrWord[]): OcrLine => ({
  text: words.map((w) => w.text).join(' '),
  conf: words.reduce((n, w) => n + w.conf, 0) / words.length,
  bbox: [Math.min(...words.map((w) => w.bbox[0])), Math.min(...words.map((w) => w.bbox[1])), Math.max(...words.map((w) => w.bbox[2])), Math.max(...words.map((w) => w.bbox[3]))],
  words,
});

describe('dropSealLettering', () => {
  it('drops a line lying inside the disc and keeps the signer title running out of it', () => {
    const lettering = line(word('VÀ', 92, [900, 980, 960, 1020]), word('ĐÀO', 91, [970, 980, 1040, 1020]), word('TẠO', 88, [1050, 980, 1110, 1020]));
    const title = line(word('PHÓ', 90, [1080, 820, 1160, 860]), word('GIÁM', 92, [1170, 820, 1270, 860]), word('ĐỐC', 92, [1280, 820, 1360, 860]));
    expect(insideDisc(lettering.bbox, SEAL)).toBe(true);
    expect(insideDisc(title.bbox, SEAL)).toBe(false);
    expect(dropSealLettering([lettering, title], [SEAL], [SEAL]).map((l) => l.text)).toEqual(['PHÓ GIÁM ĐỐC']);
    // Inside a pale seal's disc, whose lettering preparation took out, a line is print.
    expect(dropSealLettering([lettering, title], [SEAL], []).map((l) => l.text)).toEqual(['VÀ ĐÀO TẠO', 'PHÓ GIÁM ĐỐC']);
  });

  it('drops unconfident fragments inside the disc glued to the title, not its syllables', () => {
    const glued = line(word('⁄Z*"', 13, [900, 860, 990, 900]), word('PHÓ', 40, [1080, 860, 1160, 900]), word('GIÁM', 92, [1170, 860, 1270, 900]), word('ĐỐC', 92, [1280, 860, 1360, 900]));
    expect(dropSealLettering([glued], [SEAL], [SEAL]).map((l) => l.text)).toEqual(['PHÓ GIÁM ĐỐC']);
    // Out of any seal, the same line is left alone.
    expect(dropSealLettering([glued], [], []).map((l) => l.text)).toEqual(['⁄Z*" PHÓ GIÁM ĐỐC']);
  });
});

describe('clipToDisc', () => {
  it('stops a widening into the disc at its edge, or at a pad from a line inside it', () => {
    // Rows through the centre: the disc spans x 800–1200.
    expect(clipToDisc([1250, 980, 1500, 1020], [1100, 1650], [975, 1025], SEAL, 10)).toEqual([1200, 1650]);
    expect(clipToDisc([1100, 980, 1500, 1020], [950, 1650], [975, 1025], SEAL, 10)).toEqual([1090, 1650]);
    // From a line ending inside the disc, to the right as well: a pad.
    expect(clipToDisc([1100, 980, 1150, 1020], [950, 1650], [975, 1025], SEAL, 10)).toEqual([1090, 1160]);
    // Rows clear of the disc: no change.
    expect(clipToDisc([1100, 1300, 1500, 1340], [950, 1650], [1290, 1350], SEAL, 10)).toEqual([950, 1650]);
  });
});

describe('evidentWords', () => {
  it('keeps words over the first reading and, beyond it, only syllables read fairly or sure numbers', () => {
    const words = [word('N%', 80, [600, 0, 660, 40]), word('64', 40, [670, 0, 720, 40]), word('Lê', 90, [770, 0, 820, 40]), word('Văn', 40, [830, 0, 900, 40]), word('Xy', 20, [910, 0, 960, 40]), word('An', 92, [1000, 0, 1060, 40])];
    expect(evidentWords(words, [990, 0, 1070, 40], 20, 60).map((w) => w.text)).toEqual(['Lê', 'Văn', 'An']);
  });
});

describe('sealIsDark', () => {
  const ring = (grey: number): Uint8Array => {
    const g = new Uint8Array(2000 * 2000).fill(255);
    for (let y = 780; y < 1220; y++) for (let x = 780; x < 1220; x++) if (Math.abs(Math.hypot(x - 1000, y - 1000) - 170) < 6) g[y * 2000 + x] = grey;
    return g;
  };
  it('tells a black (1-bit) seal from a scanned red one by its lettering band’s grey', () => {
    expect(sealIsDark(ring(0), 2000, 2000, SEAL, 40)).toBe(true);
    expect(sealIsDark(ring(90), 2000, 2000, SEAL, 40)).toBe(false);
  });
});

describe('dropSealLettering on a printed row crossing the seal', () => {
  it('keeps a title fragment inside the disc whose row runs on out of it', () => {
    const fragment = line(word('PHÓ', 60, [930, 860, 1010, 900]));
    const rest = line(word('TỊCH', 96, [1210, 862, 1300, 902]));
    expect(dropSealLettering([fragment, rest], [SEAL], [SEAL]).map((l) => l.text)).toEqual(['PHÓ', 'TỊCH']);
    // The seal's middle lettering has no row outside the disc.
    const middle = line(word('SỞ', 70, [960, 940, 1030, 990]));
    expect(dropSealLettering([middle, rest], [SEAL], [SEAL]).map((l) => l.text)).toEqual(['TỊCH']);
  });
});
