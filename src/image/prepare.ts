/**
 * prepare(): one page image → a clean, upright, level grayscale PNG for OCR,
 * with a record of what was done and the map back to the original pixels.
 */
import type { Affine, BBox, PageImage, PageMark, PreparedImage, SealRing } from '../types.js';
import { eraseMarks, findColourMarks } from './marks.js';
import { VanbanError } from '../errors.js';
import { compose, invert, IDENTITY, quarterTurnAffine, scaleAffine } from '../affine.js';
import { binarizeOtsu, binarizeSauvola } from './binarize.js';
import { normalizeContrast } from './contrast.js';
import { flattenAndNormalize, flattenBackground } from './flatten.js';
import { decodeGray, downscaleMean, encodePng, type GrayImage, resizeGray, rotateRight } from './gray.js';
import { findPageQuad, straightenLines, warpQuad } from './dewarp.js';
import { detectOrientationPoints, MIN_CONTRAST } from './orientation.js';
import { rotateGray } from './rotate.js';
import { removeRules } from './rules.js';
import { removeSeals } from './seal.js';
import { blurGray, edgeWidth, isBilevel, unsharpGray } from './sharpness.js';
import { imageStats } from './stats.js';
import { inkPoints, measureSkewPoints } from './skew.js';
import { despeckle, removeLoneSpecks, speckleRatio } from './speckle.js';

export interface PrepareOptions {
  /** Divide out uneven illumination / paper colour. Default true. */
  flatten?: boolean;
  /** Stretch ink to black and paper to white. Default true. */
  normalize?: boolean;
  /**
   * Speck removal (a 3×3 median applied to isolated ink pixels, see speckle.ts).
   * 'auto' (default) runs it when more than SPECKLE_THRESHOLD of the ink is
   * isolated specks; on the noisy fixtures it cut the CER from 0.139 to 0.109.
   */
  denoise?: boolean | 'auto';
  /**
   * Erase lone specks of a 1-bit scan at its own resolution, before any resampling
   * (see removeLoneSpecks): 'auto' (default) on 1-bit pages, true: any page, false: never.
   */
  specks?: boolean | 'auto';
  /** Detect and undo 90/180/270° page turns. Default true. */
  orient?: boolean;
  /**
   * Phone photos: find the sheet on its background, undo the perspective and
   * straighten curled text lines. Default true (scans, paper to their edges, are left alone).
   */
  dewarp?: boolean;
  /** Measure skew and level the page. Default true. */
  deskew?: boolean;
  /**
   * Erase ruling lines (underlines, table borders, form lines) where no glyph
   * stroke crosses them, so text touching a rule is not read as one glued word.
   * 'auto' (default): on 1-bit scans of 220 dpi or less, where a rule's staircase
   * fuses with descenders and dots below (see README); true: always; false: never.
   */
  rules?: boolean | 'auto';
  /**
   * Erase round seals found by shape (see seal.ts): 'auto' (default) on pages where no
   * colour mark was found (1-bit and grey scans, where a red seal has become black or grey
   * ink that colour cannot tell from print); true: every page; false: never.
   */
  seals?: boolean | 'auto';
  /**
   * Find red stamps and seals and blue pen by colour, erase them from the image and
   * list them as marks (colour inputs only). Default true.
   */
  marks?: boolean;
  /**
   * Unsharp-mask a blurred page, chosen per page from its measured edge width
   * ('auto'), always (true) or never (false, default).
   */
  sharpen?: boolean | 'auto';
  /**
   * Gaussian σ (in pixels at the page's own resolution) to soften a 1-bit scan
   * before OCR, or false. Default false.
   */
  smoothBilevel?: number | false;
  /** Hand the engine a bilevel image instead of grayscale. Default false. */
  binarize?: false | 'otsu' | 'sauvola';
  /** Resolution to resample to when the input is outside [minDpi, maxDpi]. Default 300. */
  targetDpi?: number;
  /**
   * Upscale pages below this resolution. Default 150: on the 200 dpi fixtures,
   * upscaling to 300 doubled the CER (resampled speckle reads as diacritics).
   */
  minDpi?: number;
  /** Downscale pages above this resolution (OCR time grows with pixels, accuracy does not). Default 450. */
  maxDpi?: number;
  /** Skew below this magnitude (degrees) is measured but not corrected. Default 0.05. */
  minSkew?: number;
  /** Largest skew searched (degrees). Default 10. */
  maxSkew?: number;
  /** Source file name, for error messages. */
  file?: string;
}

