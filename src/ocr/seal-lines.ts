/**
 * A round seal over the signer block, as the OCR stage sees it: the ring's lettering
 * ("CỘNG HÒA X.H.C.N VIỆT NAM … THÀNH PHỐ ĐÀ NẴNG") and the agency's name in its
 * middle are print-like ink, and on a 1-bit or black scan they are as dark as the
 * signer's title, so no darkness threshold keeps them apart. What is known is the
 * ring's geometry (found in preparation): printed lines of the signer block cross the
 * seal and run out of it, while the seal's own lettering stays inside its disc.
 */
import type { BBox, OcrLine, OcrWord, SealRing } from '../types.js';
import { syllableShare } from './plausible.js';

/**
 * A line whose box lies within this many radii of the seal's centre, every corner, is
 * the seal's lettering. Dev and dev2/dev3 sim truth: no printed line of a seal page
 * comes closer than 1.35 radii with its farthest corner (the signer's title always runs
 * out of the seal).
 */
const INSIDE_DISC = 1.1;
/** Words inside the disc read below this confidence and not shaped like a syllable are the lettering's fragments… */
const LETTERING_CONF = 50;
/**
 * …and so are such words of at most two letters (signs and figures included: a signer
 * block has none) read below this one; a longer garbled title word ("TTƯỞNG") stays for
 * the restorer.
 */
const LETTERING_SHORT_CONF = 85;
/** Share of the ring band's ink at print darkness above which the seal cannot be told from print by grey (a 1-bit or black seal). */
const DARK_SEAL = 0.5;

const dist = (x: number, y: number, seal: SealRing): number => Math.hypot(x - seal.cx, y - seal.cy);

/** Whether every corner of `box` lies within `k` radii of the seal's centre. */
export function insideDisc(box: BBox, seal: SealRing, k = INSIDE_DISC): boolean {
  const [x0, y0, x1, y1] = box;
  return Math.max(dist(x0, y0, seal), dist(x1, y0, seal), dist(x0, y1, seal), dist(x1, y1, seal)) <= k * seal.r;
}

/**
 * Whether the seal's remaining ink is as dark as print: the share of ink pixels (< 128)
 * in the band between 0.6 and 1.0 radius that are at or below `printDark`. A scanned red
 * or grey seal is lighter than print (a crop keeping only the darkest ink drops it); on
 * a 1-bit page every ink pixel is black.
 */
export function sealIsDark(gray: Uint8Array, width: number, height: number, seal: SealRing, printDark: number): boolean {
  let ink = 0;
  let dark = 0;
  const r = seal.r;
  const step = Math.max(1, Math.round(r / 100));
  for (let y = Math.max(0, Math.floor(seal.cy - r)); y < Math.min(height, Math.ceil(seal.cy + r)); y += step) {
    for (let x = Math.max(0, Math.floor(seal.cx - r)); x < Math.min(width, Math.ceil(seal.cx + r)); x += step) {
      const d = dist(x, y, seal);
      if (d < 0.6 * r || d > r) continue;
      const g = gray[y * width + x]!;
      if (g >= 128) continue;
      ink++;
      if (g <= printDark) dark++;
    }
  }
  return ink > 0 && dark / ink > DARK_SEAL;
}

/**
 * Narrows a re-read crop `[x0, x1]` widened around `line` so that the widening never
 * reaches into the seal's disc on the line's rows `[y0, y1]`: there it would take in the
 * ring's and the middle's lettering, which a dark seal's crop cannot shed. The line's own
 * box is left whole.
 */
export function clipToDisc(line: BBox, [x0, x1]: [number, number], [y0, y1]: [number, number], seal: SealRing, pad: number): [number, number] {
  const dy = seal.cy < y0 ? y0 - seal.cy : seal.cy > y1 ? seal.cy - y1 : 0;
  if (dy >= seal.r) return [x0, x1];
  const half = Math.sqrt(seal.r * seal.r - dy * dy);
  const left = seal.cx - half;
  const right = seal.cx + half;
  let a = x0;
  let b = x1;
  // Stopped at the disc's edge when coming from outside it, at a pad from the line's own box
  // when inside it (a line whose end lies in the disc ends there: the ring took, or made, its end).
  if (a < line[0] && a < right && line[0] > left) a = Math.min(line[0], Math.max(a, line[0] >= right ? right : line[0] - pad));
  if (b > line[2] && b > left && line[2] < right) b = Math.max(line[2], Math.min(b, line[2] <= left ? left : line[2] + pad));
  return [Math.round(a), Math.round(b)];
}

