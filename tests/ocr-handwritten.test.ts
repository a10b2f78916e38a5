/**
 * A number written by hand into a printed line ("ngày 27 tháng 5 năm 2019" with the day in
 * pen) is handwriting, kept out of the text so the date field stays without a day.
 */
import { describe, expect, it } from 'vitest';
import { handwrittenNumbers } from '../src/ocr/extract.js';
import type { OcrWord } from '../src/types.js';

/** A printed date line at 300 dpi: words about 50 px high on a baseline at y = 1050. */
function line(day: OcrWord): OcrWord[] {
  return [
    { text: 'Hà', conf: 95, bbox: [1300, 1003, 1360, 1052] },
    { text: 'Nội,', conf: 95, bbox: [1375, 1000, 1470, 1060] },
    { text: 'ngày', conf: 96, bbox: [1485, 1010, 1590, 1062] },
    day,
    { text: 'tháng', conf: 96, bbox: [1760, 1000, 1880, 1062] },
    { text: '5', conf: 93, bbox: [1895, 1014, 1918, 1050] },
    { text: 'năm', conf: 96, bbox: [1935, 1010, 2020, 1050] },
    { text: '2019', conf: 95, bbox: [2035, 1012, 2130, 1050] },
  ];
}

describe('handwrittenNumbers', () => {
  it('finds a day written in pen: taller than the print, off its baseline, unconfident', () => {
    const words = line({ text: '27', conf: 41, bbox: [1620, 960, 1720, 1070] });
    expect(handwrittenNumbers(words)).toEqual([3]);
  });

  it('finds a day written small above the line', () => {
    const words = line({ text: '8', conf: 52, bbox: [1650, 965, 1680, 1000] });
    expect(handwrittenNumbers(words)).toEqual([3]);
  });

  it('keeps printed numbers, and a confident number of the same size', () => {
    expect(handwrittenNumbers(line({ text: '03', conf: 94, bbox: [1610, 1013, 1660, 1050] }))).toEqual([]);
    // Unconfident but printed: same size and baseline as the words around it.
    expect(handwrittenNumbers(line({ text: '03', conf: 48, bbox: [1610, 1013, 1660, 1050] }))).toEqual([]);
    // Large but read confidently (a printed heading number).
    expect(handwrittenNumbers(line({ text: '27', conf: 90, bbox: [1620, 960, 1720, 1070] }))).toEqual([]);
  });

  it('judges nothing on a line without printed words to compare with', () => {
    expect(handwrittenNumbers([{ text: '27', conf: 30, bbox: [0, 0, 100, 120] }, { text: '5', conf: 90, bbox: [120, 60, 140, 100] }])).toEqual([]);
  });
});
