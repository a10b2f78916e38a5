/**
 * Issue 13: case decided from the line and the word, acronyms and codes passed through,
 * the standard's fixed phrases, and glued words split. Examples are built from the
 * general rules (Tesseract's capital marked vowel inside a word, words glued at a
 * missed space), not lifted from any evaluation text.
 */
import { describe, expect, it } from 'vitest';
import { restore, restoreTokens } from '../src/restore/index.js';
import { caseContexts, caseFor, casePattern, looksLikeAcronym } from '../src/restore/case.js';
import { tokenize } from '../src/restore/tokenize.js';

describe('case patterns', () => {
  it.each([
    ['hành', 'lower'],
    ['Hành', 'capital'],
    ['HÀNH', 'upper'],
    ['HÀnh', 'mixed'],
    ['hÀnh', 'mixed'],
    ['B', 'capital'],
    ['2024', 'none'],
  ] as const)('%s is %s', (word, pattern) => {
    expect(casePattern(word)).toBe(pattern);
  });

  it('reads a heading in capitals from its line, and a lone word from its neighbours', () => {
    const tokens = tokenize('BAN CHỈ ĐẠO TỈNH\nCăn cứ ý kiến của SỞ Tài chính');
    const ctx = caseContexts(tokens);
    const at = (w: string): number => tokens.findIndex((t) => t.text === w);
    expect(ctx.get(at('CHỈ'))?.caps).toBe(true);
    expect(ctx.get(at('SỞ'))).toEqual({ caps: false, isolated: true });
  });

  it('puts a slipped capital back from the line: lower, Capitalised or all-upper', () => {
    const running = { caps: false, isolated: true };
    const heading = { caps: true, isolated: false };
    expect(caseFor('hÀnh', 'hành', running)).toBe('hành');
    expect(caseFor('HÀnh', 'hành', running)).toBe('Hành');
    expect(caseFor('HÀnh', 'hành', heading)).toBe('HÀNH');
    expect(caseFor('BỘ', 'bộ', running)).toBe('Bộ');
    expect(caseFor('BỘ', 'bộ', heading)).toBe('BỘ');
    // Only a marked capital vowel makes that slip: a Roman numeral or a name in capitals stays.
    expect(caseFor('VI', 'vi', running)).toBe('VI');
    // A mixed pattern that is no syllable is a unit or an acronym.
    expect(caseFor('kW', 'kw', running)).toBe('kW');
    // The eng engine reads a capital Đ as a small b: the đ chosen for it is a capital.
    expect(caseFor('biéu', 'điều', running)).toBe('Điều');
    expect(caseFor('bieu', 'biểu', running)).toBe('biểu');
  });

  it('tells acronyms from garbled heading words by the line', () => {
    expect(looksLikeAcronym('TTr', undefined)).toBe(true);
    expect(looksLikeAcronym('NCI', { caps: false, isolated: true })).toBe(true);
    expect(looksLikeAcronym('HQI', { caps: true, isolated: false })).toBe(false);
    expect(looksLikeAcronym('Hành', undefined)).toBe(false);
  });
});

describe('restore: case of OCR words', () => {
  it('fixes a capital marked vowel inside a lower-case or capitalised word', () => {
    expect(restore('Ông Lê Văn BÌnh đã thÔng báo về hỘi nghị').text).toBe('Ông Lê Văn Bình đã thông báo về hội nghị');
  });

  it('writes a short word read in capitals amid running text as capitalised', () => {
    expect(restore('theo đề nghị của SỞ Tài chính và BỘ Công an').text).toBe('theo đề nghị của Sở Tài chính và Bộ Công an');
  });

  it('keeps a heading in capitals in capitals, slips included', () => {
    expect(restore('SỞ TÀI CHÍNH TỈNH\nBÁO CÁO TÌNH HÌNh THỰC HIỆN').text).toBe('SỞ TÀI CHÍNH TỈNH\nBÁO CÁO TÌNH HÌNH THỰC HIỆN');
  });

  it('passes acronyms, codes and units through as printed', () => {
    const text = 'Trường Đại học KCI gửi TTr, SGDĐT và VT; công suất 5 kW, mã VX1.';
    expect(restore(text).text).toBe(text);
    const words = ['Lưu:', 'VT,', 'KHTC.'].map((t) => ({ text: t, conf: 60 }));
    expect(restoreTokens(words).map((t) => t.text)).toEqual(['Lưu:', 'VT,', 'KHTC.']);
  });
});

