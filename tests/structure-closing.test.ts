import { describe, expect, it } from 'vitest';
import { normalizeArchiveEntry } from '../src/structure/closing.js';
import { extract } from '../src/structure/index.js';
import { PLAN_CLOSING, PLAN_HEAD } from './helpers/plan-text.js';

describe('the "Lưu: VT, …" filing entry of Nơi nhận', () => {
  it.each([
    ['Lưu: VT,KT', 'Lưu: VT, KT'],
    ['Lưu: VI, TCKH', 'Lưu: VT, TCKH'],
    ['Lưu: VỊ, GDTrH', 'Lưu: VT, GDTrH'],
    ['Lưu VT', 'Lưu VT'],
    ['Lưu: VT, VP', 'Lưu: VT, VP'],
    ['Sở Tư pháp', 'Sở Tư pháp'],
    ['Lưu: VP, VI', 'Lưu: VP, VI'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeArchiveEntry(input)).toBe(expected);
  });

  it('is applied to the recipients list that extract() returns', () => {
    const doc = extract(
      [
        'UBND HUYỆN CON CUÔNG',
        'PHÒNG TÀI CHÍNH - KẾ HOẠCH',
        'Số: 45/TTr-TCKH',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Con Cuông, ngày 03 tháng 10 năm 2023',
        'TỜ TRÌNH',
        'Về việc bổ sung kinh phí sửa chữa phòng học',
        'Phòng Tài chính - Kế hoạch kính trình Ủy ban nhân dân huyện xem xét, quyết định./.',
        'Nơi nhận:',
        '- Như trên;',
        '- Lưu: VI,TCKH.',
        'TRƯỞNG PHÒNG',
        'Vi Thị Hoài',
      ].join('\n'),
    );
    expect(doc.recipients).toEqual(['Như trên', 'Lưu: VT, TCKH']);
  });
});

describe('the signer name under a title OCR half lowered', () => {
  it('is the name line, not the damaged title ("Kế GiÁM ĐỐC") above the signature', () => {
    const doc = extract(
      [
        'UBND TỈNH QUẢNG NAM',
        'SỞ Y TẾ',
        'Số: 12/TTr-SYT',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Tam Kỳ, ngày 03 tháng 10 năm 2023',
        'TỜ TRÌNH',
        'Về việc bổ sung kinh phí',
        'Sở Y tế kính trình Ủy ban nhân dân tỉnh xem xét, quyết định./.',
        'Nơi nhận:',
        '- Như trên;',
        '- Lưu: VT, KHTC.',
        'Kế GiÁM ĐỐC',
        '«',
        'Phạm Quang Hòa',
      ].join('\n'),
    );
    expect(doc.signer?.name).toBe('Phạm Quang Hòa');
  });
});

describe('the signer name line as OCR leaves it under a signature', () => {
  const doc = (nameLine: string): string => [...PLAN_HEAD, ...PLAN_CLOSING, 'PHÓ CHỦ TỊCH', nameLine].join('\n');

  it.each([
    ['„Cao Thu Hiếu', 'Cao Thu Hiếu'],
    ['Lê Văn Nam ,', 'Lê Văn Nam'],
    ['5 Lý Thu Hương', 'Lý Thu Hương'],
    ['Huynh Xuân An', 'Huỳnh Xuân An'],
    ['Hoànz Công Hùng', 'Hoàng Công Hùng'],
    ['Ngõ Thị Nghĩa', 'Ngô Thị Nghĩa'],
    ['vụ Kim Mai', 'Vũ Kim Mai'],
    ['Trinh Văn Hòa', 'Trinh Văn Hòa'],
    // Unaccented throughout: printed so, left as it is; a syllable Vietnamese writes is never changed.
    ['Huynh Xuan An', 'Huynh Xuan An'],
    ['Cấu Hồng Quân', 'Cấu Hồng Quân'],
  ])('%s → %s', (line, name) => {
    expect(extract(doc(line)).signer?.name).toBe(name);
  });
});

describe('a title and a name OCR read as one line', () => {
  it('splits them where the upper-case title ends', () => {
    const doc = extract([...PLAN_HEAD, ...PLAN_CLOSING, 'PHÓ CHỦ TỊCH Nguyễn Văn An'].join('\n'));
    expect(doc.signer).toMatchObject({ authority: 'KT. CHỦ TỊCH', title: 'PHÓ CHỦ TỊCH', name: 'Nguyễn Văn An' });
  });
});

describe('signing title lines as OCR damages them (the KT./PHÓ convention of Nghị định 30)', () => {
  const closing = (...block: string[]): string => [...PLAN_HEAD, ...PLAN_CLOSING.slice(0, -1), ...block, 'Nguyễn Văn An'].join('\n');

  it.each([
    // The dot of the delegation lost, specks at the ends.
    [['KT TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG'], 'KT. TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG'],
    [['. :KT, TRƯỞNG BAN', '“PHÓ TRƯỞNG BAN'], 'KT. TRƯỞNG BAN', 'PHÓ TRƯỞNG BAN'],
    // The "K" of "KT." lost, or "KT." read as "KỸ" (no "Ký …" placeholder), above the deputy's title.
    [['T. TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG'], 'KT. TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG'],
    [['KỸ TRƯỜNG PHÒNG.', 'PHÓ TRƯỞNG PHÒNG'], 'KT. TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG'],
    // The head's title read twice: "KT." and "PHÓ" under the seal.
    [['TRƯỞNG PHÒNG', 'TRƯỜNG PHÒNG'], 'KT. TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG PHÒNG'],
    [['PHẾ GIÁM ĐỐC', 'PHẾ GIÁM ĐỐC'], 'KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'],
    // A collective body OCR cut, and its head's title cut in front.
    [['TM. }AN NHÂN DÂN', 'TỊCH'], 'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'],
  ] as Array<[string[], string | null, string]>)('%j → %s / %s', (block, authority, title) => {
    expect(extract(closing(...block)).signer).toMatchObject({ authority, title, name: 'Nguyễn Văn An' });
  });

  it('leaves a title printed whole as it is, even one ending like a known title ("KẾ TOÁN TRƯỞNG")', () => {
    expect(extract(closing('KẾ TOÁN TRƯỞNG')).signer).toMatchObject({ authority: null, title: 'KẾ TOÁN TRƯỞNG' });
  });
});

describe('signing titles OCR cut or spattered further', () => {
  const closing = (...block: string[]): string => [...PLAN_HEAD, ...PLAN_CLOSING.slice(0, -1), ...block, 'Nguyễn Văn An'].join('\n');

  it('reads the deputy under "KT. <head>" from the head\'s last word ("96 PHÒNG")', () => {
    expect(extract(closing('KT. TRƯỞNG PHÒNG', '96 PHÒNG')).signer).toMatchObject({ authority: 'KT. TRƯỞNG PHÒNG', title: 'PHÓ TRƯỞNG PHÒNG' });
  });
});