/** Per preparation step in this process: calls, wall ms and process CPU ms (sharp's threads included). */
const stepTimes = new Map<string, { calls: number; ms: number; cpuMs: number }>();

/** A copy of the per-step timings of prepare() in this process, for benches and profiling (CPU is the steadier figure on a loaded machine). */
export function prepareStepStats(): Record<string, { calls: number; ms: number; cpuMs: number }> {
  return Object.fromEntries([...stepTimes].map(([k, v]) => [k, { ...v }]));
}

/** Adds the time since the last lap to `name`'s totals. */
function stopwatch(): (name: string) => void {
  let t = performance.now();
  let c = process.cpuUsage();
  return (name) => {
    const now = performance.now();
    const d = process.cpuUsage(c);
    const s = stepTimes.get(name) ?? { calls: 0, ms: 0, cpuMs: 0 };
    s.calls += 1;
    s.ms += now - t;
    s.cpuMs += (d.user + d.system) / 1000;
    stepTimes.set(name, s);
    t = now;
    c = process.cpuUsage();
  };
}

/** Ink pixels of the prepared page are counted up to this (see PreparedImage.inkPixels). */
export const INK_COUNT_CAP = 10_000;

/** Speckle share above which 'auto' denoising runs: clean and moderate fixtures measure ≤ 0.027, noisy ones ≥ 0.069. */
export const SPECKLE_THRESHOLD = 0.045;

/** Edge width (px, 25–75 %) from which a page counts as blurred: about 3 px at 300 dpi (sharp scans measure 1–2). */
function blurredEdge(dpi: number): number {
  return Math.max(3, Math.round((3 * dpi) / 300));
}

/** 1-bit pages up to this resolution have their ruling lines erased by default. */
const RULES_MAX_DPI = 220;

/** 1-bit pages below this resolution are resampled to targetDpi. */
const BILEVEL_MIN_DPI = 280;

/** Working resolution of the copy used for skew and orientation measurement. */
const MEASURE_DPI = 150;

/**
 * Image files often carry a wrong resolution (72 dpi from cameras and editors,
 * or none, which the reader reports as 300). When the claimed size is not a
 * plausible document (long side under 4 in or over 17 in, i.e. outside
 * A7…A3), assume an A4-tall page (11.69 in long side). PDF pages keep their
 * dpi: it comes from the page size.
 */
export function plausibleDpi(page: Pick<PageImage, 'dpi' | 'origin'>, width: number, height: number): number {
  if (page.origin !== 'image-file') return page.dpi;
  const longSide = Math.max(width, height);
  const inches = longSide / page.dpi;
  if (inches >= 4 && inches <= 17) return page.dpi;
  return Math.round(longSide / 11.69);
}

/**
 * Grayscale → (rescale) → flatten + normalize → (despeckle) → 90/180/270° turn
 * → deskew. Each step runs only where it is needed and is named in `steps`;
 * `toPage` maps prepared pixels back to `page`'s pixels.
 */
