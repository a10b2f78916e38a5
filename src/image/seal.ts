/**
 * Round seals on pages that carry no colour. A red seal is found and erased by its
 * chroma (marks.ts), but a 1-bit scan (office scanner, fax) or a grey copy turns it
 * into black ink: its ring runs through the signer's title and name, and Tesseract
 * reads the block as a picture or as garbage. Vietnamese official seals are round,
 * about 32–46 mm across (outer ring, an inner ring at about two thirds of the radius,
 * the agency's name between them, a star or emblem in the middle), so a seal is
 * found as a circle of that size whose circumference is nearly all ink while a
 * slightly larger circle is mostly paper. Its rings are erased (printed strokes that cross
 * them lose only the ring's width), and on a grey page the rest of its ink too, where its
 * grey level tells it from print (see removeSeals).
 */
import type { GrayImage } from './gray.js';

export interface Seal {
  /** Centre and radius of the outer ring, in pixels. */
  cx: number;
  cy: number;
  r: number;
  /** Share of the outer ring's circumference that is ink (0–1). */
  cover: number;
}

export interface SealOptions {
  /** Resolution of the image. */
  dpi: number;
  /** Gray level below which a pixel is ink (default 128). */
  inkBelow?: number;
  /** Radius range of the outer ring, in millimetres (default 15–23). */
  minRadiusMm?: number;
  maxRadiusMm?: number;
  /** At most this many seals per page (default 2). */
  max?: number;
}

/** Coarse grid used for the search: 16 cells per inch. */
const CELL_DPI = 16;
/** Angles sampled around a circle in the coarse search. */
const ANGLES = 72;
/** A ring: at least this share of the circumference is ink… */
const MIN_COVER = 0.8;
/** …and at least this share more than on the circle just outside it. */
const MIN_CONTRAST = 0.45;

/** Angle indices in bit-reversed-like spread order. */
const ORDER: number[] = (() => {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let div = 1; out.length < ANGLES; div *= 2) {
    for (let j = 0; j < div; j++) {
      const a = Math.floor(((2 * j + 1) * ANGLES) / (2 * div)) % ANGLES;
      if (!seen.has(a)) {
        seen.add(a);
        out.push(a);
      }
    }
    if (div > 4 * ANGLES) break;
  }
  for (let a = 0; a < ANGLES; a++) if (!seen.has(a)) out.push(a);
  return out;
})();

/** Refined on full-resolution pixels: the ring's cover and its lead over the circle outside. */
const REFINED_COVER = 0.6;
const REFINED_CONTRAST = 0.4;
/** Coarse candidates refined at most (the best-scoring first). */
const MAX_TRIES = 6;

interface Ring {
  /** Per angle, cell offsets (dy * gw + dx) of the ring (radius ± 0.7 cell). */
  on: Int32Array[];
  /** Per angle, the offset of the circle just outside. */
  out: Int32Array;
}

function ringOffsets(r: number, gw: number): Ring {
  const on: Int32Array[] = [];
  const out = new Int32Array(ANGLES);
  const ro = r + Math.max(2, 0.18 * r);
  for (let k = 0; k < ANGLES; k++) {
    // Spread order (0°, 180°, 90°, 270°, …) so a centre that fails fails within a few angles.
    const a = ORDER[k]!;
    const t = (2 * Math.PI * a) / ANGLES;
    const c = Math.cos(t);
    const s = Math.sin(t);
    const set = new Set<number>();
    for (const rr of [r - 0.7, r, r + 0.7]) set.add(Math.round(s * rr) * gw + Math.round(c * rr));
    on.push(Int32Array.from(set));
    out[k] = Math.round(s * ro) * gw + Math.round(c * ro);
  }
  return { on, out };
}

/**
 * Finds round seals: a coarse Hough-like search on a 25 dpi ink grid, then the centre and
 * radius refined on the image's own pixels.
 */
