/** Helpers for the Affine type (shared by preprocessing, OCR and the PDF content reader): x' = a·x + c·y + e, y' = b·x + d·y + f. */
import type { Affine } from './types.js';

export const IDENTITY: Affine = [1, 0, 0, 1, 0, 0];

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** compose(p, q) = p ∘ q: apply q first, then p. */
export function compose(p: Affine, q: Affine): Affine {
  const [a1, b1, c1, d1, e1, f1] = p;
  const [a2, b2, c2, d2, e2, f2] = q;
  return [
    a1 * a2 + c1 * b2,
    b1 * a2 + d1 * b2,
    a1 * c2 + c1 * d2,
    b1 * c2 + d1 * d2,
    a1 * e2 + c1 * f2 + e1,
    b1 * e2 + d1 * f2 + f1,
  ];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * d - b * c;
  if (det === 0) throw new RangeError('singular affine transform');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  // `+ 0` turns −0 into 0, so an identity stays a plain identity.
  return [ia + 0, ib + 0, ic + 0, id + 0, -(ia * e + ic * f) + 0, -(ib * e + id * f) + 0];
}

/**
 * Forward map (old pixel → new pixel) of a clockwise quarter-turn rotation of a
 * w×h image, in pixel-index coordinates.
 */
export function quarterTurnAffine(quarterTurns: 0 | 1 | 2 | 3, w: number, h: number): Affine {
  switch (quarterTurns) {
    case 0:
      return IDENTITY;
    case 1:
      return [0, 1, -1, 0, h - 1, 0];
    case 2:
      return [-1, 0, 0, -1, w - 1, h - 1];
    case 3:
      return [0, -1, 1, 0, 0, w - 1];
  }
}

/** Forward map of a resize from (w0,h0) to (w1,h1), pixel-centre aligned. */
export function scaleAffine(w0: number, h0: number, w1: number, h1: number): Affine {
  const sx = w1 / w0;
  const sy = h1 / h0;
  return [sx, 0, 0, sy, 0.5 * sx - 0.5, 0.5 * sy - 0.5];
}
