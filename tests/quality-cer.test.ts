/** The one CER of the project (src/quality) used by tests, benches and scripts: the same figure as score(). */
import { describe, expect, it } from 'vitest';
import { cer, score } from '../src/quality/index.js';

describe('cer', () => {
  it('is score().cer on every pair, without the rest of the report', () => {
    const letters = 'aăâbcdđeêghoòóơờuưỳ  \n';
    let seed = 7;
    const random = (n: number): string =>
      Array.from({ length: n }, () => letters[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % letters.length]).join('');
    for (let i = 0; i < 200; i += 1) {
      const [hyp, ref] = [random(5 + (i % 40)), random(1 + (i % 30))];
      expect(cer(hyp, ref)).toBe(score(hyp, ref).cer);
    }
  });

  it('counts graphemes of normalised text: layout whitespace and tone placement are not errors', () => {
    expect(cer('Hoà  bình\nthuỷ', 'Hòa bình thủy')).toBe(0);
    expect(cer('Hoa binh', 'Hòa bình')).toBe(2 / 8);
    expect(cer('', '')).toBe(0);
    expect(cer('x', '')).toBe(1);
  });
});
