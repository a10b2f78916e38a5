import { describe, expect, it } from 'vitest';
import {
  catalogueReasons,
  estimate,
  estimateDocument,
  lineEvidence,
  reviewRows,
  sortReviewRows,
  xHeightOf,
  type PageInput,
  type PageLine,
} from '../src/quality/index.js';
import { jumbledLines, textGaps, wordPairs } from '../src/quality/features.js';
import type { BBox } from '../src/types.js';
import { reviewCsv } from '../src/output/metadata.js';

const SENTENCE = 'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của Quốc hội';

/** A page of `rows` lines of six 100-px words, 60 px apart; `at` shifts a line. */
function line(y: number, x0 = 100, n = 6): PageLine {
  const words: BBox[] = Array.from({ length: n }, (_, i) => [x0 + i * 120, y, x0 + i * 120 + 100, y + 40]);
  return { bbox: [x0, y, x0 + n * 120 - 20, y + 40], words };
}

function pageOf(lines: PageLine[], conf = 95): PageInput {
  const words = lines.flatMap((l) => l.words.map((b, i) => ({ text: SENTENCE.split(' ')[i % 12]!, conf, bbox: b })));
  const text = lines.map((l) => words.slice(0, l.words.length).map((w) => w.text).join(' ')).join('\n');
  return { text, words, lines, width: 2480, height: 3508, dpi: 300 };
}

describe('line evidence', () => {
  it('sees nothing wrong in a column read top to bottom, also turned a quarter', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(200 + 60 * i));
    const ev = lineEvidence(lines);
    expect(ev.interleaved).toEqual([]);
    expect(ev.mixed).toEqual([]);
    const turned = lines.map((l) => ({ bbox: [l.bbox[1], l.bbox[0], l.bbox[3], l.bbox[2]] as BBox, words: l.words.map((w) => [w[1], w[0], w[3], w[2]] as BBox) }));
    expect(lineEvidence(turned)).toMatchObject({ interleaved: [], mixed: [] });
  });

  it('names lines of two columns read across, and lines merged word by word', () => {
    const rows: PageLine[] = [];
    for (let i = 0; i < 4; i++) rows.push(line(200 + 60 * i, 100, 3), line(200 + 60 * i, 1300, 3));
    expect(lineEvidence(rows).interleaved).toEqual([[1, 8]]);
    const a = line(200);
    const b = line(260);
    // Words alternate between the two lines' heights.
    const merged: PageLine = { bbox: [100, 200, 800, 300], words: a.words.map((w, i) => (i % 2 === 0 ? w : b.words[i]!)) };
    expect(lineEvidence([line(100), merged, line(400)]).mixed).toEqual([2]);
    const e = estimate(pageOf([line(100), merged, line(400)]));
    expect(e.reasons.join('; ')).toMatch(/merged word by word.*line 2/);
  });
});

/** Admin prose in reading order, one clause a line (held-out style, not a test page). */
const PROSE = [
  'Ủy ban nhân dân tỉnh ban hành kế hoạch phòng chống thiên tai',
  'và tìm kiếm cứu nạn trên địa bàn tỉnh năm 2025 như sau',
  'các sở ban ngành có trách nhiệm tổ chức thực hiện kế hoạch',
  'báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12',
];

describe('word order under the language model', () => {
  it('finds adjacent words of prose likely, and names the lines whose words were shuffled', () => {
    const ordered = wordPairs(PROSE.join('\n'))!;
    expect(ordered.length).toBeGreaterThan(20);
    expect(ordered.reduce((s, p) => s + p.pmi, 0) / ordered.length).toBeGreaterThan(0.5);
    expect(jumbledLines(ordered)).toEqual([]);
    // Lines 2 and 3 read across two curled lines: every other word swapped with its neighbour's line.
    const shuffle = (l: string): string => {
      const w = l.split(' ');
      return w.map((_, i) => w[(i * 5) % w.length]).join(' ');
    };
    const text = [PROSE[0], shuffle(PROSE[1]!), shuffle(PROSE[2]!), PROSE[3]].join('\n');
    expect(jumbledLines(wordPairs(text)!)).toEqual([[2, 3]]);
    const e = estimate({ text });
    expect(e.reasons.join('; ')).toMatch(/words out of order on lines 2–3/);
    expect(e.features.lmPairPmi!).toBeLessThan(estimate({ text: PROSE.join('\n') }).features.lmPairPmi!);
  });
});