describe('restore: acronyms in OCR of a diacritic-blind engine', () => {
  it('passes capitals with no vowel through even where the model has seen them in lower case', () => {
    // The model keys words in lower case, so it knows vt and hdnd: in a garbled line they were decoded (VT → VỤ).
    expect(restore('- Lwu: VT, NC.').text).toBe('- Lưu: VT, NC.');
    expect(restore('- Lwu: VT, NC, TH.', { mode: 'repair' }).text).toBe('- Lưu: VT, NC, TH.');
  });

  it('puts back the Đ of an acronym or a document code read as D or P, where the model knows only the Đ spelling', () => {
    expect(restore('Nghi quyet so 533/2025/NQ-HPND cua HDND tinh').text).toBe('Nghị quyết số 533/2025/NQ-HĐND của HĐND tỉnh');
    expect(restore('theo Nghị định số 68/2026/ND-CP và Thông tư 16/2006/TTLT/BLPTBXH-BTC').text).toBe(
      'theo Nghị định số 68/2026/NĐ-CP và Thông tư 16/2006/TTLT/BLĐTBXH-BTC',
    );
    // Acronyms the model knows as read stay: UBND, TP, DT.
    expect(restore('Công văn 201/QD-SCT của UBND, TP Hà Nội, DT 20 ha').text).toBe('Công văn 201/QĐ-SCT của UBND, TP Hà Nội, DT 20 ha');
  });

  it('keeps a word in capitals amid running text as read where the context does not want that word', () => {
    // An acronym the OCR read as a real word in capitals: neither neighbour expects it.
    expect(restore('Sinh viên trường Đại học NƠI tham gia hội thảo').text).toBe('Sinh viên trường Đại học NƠI tham gia hội thảo');
    expect(restore('Sinh vien truong Dai hoc NOI tham gia hoi thao').text).toBe('Sinh viên trường Đại học NOI tham gia hội thảo');
    // A Roman numeral stays too.
    expect(restore('Phụ lục VI kèm theo').text).toBe('Phụ lục VI kèm theo');
  });

  it('capitalises a word in capitals amid running text that the context does want', () => {
    // eng reads Bộ as BO (the dot below looks like nothing): the neighbours want bộ.
    expect(restore('cac don vi truc thuoc BO Cong an').text).toBe('các đơn vị trực thuộc Bộ Công an');
  });

  it("prices the eng engine's own slips on scans from the learned table (it ← ứ, w ← ư)", () => {
    // cit ← cứ is learned from eng OCR of scanned dev pages (confusions.json engScans); no rule names the word.
    expect(restore('Can cit Luat To chtrc chinh quyén dia phwong').text).toBe('Căn cứ Luật Tổ chức chính quyền địa phương');
  });

  it('reads the eng engine junk inside a word (€, @) as a garbled letter', () => {
    expect(restore('k€ hoach ti€p theo').text).toBe('kế hoạch tiếp theo');
    expect(restore('co s@, don vi').text).toBe('cơ sở, đơn vị');
    // An e-mail address is no garble.
    expect(restore('lien he abc@gmail.com').text).toBe('liên hệ abc@gmail.com');
  });
});