/** Beyond the first reading's box a syllable-shaped word needs this confidence (a word the ring crossed reads at 40–60)… */
const HIDDEN_WORD_CONF = 30;

/**
 * Words of a seal re-read that may replace the first reading: those over its box, and,
 * beyond it, only syllable-shaped words read fairly, or numbers read surely (`sure`): a
 * word the ring hid is print, fragments of lettering and signature strokes are not.
 */
export function evidentWords(words: readonly OcrWord[], line: BBox, pad: number, sure: number): OcrWord[] {
  return words.filter((w) => {
    const cx = (w.bbox[0] + w.bbox[2]) / 2;
    if (cx >= line[0] - pad && cx <= line[2] + pad) return true;
    if (/^\p{N}+[.,;:]?$/u.test(w.text)) return w.conf >= sure;
    return w.conf >= HIDDEN_WORD_CONF && syllableShare(w.text) === 1;
  });
}

/** Centres of two lines closer than this share of the line's height are one printed row. */
const SAME_ROW = 0.35;

/**
 * Whether another line of the block, reaching out of the seal's disc, lies on `line`'s row:
 * then `line` is a part of a printed row crossing the seal ("PHÓ" of "PHÓ CHỦ TỊCH" whose
 * "CHỦ" the ring took), not the seal's own lettering, which has no row outside it.
 */
function onPrintedRow(line: OcrLine, lines: readonly OcrLine[], seal: SealRing): boolean {
  const h = line.bbox[3] - line.bbox[1];
  const cy = (line.bbox[1] + line.bbox[3]) / 2;
  return lines.some((o) => o !== line && !insideDisc(o.bbox, seal) && Math.abs((o.bbox[1] + o.bbox[3]) / 2 - cy) < SAME_ROW * h);
}

/**
 * Drops the seal's lettering from lines read over it (`lines`: one column's): lines lying
 * wholly inside the disc of a `dark` seal (see sealIsDark) with no printed row beyond it,
 * and, inside any seal, unconfident words that are not syllable-shaped (a ring's fragments
 * glued to the signer's title: "⁄Z*" before "PHÓ GIÁM ĐỐC"). A line left with fewer than
 * three letters or digits once such words are gone goes too.
 */
export function dropSealLettering<L extends OcrLine>(lines: readonly L[], seals: readonly SealRing[], dark: readonly SealRing[]): L[] {
  if (seals.length === 0) return [...lines];
  const out: L[] = [];
  for (const line of lines) {
    // Only a dark seal's lettering survives preparation as print-dark ink; inside a paler
    // seal's disc what is left is the title's print (a dev blurred page: "CHỦ" of "CHỦ TỊCH").
    if (dark.some((s) => insideDisc(line.bbox, s) && !onPrintedRow(line, lines, s))) continue;
    const words = line.words.filter((w) => {
      const cx = (w.bbox[0] + w.bbox[2]) / 2;
      const cy = (w.bbox[1] + w.bbox[3]) / 2;
      const limit = (w.text.match(/\p{L}/gu)?.length ?? 0) <= 2 ? LETTERING_SHORT_CONF : LETTERING_CONF;
      return !(w.conf < limit && syllableShare(w.text) < 1 && seals.some((s) => dist(cx, cy, s) <= s.r));
    });
    if (words.length === line.words.length) {
      out.push(line);
      continue;
    }
    if (words.reduce((n, w) => n + (w.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0), 0) < 3) continue;
    const bbox: BBox = [Math.min(...words.map((w) => w.bbox[0])), Math.min(...words.map((w) => w.bbox[1])), Math.max(...words.map((w) => w.bbox[2])), Math.max(...words.map((w) => w.bbox[3]))];
    out.push({ ...line, words, text: words.map((w) => w.text).join(' '), conf: words.reduce((n, w) => n + w.conf, 0) / words.length, bbox });
  }
  return out;
}