describe('blank bands inside the text', () => {
  it('names print not read between two lines, but not the space before a closing signature', () => {
    const lines = [...Array.from({ length: 5 }, (_, i) => line(200 + 60 * i)), ...Array.from({ length: 5 }, (_, i) => line(1200 + 60 * i))];
    const gaps = textGaps(lines).gaps;
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ above: 5, below: 6 });
    expect(gaps[0]!.lines).toBeCloseTo((1200 - 480) / 40, 5);
    const e = estimate(pageOf(lines));
    expect(e.features.blankGapShare!).toBeCloseTo(((18 - 3) * 40) / (1480 - 200), 5);
    expect(e.reasons.join('; ')).toMatch(/print not read between lines 5 and 6: a blank band of 18 line heights/);
    const signed = [...Array.from({ length: 8 }, (_, i) => line(200 + 60 * i)), line(1200, 1300, 2)];
    expect(estimate(pageOf(signed)).reasons.join('; ')).not.toMatch(/print not read/);
  });

  it('counts lines whose words are split by a column-wide gap', () => {
    const wide: PageLine = { bbox: [100, 200, 2100, 240], words: [...line(200, 100, 3).words, ...line(200, 1500, 3).words] };
    expect(lineEvidence([line(100), wide, line(300)]).wideGaps).toEqual([2]);
    expect(estimate(pageOf([line(100), wide, line(300)])).features.wideGapShare).toBeCloseTo(1 / 3, 5);
  });
});

describe('reasons', () => {
  it('names small print with its x-height and a word at confidence 0', () => {
    const small: PageLine[] = Array.from({ length: 8 }, (_, i) => {
      const words: BBox[] = Array.from({ length: 6 }, (_, j) => [100 + j * 40, 100 + 20 * i, 130 + j * 40, 116 + 20 * i]);
      return { bbox: [100, 100 + 20 * i, 330, 116 + 20 * i], words };
    });
    const page = pageOf(small);
    expect(xHeightOf(page.words!)).toBeCloseTo(0.45 * 16, 5);
    const e = estimate(page);
    expect(e.reasons.some((r) => /x-height 7 px/.test(r))).toBe(true);
    page.words![3]!.conf = 0;
    expect(estimate(page).reasons.some((r) => r.startsWith('word at confidence 0: "'))).toBe(true);
    expect(e.cerInterval[0]).toBeLessThanOrEqual(e.cer);
    expect(e.cerInterval[1]).toBeGreaterThanOrEqual(e.cer);
  });

  it('names missing and implausible catalogue fields', () => {
    const today = new Date('2026-12-02T00:00:00Z');
    expect(catalogueReasons({ number: null, symbol: null, date: null, dateText: null }, today)).toEqual(['no number found', 'no date found']);
    expect(catalogueReasons({ number: null, symbol: 'QĐ-UBND', date: null, dateText: 'ngày tháng năm 2026' }, today)).toEqual([]);
    expect(catalogueReasons({ number: '12', date: '2031-05-02' }, today)).toEqual(['date in the future: 2031-05-02']);
    const doc = estimateDocument([{ text: SENTENCE }], { catalogue: { number: '5', date: null }, today });
    expect(doc.reasons).toContain('no date found');
    expect(doc.needsReview).toBe(true);
  });
});

describe('review.csv', () => {
  it('lists flagged pages and their words with boxes, highest expected gain first', () => {
    const good = pageOf(Array.from({ length: 6 }, (_, i) => line(200 + 60 * i)));
    const bad = pageOf(Array.from({ length: 6 }, (_, i) => line(200 + 60 * i)), 40);
    bad.words![2]!.conf = 0;
    const doc = estimateDocument([good, bad], { threshold: 0.99 });
    const flagged = doc.pages.map((p) => p.needsReview);
    const rows = reviewRows('a.pdf', doc, [{ width: 2480, height: 3508 }, { width: 2480, height: 3508 }]);
    expect(rows.filter((r) => r.kind === 'page').map((r) => r.page)).toEqual(flagged.flatMap((f, i) => (f ? [i + 1] : [])));
    const csv = reviewCsv(sortReviewRows(rows)).replace(/^\uFEFF/, '').split('\r\n');
    expect(csv[0]).toBe('file,page,kind,text,x0,y0,x1,y1,confidence,expected_errors,gain,reasons');
    const gains = csv.slice(1, -1).map((l) => Number(l.split(',')[10]));
    expect(gains.length).toBe(rows.length);
    expect([...gains].sort((a, b) => b - a)).toEqual(gains);
    const zero = csv.find((l) => l.includes('word at confidence 0'));
    expect(zero).toMatch(/^a\.pdf,2,word,[^,]+,\d+,\d+,\d+,\d+,0,/);
  });
});
