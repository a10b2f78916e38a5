import { describe, expect, it } from 'vitest';
import { pageRanges } from '../src/cli/convert.js';

describe('pages to review in the summary line', () => {
  it('runs of consecutive pages become ranges, so a long flagged document stays one short line', () => {
    expect(pageRanges([1, 2, 3, 7, 9, 10])).toBe('1-3,7,9-10');
    expect(pageRanges(Array.from({ length: 2000 }, (_, i) => i + 1))).toBe('1-2000');
    expect(pageRanges([4])).toBe('4');
    expect(pageRanges([])).toBe('');
  });
});
