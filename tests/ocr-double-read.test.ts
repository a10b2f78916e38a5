/**
 * A capital read twice into a code: the engine's character boxes show the extra letter
 * lying over its neighbours' ink ("CV-PA83" read "CV-PAS83", the S over the A's foot and
 * the 8). Boxes below are constructed in the proportions of a 300 dpi serif code.
 */
import { describe, expect, it } from 'vitest';
import { dropDoubleReads, type EngineWord } from '../src/ocr/extract.js';

function word(chars: Array<[string, number, number]>): EngineWord {
  return {
    text: chars.map((c) => c[0]).join(''),
    confidence: 60,
    bbox: { x0: chars[0]![1], y0: 0, x1: chars[chars.length - 1]![2], y1: 40 },
    symbols: chars.map(([text, x0, x1]) => ({ text, bbox: { x0, y0: 0, x1, y1: 40 } })),
  };
}

describe('dropDoubleReads', () => {
  it('drops a capital lying over both neighbours in a code', () => {
    const w = word([['/', 189, 204], ['C', 207, 241], ['V', 243, 284], ['-', 287, 303], ['P', 305, 336], ['A', 339, 380], ['S', 370, 388], ['8', 384, 407], ['3', 412, 434]]);
    const out = dropDoubleReads(w);
    expect(out.text).toBe('/CV-PA83');
    expect(out.symbols!.map((s) => s.text).join('')).toBe('/CV-PA83');
  });

  it('keeps kerned capitals, which touch but are not covered', () => {
    // "AVA": the V under the A's slopes on both sides, a quarter each.
    const kerned = word([['Q', 0, 30], ['A', 32, 70], ['V', 62, 100], ['A', 92, 130], ['1', 134, 150]]);
    expect(dropDoubleReads(kerned).text).toBe('QAVA1');
  });

  it('leaves words with lower-case letters alone, however their boxes overlap', () => {
    const italic = word([['t', 0, 14], ['r', 10, 22], ['i', 16, 24], ['f', 20, 36]]);
    expect(dropDoubleReads(italic).text).toBe('trif');
    const mixed = word([['S', 0, 20], ['G', 22, 46], ['D', 38, 52], ['Đ', 48, 72], ['T', 74, 96], ['r', 98, 110]]);
    expect(dropDoubleReads(mixed).text).toBe('SGDĐTr');
  });
});
