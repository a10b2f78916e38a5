/**
 * Round seals (con dấu) on a grey or 1-bit scan: the seal's ink cannot be told from
 * print by colour, and its outer ring cuts through the title and name lines of the
 * signature block it overlaps ("Cao Hữu Hiếu" read as "Hữu Hiếu", "Lương Đức Hương" as
 * "Lư" and "ức Hương"). The ring is found as a circle: a Hough vote over ink edges on a
 * ~50 dpi copy, then checked at full resolution (ink must run round most of the
 * circumference, and much less just outside it). The OCR stage then reads the lines
 * it crosses again (engine.ts).
 */
import type { BBox } from '../types.js';

export interface GrayPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface SealRing {
  cx: number;
  cy: number;
  /** Radius of the ring's middle, pixels. */
  r: number;
  /** The ring's ink spans radii r + inner … r + outer (inner ≤ 0 ≤ outer). */
  inner: number;
  outer: number;
  /** Share of the circumference with ink on the ring, 0–1. */
  coverage: number;
  bbox: BBox;
}

export interface SealOptions {
  /** Smallest and largest seal radius in millimetres (default 14–24: seals of 28–48 mm). */
  minRadiusMm?: number;
  maxRadiusMm?: number;
  /** Pixels at or below this grey are ink (default 170: grey seal ink of worn copies too). */
  inkLevel?: number;
  /** Least share of the circumference inked (default 0.6). */
  minCoverage?: number;
}

/** Share of `angles` points round (cx, cy) at radius r with ink within ±tol pixels radially. */
function ringCoverage(img: GrayPixels, cx: number, cy: number, r: number, tol: number, level: number, angles = 360): number {
  let hit = 0;
  let n = 0;
  for (let k = 0; k < angles; k++) {
    const a = (2 * Math.PI * k) / angles;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const x0 = cx + c * r;
    const y0 = cy + s * r;
    if (x0 < 0 || y0 < 0 || x0 >= img.width || y0 >= img.height) continue;
    n++;
    for (let d = -tol; d <= tol; d++) {
      const x = Math.round(cx + c * (r + d));
      const y = Math.round(cy + s * (r + d));
      if (x >= 0 && y >= 0 && x < img.width && y < img.height && img.data[y * img.width + x]! <= level) {
        hit++;
        break;
      }
    }
  }
  // A ring mostly off the page is not judged.
  return n >= 0.6 * angles ? hit / n : 0;
}

/**
 * The most prominent round seal ring on the page, or null. `dpi` gives the expected
 * radius range; the search costs one pass over a ~50 dpi copy of the page.
 */