export function findSeals(img: GrayImage, options: SealOptions): Seal[] {
  const { width: w, height: h, data } = img;
  const ink = options.inkBelow ?? 128;
  const dpi = options.dpi;
  const cell = Math.max(1, Math.round(dpi / CELL_DPI));
  const gw = Math.floor(w / cell);
  const gh = Math.floor(h / cell);
  if (gw < 10 || gh < 10) return [];
  // A cell is ink when a few of its pixels are (a dotted, half-toned ring still counts; lone specks do not).
  const minInk = Math.max(2, Math.round((cell * cell) / 40));
  const grid = new Uint8Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let n = 0;
      for (let y = gy * cell; y < (gy + 1) * cell; y++) {
        const row = y * w;
        for (let x = gx * cell; x < (gx + 1) * cell; x++) if (data[row + x]! < ink) n++;
      }
      grid[gy * gw + gx] = n >= minInk ? 1 : 0;
    }
  }
  const cellsPerMm = CELL_DPI / 25.4;
  const rMin = Math.max(4, Math.floor((options.minRadiusMm ?? 15) * cellsPerMm));
  const rMax = Math.ceil((options.maxRadiusMm ?? 23) * cellsPerMm);
  const found: { gx: number; gy: number; r: number; score: number }[] = [];
  const maxMiss = Math.floor((1 - MIN_COVER) * ANGLES);
  // cover − outside ≥ MIN_CONTRAST  ⇔  misses + outside hits ≤ (1 − MIN_CONTRAST) · ANGLES.
  const maxBad = Math.floor((1 - MIN_CONTRAST) * ANGLES);
  for (let r = rMin; r <= rMax; r++) {
    const ring = ringOffsets(r, gw);
    const pad = Math.ceil(r + Math.max(2, 0.18 * r)) + 1;
    for (let gy = pad; gy < gh - pad; gy++) {
      for (let gx = pad; gx < gw - pad; gx++) {
        const c = gy * gw + gx;
        let miss = 0;
        let outside = 0;
        for (let a = 0; a < ANGLES; a++) {
          const offs = ring.on[a]!;
          let hit = false;
          for (let k = 0; k < offs.length; k++) {
            if (grid[c + offs[k]!]) {
              hit = true;
              break;
            }
          }
          if (!hit && ++miss > maxMiss) break;
          outside += grid[c + ring.out[a]!]!;
          if (miss + outside > maxBad) break;
        }
        if (miss > maxMiss || miss + outside > maxBad) continue;
        const cover = (ANGLES - miss) / ANGLES;
        if (cover - outside / ANGLES < MIN_CONTRAST) continue;
        found.push({ gx, gy, r, score: cover - outside / ANGLES });
      }
    }
  }
  found.sort((a, b) => b.score - a.score);
  const seals: Seal[] = [];
  const tried: { cx: number; cy: number }[] = [];
  for (const f of found) {
    if (seals.length >= (options.max ?? 2) || tried.length >= MAX_TRIES) break;
    const cx = (f.gx + 0.5) * cell;
    const cy = (f.gy + 0.5) * cell;
    // One refinement per place: candidates within a few cells of one tried are the same circle.
    if (tried.some((t) => Math.hypot(t.cx - cx, t.cy - cy) < 3 * cell)) continue;
    if (seals.some((s) => Math.hypot(s.cx - cx, s.cy - cy) < s.r + f.r * cell)) continue;
    tried.push({ cx, cy });
    const { outside, ...seal } = refine(img, ink, cx, cy, f.r * cell, cell, Math.max(1, Math.round(dpi / 150)));
    // On the image's own pixels the ring must hold: nearly closed, and clearly inkier than just outside.
    if (seal.cover < REFINED_COVER || seal.cover - outside < REFINED_CONTRAST) continue;
    // The circle found may be the inner ring or the lettering's band: take the outermost
    // ring around the same centre (up to 1.6× out, within the size limit).
    let best: Seal = seal;
    for (const k of [1.55, 1.4, 1.25, 1.12]) {
      const r0 = seal.r * k;
      if (r0 > rMax * cell + cell) continue;
      const { outside: o, ...wider } = refine(img, ink, seal.cx, seal.cy, r0, cell, Math.max(1, Math.round(dpi / 150)));
      if (wider.r > seal.r + cell && wider.cover >= REFINED_COVER && wider.cover - o >= REFINED_CONTRAST) {
        best = wider;
        break;
      }
    }
    seals.push(best);
  }
  return seals;
}

/** Angles sampled round a circle when refining. */
const REFINE_ANGLES = 360;
const COS = Float64Array.from({ length: REFINE_ANGLES }, (_, i) => Math.cos((2 * Math.PI * i) / REFINE_ANGLES));
const SIN = Float64Array.from({ length: REFINE_ANGLES }, (_, i) => Math.sin((2 * Math.PI * i) / REFINE_ANGLES));

