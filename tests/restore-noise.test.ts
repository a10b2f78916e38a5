/**
 * Stray marks: specks of a 1-bit scan read as punctuation. Examples built from the rule's
 * shapes (a stop before a lower-case word, a stop or backtick alone, the motto's underline),
 * not from any evaluation text.
 */
import { describe, expect, it } from 'vitest';
import { restore, restoreTokens } from '../src/restore/index.js';
import { restorePage } from '../src/restore/page.js';
import type { OcrPage, OcrWord } from '../src/types.js';

describe('stray marks', () => {
  it('drops a full stop before a lower-case word on its line, and one alone at the start of a line', () => {
    expect(restore('Các đơn vị. trường học thực hiện').text).toBe('Các đơn vị trường học thực hiện');
    expect(restore('bán vé tại trường hoặc ký túc\n. xá trong dịp hè').text).toBe('bán vé tại trường hoặc ký túc\nxá trong dịp hè');
    expect(restore('các trường,. chủ động liên hệ').text).toBe('các trường, chủ động liên hệ');
  });

  it('keeps real stops: before a capital, before a list item, glued inside a word, after an abbreviation', () => {
    for (const text of [
      'Giao thông đường bộ. Các đơn vị thực hiện',
      'trong thời gian đến.\na) Đơn vị chủ trì',
      'phát triển đến. b) Đơn vị phối hợp',
      'UBND TP. Đà Nẵng',
      'số tiền.do ngân sách cấp',
    ]) {
      expect(restore(text).text).toBe(text);
    }
  });

  it('drops a backtick and an unmatched apostrophe opening a line', () => {
    expect(restore('vi phạm Luật\n` giao thông đường bộ').text).toBe('vi phạm Luật\ngiao thông đường bộ');
    expect(restore("'SỞ GIÁO DỤC VÀ ĐÀO TẠO").text).toBe('SỞ GIÁO DỤC VÀ ĐÀO TẠO');
  });

  it('drops the motto underline read as a dash, but not a dash ending another line', () => {
    expect(restore('Độc lập - Tự do - Hạnh phúc -\nHà Nội, ngày 5 tháng 3 năm 2024').text).toBe(
      'Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 5 tháng 3 năm 2024',
    );
    const compound = 'phối hợp với Bộ Lao động -\nThương binh và Xã hội';
    expect(restore(compound).text).toBe(compound);
  });

  it('restoreTokens empties a word that was only a stray mark; restorePage leaves it out', () => {
    const words = ['các', '.', 'đơn', 'vị'];
    const tokens = restoreTokens(words.map((text) => ({ text, conf: 90 })));
    expect(tokens.map((t) => t.text)).toEqual(['các', '', 'đơn', 'vị']);
    const ocrWords: OcrWord[] = words.map((text, i) => ({ text, conf: 90, bbox: [i * 50, 0, i * 50 + 40, 20] }));
    const page = { blocks: [{ bbox: [0, 0, 200, 20], lines: [{ bbox: [0, 0, 200, 20], words: ocrWords }] }], text: words.join(' ') };
    const restored = restorePage(page as unknown as OcrPage);
    expect(restored.text).toBe('các đơn vị');
    expect(restored.words.map((w) => w.text)).toEqual(['các', 'đơn', 'vị']);
  });
});
