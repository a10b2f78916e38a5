import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyCase,
  baseForm,
  composeSyllable,
  detectToneStyle,
  isValidSyllable,
  normalizeKey,
  parseSyllable,
  setToneStyle,
  type Syllable,
} from '../src/restore/orthography.js';
import { lmSymbols, tokenize } from '../src/restore/tokenize.js';

const S = (onset: string, glide: string, nucleus: string, coda: string, tone: Syllable['tone']): Syllable => ({
  onset, glide, nucleus, coda, tone,
});

describe('parseSyllable', () => {
  const table: Array<[string, Syllable]> = [
    ['tháng', S('th', '', 'a', 'ng', 2)],
    ['nghiệp', S('ngh', '', 'iê', 'p', 5)],
    ['nghĩa', S('ngh', '', 'ia', '', 4)],
    ['người', S('ng', '', 'ươ', 'i', 1)],
    ['quốc', S('qu', '', 'ô', 'c', 2)],
    ['quý', S('qu', '', 'y', '', 2)],
    ['quyết', S('qu', '', 'yê', 't', 2)],
    ['quỳnh', S('qu', '', 'y', 'nh', 1)],
    ['gì', S('gi', '', 'i', '', 1)],
    ['gìn', S('gi', '', 'i', 'n', 1)],
    ['giữ', S('gi', '', 'ư', '', 4)],
    ['giếng', S('gi', '', 'iê', 'ng', 2)],
    ['già', S('gi', '', 'a', '', 1)],
    ['hòa', S('h', 'o', 'a', '', 1)],
    ['hoà', S('h', 'o', 'a', '', 1)],
    ['thủy', S('th', 'u', 'y', '', 3)],
    ['thuỷ', S('th', 'u', 'y', '', 3)],
    ['ngoài', S('ng', 'o', 'a', 'i', 1)],
    ['nguyễn', S('ng', 'u', 'yê', 'n', 4)],
    ['huyện', S('h', 'u', 'yê', 'n', 5)],
    ['khuya', S('kh', 'u', 'ya', '', 0)],
    ['khuỷu', S('kh', 'u', 'y', 'u', 3)],
    ['thuở', S('th', 'u', 'ơ', '', 3)],
    ['tuần', S('t', 'u', 'â', 'n', 1)],
    ['thuế', S('th', 'u', 'ê', '', 2)],
    ['xoăn', S('x', 'o', 'ă', 'n', 0)],
    ['ngoẹo', S('ng', 'o', 'e', 'o', 5)],
    ['xoong', S('x', '', 'oo', 'ng', 0)],
    ['mua', S('m', '', 'ua', '', 0)],
    ['của', S('c', '', 'ua', '', 3)],
    ['muốn', S('m', '', 'uô', 'n', 2)],
    ['hươu', S('h', '', 'ươ', 'u', 0)],
    ['yêu', S('', '', 'yê', 'u', 0)],
    ['ý', S('', '', 'y', '', 2)],
    ['ấy', S('', '', 'â', 'y', 2)],
    ['uyển', S('', 'u', 'yê', 'n', 3)],
    ['Độc', S('đ', '', 'ô', 'c', 5)],
    ['KẾ', S('k', '', 'ê', '', 2)],
    ['trẻ', S('tr', '', 'e', '', 3)],
  ];
  it.each(table)('%s', (word, expected) => {
    expect(parseSyllable(word)).toEqual(expected);
  });

  it('accepts NFD input and uppercase', () => {
    expect(parseSyllable('người'.normalize('NFD'))).toEqual(S('ng', '', 'ươ', 'i', 1));
    expect(parseSyllable('NGƯỜI')).toEqual(S('ng', '', 'ươ', 'i', 1));
  });

  it.each(['', 'UBND', 'xyz', 'tháng1', 'aaa', 'bb', 'x̀ỳ', 'hello', 'phát́'])('rejects %j', (word) => {
    expect(parseSyllable(word)).toBeNull();
  });
});

describe('isValidSyllable', () => {
  it.each([
    'tháng', 'hành', 'động', 'vì', 'trẻ', 'em', 'Ủy', 'ban', 'nhân', 'dân', 'kế', 'hoạch', 'quyết', 'định', 'nghị',
    'giữa', 'gìn', 'kỹ', 'ghi', 'nghe', 'yến', 'ươm', 'khuya', 'quả', 'thuở', 'oái', 'ủy', 'uỷ', 'Việt', 'Nam',
    'Đắk', 'Lắk', 'Kạn', // place names outside the rules
  ])('valid: %s', (word) => {
    expect(isValidSyllable(word)).toBe(true);
  });
  it.each([
    ['bàc', 'stop coda with huyền'],
    ['bảt', 'stop coda with hỏi'],
    ['tháp̀', 'two tones'],
    ['kom', 'k before o'],
    ['cem', 'c before e'],
    ['ghá', 'gh before a'],
    ['nghá', 'ngh before a'],
    ['ngi', 'ng before i'],
    ['gem', 'g before e'],
    ['iếng', 'iê needs an onset'],
    ['hoă', 'ă needs a coda'],
    ['thươ', 'ươ needs a coda'],
    ['mieng', 'no nucleus "ie"'],
    ['hing', 'i takes no ng'],
  ])('invalid: %s (%s)', (word) => {
    expect(isValidSyllable(word)).toBe(false);
  });
});