/** Ink hits (of REFINE_ANGLES) on the circle (cx, cy, r), a hit when ink lies within ±tol px along the radius. */
function coverCount(img: GrayImage, ink: number, cx: number, cy: number, r: number, tol: number): number {
  const { width: w, height: h, data } = img;
  let k = 0;
  for (let i = 0; i < REFINE_ANGLES; i++) {
    for (let d = -tol; d <= tol; d++) {
      const x = Math.round(cx + (r + d) * COS[i]!);
      const y = Math.round(cy + (r + d) * SIN[i]!);
      if (x >= 0 && y >= 0 && x < w && y < h && data[y * w + x]! < ink) {
        k++;
        break;
      }
    }
  }
  return k;
}

/**
 * Centre and radius maximising the ink on a circle (a pixel counts when the ring is ink
 * within ±tol px along the radius: a half-toned ring is dotted), within a cell of the
 * coarse guess; `outside` is the same measure on a circle a fifth larger.
 *
 * The search tries (2·cell/step + 1)³ circles: each is read through pixel offsets
 * tabulated once per radius (the centre moves by whole pixels, so a circle's pixels are
 * the tabulated ones shifted), and a circle is left as soon as it can no longer beat the
 * best so far. Same result as sampling each circle afresh (dev: identical prepared pages),
 * about 3× less time.
 */
function refine(img: GrayImage, ink: number, cx0: number, cy0: number, r0: number, cell: number, tol: number): Seal & { outside: number } {
  const { width: w, height: h, data } = img;
  const n = REFINE_ANGLES;
  const step = Math.max(1, Math.round(cell / 6));
  let bestK = coverCount(img, ink, cx0, cy0, r0, tol);
  let best = { cx: cx0, cy: cy0, r: r0 };
  const reach = cell + Math.abs(r0) + cell + tol + 2;
  if (cx0 - reach >= 0 && cy0 - reach >= 0 && cx0 + reach < w && cy0 + reach < h) {
    // Every circle lies inside the image: offsets from (⌊cx0⌋, ⌊cy0⌋) per radius r0 + j.
    const bx = Math.floor(cx0);
    const by = Math.floor(cy0);
    const fx = cx0 - bx;
    const fy = cy0 - by;
    const jMin = -cell - tol;
    const jCount = 2 * (cell + tol) + 1;
    const offs = new Int32Array(jCount * n);
    for (let j = 0; j < jCount; j++) {
      const rr = r0 + (jMin + j);
      for (let i = 0; i < n; i++) offs[j * n + i] = Math.round(fy + rr * SIN[i]!) * w + Math.round(fx + rr * COS[i]!);
    }
    for (let dy = -cell; dy <= cell; dy += step) {
      for (let dx = -cell; dx <= cell; dx += step) {
        const base = (by + dy) * w + bx + dx;
        for (let dr = -cell; dr <= cell; dr += step) {
          const j0 = (dr - tol - jMin) * n;
          let k = 0;
          // A circle that cannot beat bestK even if every remaining angle hits is left.
          for (let i = 0; i < n && k + (n - i) > bestK; i++) {
            for (let d = 0, o = j0 + i; d <= 2 * tol; d++, o += n) {
              if (data[base + offs[o]!]! < ink) {
                k++;
                break;
              }
            }
          }
          if (k > bestK) {
            bestK = k;
            best = { cx: cx0 + dx, cy: cy0 + dy, r: r0 + dr };
          }
        }
      }
    }
  } else {
    for (let dy = -cell; dy <= cell; dy += step) {
      for (let dx = -cell; dx <= cell; dx += step) {
        for (let dr = -cell; dr <= cell; dr += step) {
          const k = coverCount(img, ink, cx0 + dx, cy0 + dy, r0 + dr, tol);
          if (k > bestK) {
            bestK = k;
            best = { cx: cx0 + dx, cy: cy0 + dy, r: r0 + dr };
          }
        }
      }
    }
  }
  return { ...best, cover: bestK / n, outside: coverCount(img, ink, best.cx, best.cy, best.r * 1.2, tol) / n };
}

/**
 * Radial ink profile around a seal: for each offset d (pixels) from the outer radius,
 * the share of 360 directions in which the pixel at radius r + d is ink.
 */
function radialProfile(img: GrayImage, ink: number, seal: Seal, from: number, to: number): Float64Array {
  const { width: w, height: h, data } = img;
  const out = new Float64Array(to - from + 1);
  for (let i = 0; i < 360; i++) {
    const c = Math.cos((i * Math.PI) / 180);
    const s = Math.sin((i * Math.PI) / 180);
    for (let d = from; d <= to; d++) {
      const x = Math.round(seal.cx + (seal.r + d) * c);
      const y = Math.round(seal.cy + (seal.r + d) * s);
      if (x >= 0 && y >= 0 && x < w && y < h && data[y * w + x]! < ink) out[d - from]! += 1 / 360;
    }
  }
  return out;
}

