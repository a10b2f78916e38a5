import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extract, type Section } from '../src/structure/index.js';

const dir = fileURLToPath(new URL('./fixtures-structure/', import.meta.url));
const read = (name: string): string => readFileSync(dir + name, 'utf8');

type Tree = Array<[string, Tree]>;
const tree = (sections: Section[]): Tree => sections.map((s) => [s.number, tree(s.children)]);

describe('seed 000 (clean markdown-ish plan, empty header lines)', () => {
  const doc = extract(read('seed-000.txt'));
  it('reads the catalogue fields that are present', () => {
    expect(doc.agency).toBeNull();
    expect(doc.nationalMotto).toBeNull();
    expect(doc.number).toBeNull();
    expect(doc.symbol).toBe('KH-BQLKKT');
    expect(doc.place).toBe('Hà Giang');
    expect(doc.date).toBeNull();
    expect(doc.dateText).toBe('ngày tháng 4 năm 2023');
    expect(doc.type).toBe('KẾ HOẠCH');
    expect(doc.typeAbbreviation).toBe('KH');
    expect(doc.title).toBe('Triển khai Tháng hành động vì trẻ em năm 2023');
  });
  it('keeps the numbering as written (item 2 of II is skipped in the source)', () => {
    expect(tree(doc.sections)).toEqual([
      ['I.', [['1.', []], ['2.', []]]],
      ['II.', [['1.', []], ['3.', []], ['4.', []]]],
      ['III.', [['1.', []], ['2.', []]]],
    ]);
    expect(doc.sections[0]!.title).toBe('MỤC ĐÍCH, YÊU CẦU');
    expect(doc.sections[0]!.children[0]!.title).toBe('Mục đích');
    expect(doc.sections[0]!.children[0]!.text.split('\n')).toHaveLength(3);
    expect(doc.sections[2]!.title).toBe('TỔ CHỨC THỰC HIỆN');
    expect(doc.sections[1]!.children[1]!.title).toBe('');
    expect(doc.sections[1]!.children[1]!.text).toMatch(/^Truyền thông trên Trang thông tin/);
  });
  it('reads the closing', () => {
    expect(doc.recipients).toEqual(['Sở Lao động, TB và xã hội', 'Lãnh đạo Ban', 'Các phòng, ban, đơn vị trực thuộc', 'Lưu VT-VP']);
    expect(doc.signer).toMatchObject({ authority: null, title: 'TRƯỞNG BAN', name: 'Hoàng A Chinh' });
    // The last paragraph before the closing stays in section III.2, not in the list.
    expect(doc.sections[2]!.children[1]!.text).toMatch(/Trên đây là Kế hoạch/);
  });
});

describe('seed 004 (raw OCR without Vietnamese, merged header columns)', () => {
  const doc = extract(read('seed-004.ocr.txt'));
  it('splits the merged header lines at the fixed phrases', () => {
    expect(doc.nationalMotto).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(doc.slogan).toBe('Độc lập - Tự do - Hạnh phúc');
    expect(doc.agency).toBe('ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH');
    expect(doc.parentAgency).toBeNull();
    expect(doc.symbol).toBe('KH-UBND');
    expect(doc.place).toBe('Quảng Bình');
    expect(doc.date).toBe('2024-05-19');
    expect(doc.type).toBe('KẾ HOẠCH');
    // "¥4" is a damaged number: kept, but with low confidence.
    expect(doc.fields.number!.confidence).toBeLessThan(0.7);
    expect(doc.fields.date!.confidence).toBeGreaterThan(0.8);
  });
  it('finds the basis, the title line and the first section despite the noise', () => {
    expect(doc.title).toMatch(/^T. ch\S+ Thang hanh/);
    expect(doc.bases).toHaveLength(1);
    expect(doc.bases[0]).toMatch(/^Cian cu quy dinh tai Thong tu sb 28\/2019\/TT- BLDTBXH/);
    expect(doc.bases[0]).toMatch(/nhu sau:$/);
    expect(doc.sections[0]).toMatchObject({ number: 'I.', title: 'MUC DICH, YEU CAU', level: 1 });
    expect(doc.sections[0]!.children[0]).toMatchObject({ number: '1.', title: 'Muc dich', level: 2 });
    expect(doc.sections[0]!.children[0]!.text.split('\n').every((l) => l.startsWith('- '))).toBe(true);
    expect(doc.recipients).toEqual([]);
    expect(doc.signer).toBeNull();
  });
});