export function findSealRing(img: GrayPixels, dpi: number, options: SealOptions = {}): SealRing | null {
  const level = options.inkLevel ?? 170;
  const minCoverage = options.minCoverage ?? 0.6;
  const f = Math.max(1, Math.round(dpi / 50));
  const sw = Math.floor(img.width / f);
  const sh = Math.floor(img.height / f);
  if (sw < 20 || sh < 20) return null;
  const small = new Uint8Array(sw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      let sum = 0;
      for (let dy = 0; dy < f; dy++) {
        const row = (y * f + dy) * img.width + x * f;
        for (let dx = 0; dx < f; dx++) sum += img.data[row + dx]!;
      }
      small[y * sw + x] = Math.round(sum / (f * f));
    }
  }
  const mm = dpi / 25.4 / f;
  const rMin = Math.max(4, Math.floor((options.minRadiusMm ?? 14) * mm));
  const rMax = Math.ceil((options.maxRadiusMm ?? 24) * mm);
  const nr = rMax - rMin + 1;
  // Centres voted on a grid of 2 small pixels, per radius.
  const gw = Math.ceil(sw / 2);
  const gh = Math.ceil(sh / 2);
  const acc = new Uint16Array(gw * gh * nr);
  const smallLevel = Math.min(230, level + 30);
  for (let y = 1; y < sh - 1; y++) {
    for (let x = 1; x < sw - 1; x++) {
      const i = y * sw + x;
      if (small[i]! > smallLevel) continue;
      // Edge pixels only: ink with paper beside it.
      if (small[i - 1]! <= smallLevel && small[i + 1]! <= smallLevel && small[i - sw]! <= smallLevel && small[i + sw]! <= smallLevel) continue;
      const gx = small[i - sw + 1]! + 2 * small[i + 1]! + small[i + sw + 1]! - small[i - sw - 1]! - 2 * small[i - 1]! - small[i + sw - 1]!;
      const gy = small[i + sw - 1]! + 2 * small[i + sw]! + small[i + sw + 1]! - small[i - sw - 1]! - 2 * small[i - sw]! - small[i - sw + 1]!;
      const g = Math.hypot(gx, gy);
      if (g < 40) continue;
      const ux = gx / g;
      const uy = gy / g;
      // The ring's outer edge brightens outward (centre behind), its inner edge inward (centre ahead).
      for (const sign of [-1, 1]) {
        for (let k = 0; k < nr; k++) {
          const r = rMin + k;
          const cx = Math.round((x + sign * ux * r) / 2);
          const cy = Math.round((y + sign * uy * r) / 2);
          if (cx < 0 || cy < 0 || cx >= gw || cy >= gh) continue;
          const j = (cy * gw + cx) * nr + k;
          if (acc[j]! < 65535) acc[j]!++;
        }
      }
    }
  }
  // Best few candidates (votes normalised by circumference), then checked at full resolution.
  const cands: Array<{ cx: number; cy: number; k: number; score: number }> = [];
  for (let c = 0; c < gw * gh; c++) {
    for (let k = 0; k < nr; k++) {
      const v = acc[c * nr + k]!;
      if (v < 8) continue;
      const score = v / (rMin + k);
      if (cands.length < 8 || score > cands[cands.length - 1]!.score) {
        cands.push({ cx: c % gw, cy: Math.floor(c / gw), k, score });
        cands.sort((a, b) => b.score - a.score);
        if (cands.length > 8) cands.pop();
      }
    }
  }
  let best: SealRing | null = null;
  const tol = Math.max(2, Math.round(dpi / 100));
  for (const cand of cands) {
    // Refine around the coarse cell at full resolution.
    let top = { cx: 0, cy: 0, r: 0, cov: -1 };
    const cx0 = (cand.cx * 2 + 0.5) * f;
    const cy0 = (cand.cy * 2 + 0.5) * f;
    const r0 = (rMin + cand.k) * f;
    const step = Math.max(1, Math.round(f / 2));
    for (let dy = -2 * f; dy <= 2 * f; dy += step) {
      for (let dx = -2 * f; dx <= 2 * f; dx += step) {
        for (let dr = -f; dr <= f; dr += step) {
          const cov = ringCoverage(img, cx0 + dx, cy0 + dy, r0 + dr, tol, level, 120);
          if (cov > top.cov) top = { cx: cx0 + dx, cy: cy0 + dy, r: r0 + dr, cov };
        }
      }
    }
    const coverage = ringCoverage(img, top.cx, top.cy, top.r, tol, level);
    if (coverage < minCoverage) continue;
    // Text or a dense picture inks any circle; a ring stands out from the circles just outside it.
    const outside = ringCoverage(img, top.cx, top.cy, top.r * 1.15, tol, level);
    if (outside > 0.5 * coverage) continue;
    if (best && best.coverage >= coverage) continue;
    const band = ringBand(img, top.cx, top.cy, top.r, level, Math.max(3, Math.round(dpi / 25)));
    const R = top.r + band.outer;
    best = {
      cx: top.cx,
      cy: top.cy,
      r: top.r,
      inner: band.inner,
      outer: band.outer,
      coverage,
      bbox: [Math.max(0, Math.floor(top.cx - R)), Math.max(0, Math.floor(top.cy - R)), Math.min(img.width, Math.ceil(top.cx + R)), Math.min(img.height, Math.ceil(top.cy + R))],
    };
  }
  return best;
}

/** Radial extent of the ring's ink: the offsets round r where ink runs round much of the circle. */
function ringBand(img: GrayPixels, cx: number, cy: number, r: number, level: number, reach: number): { inner: number; outer: number } {
  const share = (d: number): number => ringCoverage(img, cx, cy, r + d, 0, level, 240);
  const peak = share(0);
  let inner = 0;
  while (inner > -reach && share(inner - 1) >= 0.5 * peak) inner--;
  let outer = 0;
  while (outer < reach && share(outer + 1) >= 0.5 * peak) outer++;
  return { inner, outer };
}