/** The band of offsets around `centre` whose profile stays above half its peak. */
function band(profile: Float64Array, from: number, centre: number, limit: number): [number, number] | null {
  let peakAt = centre;
  for (let d = centre - limit; d <= centre + limit; d++) if (profile[d - from]! > profile[peakAt - from]!) peakAt = d;
  const peak = profile[peakAt - from]!;
  if (peak < 0.25) return null;
  let lo = peakAt;
  let hi = peakAt;
  while (lo - 1 - from >= 0 && profile[lo - 1 - from]! >= 0.5 * peak && peakAt - lo < limit) lo--;
  while (hi + 1 - from < profile.length && profile[hi + 1 - from]! >= 0.5 * peak && hi - peakAt < limit) hi++;
  return [lo, hi];
}

export interface SealEraseResult {
  image: GrayImage;
  seals: Seal[];
  /** Pixels turned to paper. */
  erased: number;
}

/**
 * Finds round seals and erases them. A grey seal lighter than the print loses every pixel
 * lighter than halfway between the two levels, except on the signer's text rows, where only
 * its rings go. A seal as dark as the print (1-bit) loses its rings (outer, and inner where
 * found).
 */
export function removeSeals(img: GrayImage, options: SealOptions): SealEraseResult {
  const seals = findSeals(img, options);
  if (seals.length === 0) return { image: img, seals, erased: 0 };
  const ink = options.inkBelow ?? 128;
  const { width: w, height: h } = img;
  const out = new Uint8Array(img.data);
  let erased = 0;
  const px = options.dpi / 25.4;
  for (const seal of seals) {
    // Outer ring: about 0.8 mm of ink, searched within ±2 mm of the refined radius.
    const lim = Math.round(2 * px);
    const from = -Math.round(0.45 * seal.r);
    const profile = radialProfile(img, ink, seal, from, lim);
    const bands: [number, number][] = [];
    const outer = band(profile, from, 0, Math.max(2, Math.round(0.6 * px)));
    if (outer) bands.push(outer);
    // Inner ring at about 0.6–0.75 of the radius.
    const innerAt = -Math.round(0.32 * seal.r);
    const inner = band(profile, from, innerAt, Math.round(0.08 * seal.r));
    if (inner && inner[1] - inner[0] <= Math.round(1 * px)) bands.push(inner);
    const erase = (i: number): void => {
      if (out[i]! < 255) {
        if (img.data[i]! < ink) erased++;
        out[i] = 255;
      }
    };
    // A grey seal printed lighter than the text: everything inside it lighter than halfway
    // between the two is the seal (lettering, star, inner ring) and goes; text stays.
    const level = outer ? sealLevel(img, ink, seal, outer) : null;
    if (outer && level && level.seal - level.text >= MIN_LEVEL_GAP) {
      // On the signer's text rows only the rings go: flattening lightens print over a seal,
      // so grey level alone would take letters with it.
      const cut = (level.seal + level.text) / 2;
      const r1 = seal.r + outer[1] + 1.5;
      const rows = textRows(img.data, w, h, ink, seal, r1);
      const ringAt = (i: number): boolean => {
        const d = Math.hypot((i % w) - seal.cx, Math.floor(i / w) - seal.cy);
        return bands.some(([lo, hi]) => d >= seal.r + lo - 3 && d <= seal.r + hi + 3);
      };
      forDisk(seal, 0, r1, w, h, (i) => {
        if (img.data[i]! > cut && (!rows.at(Math.floor(i / w)) || ringAt(i))) erase(i);
      });
      continue;
    }
    // As dark as the print (1-bit): only the rings go. Erasing the lettering and star too (ink
    // wholly inside the disk and off the signer's text rows) read worse on the dev 1-bit 200 dpi
    // seal pages (105 character errors against 77 with the rings alone, 134 without erasing).
    for (const [lo, hi] of bands) forDisk(seal, seal.r + lo - 3, seal.r + hi + 3, w, h, erase);
  }
  return { image: { data: out, width: w, height: h }, seals, erased };
}

/** Grey levels at least this far apart tell a seal's ink from the text's. */
const MIN_LEVEL_GAP = 35;