describe('composeSyllable', () => {
  it.each([
    ['hòa', 'old', 'hòa'],
    ['hòa', 'new', 'hoà'],
    ['thuỷ', 'old', 'thủy'],
    ['thủy', 'new', 'thuỷ'],
    ['khỏe', 'new', 'khoẻ'],
    ['hoàn', 'new', 'hoàn'],
    ['hoàn', 'old', 'hoàn'],
    ['quý', 'new', 'quý'],
    ['gì', 'old', 'gì'],
    ['giếng', 'old', 'giếng'],
    ['nghĩa', 'old', 'nghĩa'],
    ['người', 'old', 'người'],
    ['khuỷu', 'old', 'khuỷu'],
    ['ngoẹo', 'old', 'ngoẹo'],
    ['thuở', 'old', 'thuở'],
    ['của', 'old', 'của'],
    ['xoóng', 'old', 'xoóng'],
  ] as const)('%s in %s style → %s', (word, style, expected) => {
    expect(composeSyllable(parseSyllable(word)!, style)).toBe(expected);
  });
});

describe('tone style', () => {
  it.each([
    ['hòa', 'old'],
    ['hoà', 'new'],
    ['Thủy', 'old'],
    ['THUỶ', 'new'],
    ['hoàn', null],
    ['quý', null],
    ['hoa', null],
    ['tháng', null],
  ] as const)('detectToneStyle(%s) = %s', (word, style) => {
    expect(detectToneStyle(word)).toBe(style);
  });
  it('setToneStyle keeps case', () => {
    expect(setToneStyle('Hòa', 'new')).toBe('Hoà');
    expect(setToneStyle('ỦY', 'new')).toBe('UỶ');
    expect(setToneStyle('hoàn', 'new')).toBe('hoàn');
    expect(setToneStyle('Hoà', 'old')).toBe('Hòa');
  });
  it('normalizeKey: lowercase NFC, old placement', () => {
    expect(normalizeKey('Hoà')).toBe('hòa');
    expect(normalizeKey('UỶ'.normalize('NFD'))).toBe('ủy');
    expect(normalizeKey('UBND')).toBe('ubnd');
    expect(normalizeKey('Tháng')).toBe('tháng');
    expect(normalizeKey('Ðơn')).toBe('đơn'); // eth look-alike
    // Misplaced marks go to the canonical vowel.
    expect(['tòan', 'qúy', 'ngươì', 'nứơc', 'cuả', 'nghịêp'].map(normalizeKey)).toEqual(['toàn', 'quý', 'người', 'nước', 'của', 'nghiệp']);
  });
});

describe('baseForm and applyCase', () => {
  it.each([
    ['Độc', 'Doc'],
    ['người', 'nguoi'],
    ['ĐƯỜNG', 'DUONG'],
    ['hoà'.normalize('NFD'), 'hoa'],
    ['UBND', 'UBND'],
    ['Ðức', 'Duc'],
  ])('baseForm(%s) = %s', (w, b) => {
    expect(baseForm(w)).toBe(b);
  });
  it.each([
    ['THANG', 'tháng', 'THÁNG'],
    ['Thang', 'tháng', 'Tháng'],
    ['thang', 'Tháng', 'tháng'],
    ['UBND', 'ubnd', 'UBND'],
    ['A', 'à', 'À'],
    ['A', 'anh', 'Anh'],
    ['iPhone', 'iphone', 'iPhone'],
    ['123', 'abc', 'abc'],
  ])('applyCase(%s, %s) = %s', (p, f, out) => {
    expect(applyCase(p, f)).toBe(out);
  });
});

