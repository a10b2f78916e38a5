import { describe, expect, it } from 'vitest';
import { extract, type Section } from '../src/structure/index.js';
import { PLAN_HEAD, RULES_HEAD } from './helpers/plan-text.js';

const heads = (sections: readonly Section[], path: string[] = []): string[] =>
  sections.flatMap((s) => [`${[...path, s.number].join(' / ')} | ${s.title ?? s.text.split('\n')[0]}`, ...heads(s.children, [...path, s.number])]);

// A full printed line of body text is about this long; the lines below are laid out to it.
const FULL = 'Cơ quan thuế phân loại hồ sơ hoàn thuế theo quy định tại Luật Quản lý thuế năm 2019.';

describe('a chapter or part named inside a sentence that wrapped before it', () => {
  it('is no heading: "… tại Mục 2" / "Chương III của Thông tư này."', () => {
    const doc = extract([...PLAN_HEAD, FULL, '1. Quy trình cụ thể các bước kiểm tra, nghiệm thu quy định tại Mục 2', 'Chương III của Thông tư này.', '2. Thực hiện giám sát, đánh giá các nội dung sau:'].join('\n'));
    expect(heads(doc.sections)).toEqual(['1 | Quy trình cụ thể các bước kiểm tra, nghiệm thu quy định tại Mục 2 Chương III của Thông tư này.', '2 | Thực hiện giám sát, đánh giá các nội dung sau']);
  });

  it('is no heading after a line broken off on a lower-case word: "… quy định tại" / "Mục II."', () => {
    const doc = extract(
      [...RULES_HEAD, 'Chương I', 'QUY ĐỊNH CHUNG', 'Điều 1. Có hành vi vi phạm (hoặc không thực hiện) 1 trong 2 tiêu chí quy định tại', 'Mục II.', 'Điều 2. Bản tin là sản phẩm thông tin có tính chất báo chí xuất bản định kỳ.'].join('\n'),
    );
    expect(heads(doc.sections)).toEqual([
      'Chương I | QUY ĐỊNH CHUNG',
      'Chương I / Điều 1 | Có hành vi vi phạm (hoặc không thực hiện) 1 trong 2 tiêu chí quy định tại Mục II.',
      'Chương I / Điều 2 | Bản tin là sản phẩm thông tin có tính chất báo chí xuất bản định kỳ.',
    ]);
  });

  it('keeps a real "Mục 1" heading under a chapter title, specks before it dropped', () => {
    const doc = extract([...RULES_HEAD, 'Chương II', 'PHỔ BIẾN PHIM', '"Mục 1', 'THÀNH PHẦN CỦA HỘI ĐỒNG', 'Điều 3. Trách nhiệm của Cơ quan quản lý dự án'].join('\n'));
    expect(heads(doc.sections)).toEqual(['Chương II | PHỔ BIẾN PHIM', 'Chương II / Mục 1 | THÀNH PHẦN CỦA HỘI ĐỒNG', 'Chương II / Mục 1 / Điều 3 | Trách nhiệm của Cơ quan quản lý dự án']);
  });
});

describe('a sentence that ends on a line', () => {
  const body = (a: string, b: string): string[] => heads(extract([...PLAN_HEAD, FULL, FULL, a, b, '2. Tổ chức thực hiện.'].join('\n')).sections);

  it('goes on in the same paragraph when the line was full (no room for the next word)', () => {
    expect(body('1. Văn bản tố tụng phải được niêm yết công khai ít nhất là 15 ngày kể từ ngày niêm yết.', 'Việc niêm yết công khai được lập biên bản.')[0]).toBe(
      '1 | Văn bản tố tụng phải được niêm yết công khai ít nhất là 15 ngày kể từ ngày niêm yết. Việc niêm yết công khai được lập biên bản.',
    );
  });

  it('ends the paragraph when the line left room for the next word', () => {
    expect(body('1. Văn bản tố tụng phải được niêm yết.', 'Việc niêm yết công khai được lập biên bản.')[0]).toBe('1 | Văn bản tố tụng phải được niêm yết.');
  });

  it('ends the paragraph before specks that open no word ("VY VY)")', () => {
    expect(body('1. Văn bản tố tụng phải được niêm yết công khai ít nhất là 15 ngày kể từ ngày niêm yết.', 'VY VY)')[0]).toBe('1 | Văn bản tố tụng phải được niêm yết công khai ít nhất là 15 ngày kể từ ngày niêm yết.');
  });
});

describe('an item whose text opens with a tariff code', () => {
  it('keeps its number: "5.1. 1804.00.00 Bơ ca cao …", "1. 1802.00.00 Vỏ quả …"', () => {
    const doc = extract([...PLAN_HEAD, FULL, '5. Số năm công tác', '5.1. 1804.00.00 Bơ ca cao, chất béo và dầu ca cao.', '6. Nhóm hàng', '1. 1802.00.00 Vỏ quả, vỏ hạt.'].join('\n'));
    const numbers = heads(doc.sections).map((h) => h.split(' | ')[0]);
    expect(numbers).toEqual(['5', '5 / 5.1', '6', '1']);
  });
});