export async function prepare(page: PageImage, options: PrepareOptions = {}): Promise<PreparedImage> {
  const targetDpi = options.targetDpi ?? 300;
  const minDpi = options.minDpi ?? 150;
  const maxDpi = options.maxDpi ?? 450;
  const minSkew = options.minSkew ?? 0.05;
  const maxSkew = options.maxSkew ?? 10;
  const what = `page ${page.pageNumber}`;
  const file = options.file;
  if (!Number.isFinite(page.dpi) || page.dpi <= 0) {
    throw new VanbanError('USAGE', `${what} has an invalid resolution (${page.dpi} dpi); pass a positive dpi`, file ? { file } : {});
  }

  const steps: string[] = [];
  const lap = stopwatch();
  let img: GrayImage;
  try {
    img = await decodeGray(page.data, what);
  } catch (err) {
    if (err instanceof VanbanError && file) throw new VanbanError(err.code, err.message, { file, cause: err.cause });
    throw err;
  }
  steps.push('grayscale');
  lap('decode');
  const bilevel = isBilevel(img);
  let marks: PageMark[] = [];
  if (options.marks !== false) {
    const found = await findColourMarks(page.data, plausibleDpi(page, img.width, img.height)).catch(() => undefined);
    if (found && found.marks.length) {
      img = eraseMarks(img, found);
      marks = found.marks;
      steps.push('erase-marks');
    }
    lap('colour-marks');
  }
  const pageWidth = img.width;
  const pageHeight = img.height;
  // Forward map: PageImage pixel → current pixel.
  let fwd: Affine = IDENTITY;
  let dpi = page.dpi;

  const guessed = plausibleDpi(page, img.width, img.height);
  const sourceDpi = guessed;
  const stats = imageStats(img, sourceDpi, bilevel);
  lap('stats');
  if (guessed !== dpi) {
    dpi = guessed;
    steps.push('estimate-dpi');
  }
  const quad = options.dewarp !== false ? findPageQuad(img) : undefined;
  if (quad) {
    const w = warpQuad(img, quad);
    fwd = compose(w.forward, fwd);
    img = w.image;
    // A photo's pixel density is the camera's; an A-series sheet (aspect √2) gives the print's.
    const aspect = Math.max(img.width, img.height) / Math.min(img.width, img.height);
    if (Math.abs(aspect / Math.SQRT2 - 1) < 0.08) dpi = Math.round(Math.max(img.width, img.height) / 11.69);
    steps.push('perspective');
  }
  lap('dewarp');
  const specks = options.specks ?? 'auto';
  if (specks === true || (specks === 'auto' && bilevel)) {
    const r = removeLoneSpecks(img, dpi);
    if (r.erased > 0) {
      img = r.image;
      steps.push('remove-specks');
    }
  }
  lap('specks');
  // A 1-bit scan below 300 dpi is upscaled whatever minDpi says: resampling gives its
  // staircase edges the grey ramps the recognizer was trained on (dev set, 1-bit 200 dpi:
  // 2.7 % → 1.0 % CER). Grey pages keep their resolution (150 dpi upscaled read worse).
  const upscaleBilevel = bilevel && options.minDpi === undefined && dpi < BILEVEL_MIN_DPI;
  if (dpi < minDpi || dpi > maxDpi || upscaleBilevel) {
    const s = targetDpi / dpi;
    const w = Math.max(1, Math.round(img.width * s));
    const h = Math.max(1, Math.round(img.height * s));
    fwd = compose(scaleAffine(img.width, img.height, w, h), fwd);
    img = await resizeGray(img, w, h, s > 1 ? 'lanczos3' : 'linear');
    steps.push(s > 1 ? 'upscale' : 'downscale');
    dpi = targetDpi;
  }
  lap('rescale');

  if (options.flatten !== false && options.normalize !== false) {
    const r = flattenAndNormalize(img, { dpi });
    img = r.image;
    if (r.flattened) steps.push('flatten');
    if (r.normalized) steps.push('normalize');
  } else if (options.flatten !== false) {
    img = flattenBackground(img, { dpi });
    steps.push('flatten');
  } else if (options.normalize !== false) {
    const n = normalizeContrast(img);
    if (n.image !== img) {
      img = n.image;
      steps.push('normalize');
    }
  }
  lap('flatten');
  // Off by default: on the speckled dev pages the mask sharpened the noise too (blur σ 1.2: 4.8 % → 19 % CER).
  const sharpen = options.sharpen ?? false;
  if (!bilevel && (sharpen === true || (sharpen === 'auto' && edgeWidth(img) >= blurredEdge(dpi)))) {
    img = await unsharpGray(img, Math.max(0.8, dpi / 300), 1.2);
    steps.push('sharpen');
  }
  if (options.denoise === true || ((options.denoise ?? 'auto') === 'auto' && speckleRatio(img) > SPECKLE_THRESHOLD)) {
    img = despeckle(img);
    steps.push('denoise');
  }
  lap('denoise');

  let rotation: 0 | 90 | 180 | 270 = 0;
  let skew = 0;
  let orientationUncertain = false;
  if (options.orient !== false || options.deskew !== false) {
    const small = downscaleMean(img, Math.max(1, Math.round(dpi / MEASURE_DPI)));
    const pts = inkPoints(small);
    if (options.orient !== false) {
      const o = detectOrientationPoints(pts, undefined, maxSkew);
      rotation = o.rotation;
      skew = o.skew.angle;
      orientationUncertain = o.uncertain;
    } else {
      const m = measureSkewPoints(pts, { maxAngle: maxSkew });
      skew = m.contrast < MIN_CONTRAST ? 0 : m.angle;
    }
    if (Math.abs(skew) > maxSkew) skew = 0;
    skew = Math.round(skew * 1000) / 1000 + 0; // + 0: no −0 in the output
  }
  lap('measure');
  if (rotation !== 0) {
    const q = (rotation / 90) as 1 | 2 | 3;
    fwd = compose(quarterTurnAffine(q, img.width, img.height), fwd);
    img = rotateRight(img, q);
    steps.push(`rotate${rotation}`);
  }
  if (options.deskew !== false && Math.abs(skew) >= minSkew) {
    const r = rotateGray(img, skew);
    fwd = compose(r.forward, fwd);
    img = r.image;
    steps.push('deskew');
  }
  lap('rotate');
  if (quad) {
    // Line straightening is measured on level lines, so it follows orientation and deskew.
    const s = straightenLines(img, { dpi });
    if (s.range > 0) {
      img = s.image;
      steps.push('straighten');
    }
  }
  const seals = options.seals ?? 'auto';
  let sealRings: SealRing[] | undefined;
  if (seals === true || (seals === 'auto' && marks.length === 0)) {
    // A grey seal (a red one scanned in grey) is lighter than print: find it by a looser threshold.
    const r = removeSeals(img, { dpi, inkBelow: bilevel ? 128 : 170 });
    if (r.erased > 0) {
      img = r.image;
      steps.push('remove-seals');
    }
    // Found once, here: the OCR stage re-reads the lines near them and lists them as marks.
    const margin = Math.round(dpi / 25.4);
    sealRings = r.seals.map((s) => {
      const R = s.r + margin;
      const bbox: BBox = [Math.max(0, Math.floor(s.cx - R)), Math.max(0, Math.floor(s.cy - R)), Math.min(img.width, Math.ceil(s.cx + R)), Math.min(img.height, Math.ceil(s.cy + R))];
      return { cx: s.cx, cy: s.cy, r: s.r, coverage: Math.round(100 * s.cover) / 100, bbox };
    });
  }
  lap('seals');
  const smooth = options.smoothBilevel ?? false;
  if (bilevel && smooth !== false && smooth > 0) {
    img = await blurGray(img, smooth * (dpi / page.dpi));
    steps.push('smooth');
  }
  // Only 1-bit low-resolution scans by default: on grey and 300 dpi pages Tesseract reads
  // underlined text well, and a signature's baseline removed lets its scrawl be read as letters.
  const rules = options.rules ?? 'auto';
  if (rules === true || (rules === 'auto' && bilevel && sourceDpi <= RULES_MAX_DPI)) {
    const r = removeRules(img, { dpi });
    if (r.erased > 0) {
      img = r.image;
      steps.push('remove-rules');
    }
  }
  lap('rules');
  if (options.binarize === 'otsu') {
    img = binarizeOtsu(img);
    steps.push('binarize-otsu');
  } else if (options.binarize === 'sauvola') {
    img = binarizeSauvola(img, { window: Math.round(dpi / 10) | 1 });
    steps.push('binarize-sauvola');
  }

  const png = await encodePng(img);
  let inkPixels = 0;
  for (let i = 0; i < img.data.length && inkPixels < INK_COUNT_CAP; i++) if (img.data[i]! <= 128) inkPixels++;
  lap('encode');
  return {
    pageNumber: page.pageNumber,
    png,
    gray: { data: img.data, width: img.width, height: img.height },
    width: img.width,
    height: img.height,
    dpi,
    skew,
    rotation,
    steps,
    toPage: invert(fwd),
    pageWidth,
    pageHeight,
    ...(orientationUncertain ? { orientationUncertain } : {}),
    ...(marks.length ? { marks } : {}),
    ...(sealRings ? { seals: sealRings } : {}),
    inkPixels,
    imageStats: stats,
  };
}