describe('tokenize', () => {
  const kinds = (s: string): Array<[string, string]> => tokenize(s).filter((t) => t.kind !== 'space').map((t) => [t.text, t.kind]);

  it('is lossless', () => {
    for (const s of [
      'Số: 127/KH-UBND\r\nHà Nội, ngày 12/4/2023.',
      'Căn cứ Thông tư số 28/2019/TT-BLĐTBXH;  xem https://vanban.gov.vn/a.html, hoặc mail a.b@gov.vn…',
      'kinh-tế “xã hội” (1.000.000 đồng) 3,5% — v.v...\t\n',
      'ng\u0302\u0300y', // NFD with stray marks
      '',
    ]) {
      const toks = tokenize(s);
      expect(toks.map((t) => t.text).join('')).toBe(s);
      for (const t of toks) expect(s.slice(t.start, t.end)).toBe(t.text);
    }
  });

  it('keeps document codes, dates, URLs, e-mails whole', () => {
    expect(kinds('Số: 127/KH-UBND ngày 12/4/2023')).toEqual([
      ['Số', 'word'], [':', 'punct'], ['127/KH-UBND', 'code'], ['ngày', 'word'], ['12/4/2023', 'code'],
    ]);
    expect(kinds('Thông tư 28/2019/TT-BLĐTBXH, Nghị định NĐ-CP')).toEqual([
      ['Thông', 'word'], ['tư', 'word'], ['28/2019/TT-BLĐTBXH', 'code'], [',', 'punct'],
      ['Nghị', 'word'], ['định', 'word'], ['NĐ-CP', 'code'],
    ]);
    expect(kinds('xem https://x.gov.vn/a?b=1. Gửi vanthu@hanoi.gov.vn')).toEqual([
      ['xem', 'word'], ['https://x.gov.vn/a?b=1', 'code'], ['.', 'punct'], ['Gửi', 'word'], ['vanthu@hanoi.gov.vn', 'code'],
    ]);
  });

  it('splits numbers, words joined by hyphens, and punctuation runs', () => {
    expect(kinds('1.000.000 đồng, 3,5 tỷ; kinh-tế …… Điều 1.')).toEqual([
      ['1.000.000', 'number'], ['đồng', 'word'], [',', 'punct'], ['3,5', 'number'], ['tỷ', 'word'], [';', 'punct'],
      ['kinh', 'word'], ['-', 'punct'], ['tế', 'word'], ['……', 'punct'], ['Điều', 'word'], ['1', 'number'], ['.', 'punct'],
    ]);
    expect(tokenize('a\nb').map((t) => t.kind)).toEqual(['word', 'newline', 'word']);
  });

  it('lmSymbols: keys, <num>/<code>, sentence boundaries', () => {
    expect(lmSymbols(tokenize('Điều 1. Phạm vi điều chỉnh của Kế hoạch 127/KH-UBND, hoà giải.'))).toEqual([
      '<s>', 'điều', '<num>', '</s>', '<s>', 'phạm', 'vi', 'điều', 'chỉnh', 'của', 'kế', 'hoạch', '<code>', 'hòa', 'giải', '</s>',
    ]);
    expect(lmSymbols(tokenize(''))).toEqual(['<s>', '</s>']);
    expect(lmSymbols(tokenize('a; ; b\nc'))).toEqual(['<s>', 'a', '</s>', '<s>', 'b', 'c', '</s>']);
  });
});

describe('robustness on arbitrary input', () => {
  // Deterministic pseudo-random strings over letters, marks, digits, punctuation, emoji, lone surrogates.
  const pool = [...'aăâeêioôơuưyđĐAĂÂEÊIOÔƠUƯYbcdghklmnpqrstvxzfjw0123456789 \t\n\r.,;:!?/-–()“”"\'…%@_#'].concat([
    '\u0300', '\u0301', '\u0309', '\u0303', '\u0323', '\u0302', '\u0306', '\u031b', '😀', '\ud800', 'ð', 'ß', '中',
  ]);
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const samples = Array.from({ length: 400 }, () => Array.from({ length: 1 + rand(24) }, () => pool[rand(pool.length)]!).join(''));

  it('tokenize stays lossless and the word helpers never throw', () => {
    for (const s of samples) {
      const toks = tokenize(s);
      expect(toks.map((t) => t.text).join('')).toBe(s);
      expect(toks.every((t) => t.text.length > 0)).toBe(true);
      const syms = lmSymbols(toks);
      expect(syms[0]).toBe('<s>');
      expect(syms[syms.length - 1]).toBe('</s>');
      for (const t of toks) {
        const p = parseSyllable(t.text);
        if (p !== null) expect(parseSyllable(composeSyllable(p))).toEqual(p);
        isValidSyllable(t.text);
        normalizeKey(t.text);
        setToneStyle(t.text, 'new');
        expect(baseForm(t.text)).not.toMatch(/[\u0300-\u036f]/);
        applyCase(t.text, 'tháng');
      }
    }
  });
});

describe('every syllable of the committed dictionary', () => {
  const rows = readFileSync(join(import.meta.dirname, '../dictionaries/syllables.tsv'), 'utf8').trim().split('\n').slice(1);
  it('parses and composes back to itself, in both tone styles', () => {
    let roundTrips = 0;
    for (const row of rows) {
      const word = row.split('\t')[0]!;
      const p = parseSyllable(word);
      if (p === null) continue; // place names admitted by name (Đắk, Kạn)
      expect(composeSyllable(p, 'old')).toBe(word);
      expect(normalizeKey(composeSyllable(p, 'new'))).toBe(word);
      expect(parseSyllable(composeSyllable(p, 'new'))).toEqual(p);
      roundTrips++;
    }
    expect(roundTrips).toBeGreaterThan(rows.length - 10);
  });
});