/** Calls `f` with the index of every pixel whose distance from the seal's centre is in [r0, r1]. */
function forDisk(seal: Seal, r0: number, r1: number, w: number, h: number, f: (i: number) => void): void {
  const y0 = Math.max(0, Math.floor(seal.cy - r1));
  const y1 = Math.min(h - 1, Math.ceil(seal.cy + r1));
  const x0 = Math.max(0, Math.floor(seal.cx - r1));
  const x1 = Math.min(w - 1, Math.ceil(seal.cx + r1));
  for (let y = y0; y <= y1; y++) {
    const dy = y - seal.cy;
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x - seal.cx, dy);
      if (d >= r0 && d <= r1) f(y * w + x);
    }
  }
}

/**
 * The seal's ink level (median of the outer ring's ink) and the text's (median of the ink
 * just around the seal), or null when either has too few pixels to tell.
 */
function sealLevel(img: GrayImage, ink: number, seal: Seal, outer: [number, number]): { seal: number; text: number } | null {
  const ring = new Uint32Array(256);
  const disk = new Uint32Array(256);
  forDisk(seal, seal.r + outer[0], seal.r + outer[1], img.width, img.height, (i) => {
    const v = img.data[i]!;
    if (v < ink) ring[v]!++;
  });
  // The text's ink is measured around the seal (the title and name run out of it), not
  // inside it, where a black signature would pass for the text.
  forDisk(seal, seal.r + outer[1] + 3, seal.r * 1.6, img.width, img.height, (i) => {
    const v = img.data[i]!;
    if (v < ink) disk[v]!++;
  });
  const quantile = (hist: Uint32Array, q: number): number | null => {
    let n = 0;
    for (let v = 0; v < 256; v++) n += hist[v]!;
    if (n < 50) return null;
    let k = 0;
    for (let v = 0; v < 256; v++) {
      k += hist[v]!;
      if (k >= q * n) return v;
    }
    return 255;
  };
  const s = quantile(ring, 0.5);
  const t = quantile(disk, 0.5);
  return s === null || t === null ? null : { seal: s, text: t };
}

/**
 * The signer's text rows beside a seal, as a test on a page row: rows of ink in a strip
 * just right of the disk, in runs high enough to be print, widened for marks above and below.
 */
function textRows(data: Uint8Array, w: number, h: number, ink: number, seal: Seal, rOuter: number): { at: (y: number) => boolean } {
  const x1 = Math.min(w - 1, Math.ceil(seal.cx + rOuter));
  const y0 = Math.max(0, Math.floor(seal.cy - rOuter));
  const y1 = Math.min(h - 1, Math.ceil(seal.cy + rOuter));
  const bh = y1 - y0 + 1;
  // Text rows: ink right of the star, off the lettering's band, and in a strip just right
  // of the disk (a seal is set over the left part of the signature, so the title and name
  // run out of it on the right; on the left may lie another column, whose rows would not be
  // the signer's).
  const strip = Math.round(0.8 * seal.r);
  const gap = 4;
  const rows = new Uint8Array(bh);
  for (let y = y0; y <= y1; y++) {
    let n = 0;
    const dy2 = (y - seal.cy) ** 2;
    for (let x = Math.max(0, Math.round(seal.cx + 0.3 * seal.r)); x < Math.min(w, x1 + gap + strip); x++) {
      // Inside the disk only between the star and the lettering's band.
      const d2 = (x - seal.cx) ** 2 + dy2;
      if (d2 >= (0.6 * seal.r) ** 2 && d2 <= (rOuter + gap) ** 2) continue;
      if (data[y * w + x]! < ink) n++;
    }
    if (n >= Math.max(3, 0.06 * strip)) rows[y - y0] = 1;
  }
  // A printed line is a run of such rows at least a fifth of the seal's radius high (the
  // x-height of 11–14 pt print); a signature stroke leaving the disk gives short runs.
  const minRun = Math.round(0.08 * seal.r);
  for (let y = 0; y < bh; ) {
    if (!rows[y]) {
      y++;
      continue;
    }
    let e = y;
    while (e < bh && rows[e]) e++;
    if (e - y < minRun) rows.fill(0, y, e);
    y = e;
  }
  // Widen each row a little (accents above, descenders below).
  const pad = Math.max(2, Math.round(0.08 * seal.r));
  const near = new Uint8Array(bh);
  for (let y = 0; y < bh; y++) {
    if (!rows[y]) continue;
    for (let k = Math.max(0, y - pad); k <= Math.min(bh - 1, y + pad); k++) near[k] = 1;
  }
  return { at: (y: number) => y >= y0 && y <= y1 && near[y - y0] === 1 };
}