describe('restore: the standard fixed phrases', () => {
  it('writes the motto right however it was read, at high confidence too', () => {
    expect(restoreTokens([{ text: 'Độclập-Tựdo-Hạnhphúc', conf: 91 }]).map((t) => t.text)).toEqual(['Độc lập - Tự do - Hạnh phúc']);
    for (const read of ['Độc lập -Tự do- Hạnh phúc', 'Doc lap - Tu do - Hanh phuc', 'Độc lâp - Tư do - Hanh phúc']) {
      expect(restore(read).text).toBe('Độc lập - Tự do - Hạnh phúc');
    }
    const words = 'Độc lập - Tự đo - Hạnh phục'.split(' ').map((text) => ({ text, conf: 92 }));
    expect(restoreTokens(words).map((t) => t.text).join(' ')).toBe('Độc lập - Tự do - Hạnh phúc');
  });

  it('writes the national name right in a heading, and leaves the words in running text', () => {
    expect(restore('CỘNG HÒA XÁ HỘI CHỦ NGHỈA VIỆTNAM').text).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    // A word read right keeps the tone placement it was printed with.
    expect(restore('CỘNG HOÀ XÁ HỘI CHỦ NGHỈA VIỆT NAM').text).toBe('CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(restore('xây dựng nhà nước cộng hòa xã hội chủ nghĩa Việt Nam').text).toBe('xây dựng nhà nước cộng hòa xã hội chủ nghĩa Việt Nam');
  });

  it('reads "Kính gửi:" and "Nơi nhận:" before their colon', () => {
    expect(restore('Kinh gũi: Sở Tài chính').text).toBe('Kính gửi: Sở Tài chính');
    expect(restore('Nơi nhân:\n- Như trên;').text).toBe('Nơi nhận:\n- Như trên;');
    // A letter the engine put into the first word (a speck beside the N) does not hide the phrase.
    expect(restoreTokens([{ text: 'NWơi', conf: 6 }, { text: 'nhận:', conf: 96 }]).map((t) => t.text)).toEqual(['Nơi', 'nhận:']);
  });
});

describe('restore: glued and split words', () => {
  it.each([
    ['ngày 15tháng 3 năm 2025', 'ngày 15 tháng 3 năm 2025'],
    ['Số:125/BC-STC', 'Số: 125/BC-STC'],
    ['SởTàichính tỉnh', 'Sở Tài chính tỉnh'],
    ['kế hoạchnày được ban hành', 'kế hoạch này được ban hành'],
    ['BÁOCÁO', 'BÁO CÁO'],
    ['Nơi nhận:\n-Như trên;\n- Lưu: VT,KH.', 'Nơi nhận:\n- Như trên;\n- Lưu: VT, KH.'],
    ['các sở,ban,ngành', 'các sở, ban, ngành'],
    // A syllable glued to an acronym: cut at the case break.
    ['- Như trên;\n-BộGDĐT;', '- Như trên;\n- Bộ GDĐT;'],
    ['quy định tại ChươngII', 'quy định tại Chương II'],
  ])('%s', (input, expected) => {
    expect(restore(input).text).toBe(expected);
  });

  it('keeps numbers, codes and names whole', () => {
    for (const text of ['lúc 15h30 tại phòng 3a, mã VX1', 'ông Mihai từ Romania', 'diện tích 12ha', 'tăng 1,5 lần', 'giá trị -5 độ', 'kinh tế - xã hội']) {
      const out = restore(text).text;
      expect(out.replace(/\s+/gu, '')).toBe(text.replace(/\s+/gu, ''));
      if (!text.includes('ha')) expect(out).toBe(text);
    }
  });

  it('spaces a comma between acronyms even when read clearly, and keeps a capital-and-digit code', () => {
    const lines = [[['-', 92], ['Lưu:', 90], ['VT,SGDĐT.', 91]], [['khổ', 95], ['giấy', 95], ['A4;', 96], ['mốc', 95], ['(Đ4).', 93]]] as const;
    const out = lines.map((line) => restoreTokens(line.map(([text, conf]) => ({ text, conf }))).map((t) => t.text).join(' '));
    expect(out).toEqual(['- Lưu: VT, SGDĐT.', 'khổ giấy A4; mốc (Đ4).']);
    // A Roman numeral glued to its heading word is the engine's gluing even read clearly.
    expect(restoreTokens([{ text: 'ChươngI', conf: 89 }]).map((t) => t.text)).toEqual(['Chương I']);
    // In diacritic-blind OCR a capital and a digit is the eng engine's Số, Có.
    expect(restoreTokens([{ text: 'S6:', conf: 80 }, { text: '125/QD-UBND', conf: 80 }]).map((t) => t.text)).toEqual(['Số:', '125/QĐ-UBND']);
  });

  it('keeps one token per OCR word when a glued word is split', () => {
    // Read poorly (below 75): a glued word read clearly is the document's own and stays (restore.test.ts).
    const out = restoreTokens([{ text: 'ngày', conf: 90 }, { text: '15tháng', conf: 60 }, { text: 'SởTàichính', conf: 55 }]);
    expect(out.map((t) => t.text)).toEqual(['ngày', '15 tháng', 'Sở Tài chính']);
  });
});
