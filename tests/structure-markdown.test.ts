// Markdown rendering and the `vanban extract` command.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extract, type VanBanStructure } from '../src/structure/index.js';
import { toMarkdown } from '../src/output/markdown.js';
import { runExtractCommand } from '../src/cli/extract.js';

const dir = fileURLToPath(new URL('./fixtures-structure/', import.meta.url));
const read = (name: string): string => readFileSync(dir + name, 'utf8');

/** Front matter as key → raw value text (top-level scalars only). */
function frontMatter(md: string): Map<string, string> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(md);
  expect(m).not.toBeNull();
  const out = new Map<string, string>();
  for (const line of m![1]!.split('\n')) {
    const kv = /^([A-Za-z]+): (.*)$/.exec(line);
    if (kv) out.set(kv[1]!, kv[2]!);
  }
  return out;
}

describe('toMarkdown', () => {
  it('puts the catalogue fields in front matter and sections as headings by level', () => {
    const text = read('bao-cao.txt');
    const md = toMarkdown(extract(text), text);
    const fm = frontMatter(md);
    expect(JSON.parse(fm.get('agency')!)).toBe('PHÒNG GIÁO DỤC VÀ ĐÀO TẠO');
    expect(JSON.parse(fm.get('date')!)).toBe('2024-05-30');
    expect(fm.get('bases')).toBe('[]');
    expect(md).toContain('\n# BÁO CÁO: Kết quả thực hiện nhiệm vụ năm học 2023 - 2024\n');
    expect(md).toContain('\n## I. KẾT QUẢ THỰC HIỆN\n');
    expect(md).toContain('\n### 1. Quy mô trường, lớp\n');
    expect(md).toContain('\n#### 1.1. Giáo dục mầm non\n');
    expect(md).toContain('\n##### a) Tiểu học\n');
    // "-" bullets as a tight list with "+" nested under them.
    expect(md).toContain('- Số trường: 21 trường;\n- Số học sinh: 9.845 em.\n  - Trong đó học sinh dân tộc thiểu số chiếm 98%.');
    expect(md.indexOf('## II.')).toBeGreaterThan(md.indexOf('### 2. Chất lượng giáo dục'));
    expect(md).toMatch(/\*\*Nơi nhận:\*\*\n\n- UBND huyện\n- Sở GD&ĐT\n- Lưu: VT\n/);
  });

  it('renders run-in items as paragraphs and keeps the signer block', () => {
    const md = toMarkdown(extract(read('quyet-dinh.txt')));
    expect(md).toContain('\n**Điều 1.** Thành lập Tổ công tác');
    expect(md).toContain('\n## Điều 2. Nhiệm vụ của Tổ công tác\n');
    expect(md).toContain('\n**a)** Cắt giảm thành phần hồ sơ không cần thiết;\n');
    expect(md).toMatch(/\*\*TM\. ỦY BAN NHÂN DÂN\*\* {2}\n\*\*KT\. CHỦ TỊCH\*\* {2}\n\*\*PHÓ CHỦ TỊCH\*\* {2}\n\*\*Nguyễn Đình Hùng\*\*\n$/);
  });

  it('quotes front-matter strings safely (quotes, colons, #, backslashes, newlines, control characters)', () => {
    const nasty = 'V/v "khẩn": #1 - a\\b\nc\u0007';
    const doc: VanBanStructure = { ...extract(''), title: nasty, symbol: '- KH: x', recipients: ['[a]: {b}'] };
    const md = toMarkdown(doc);
    const fm = frontMatter(md);
    expect(JSON.parse(fm.get('title')!)).toBe(nasty);
    expect(JSON.parse(fm.get('symbol')!)).toBe('- KH: x');
    expect(md).toContain('recipients:\n  - "[a]: {b}"\n');
    // Nothing after the closing "---" can be read as front matter.
    expect(md.split('\n---\n')).toHaveLength(2);
  });

  it('falls back to the given text when no sections were found', () => {
    const md = toMarkdown(extract('Một đoạn văn bản.\n\nĐoạn thứ hai *quan trọng*.'), 'Một đoạn văn bản.\n\nĐoạn thứ hai *quan trọng*.');
    expect(md).toContain('\nMột đoạn văn bản.\n\nĐoạn thứ hai \\*quan trọng\\*.\n');
  });
});

function io(input = ''): { io: Parameters<typeof runExtractCommand>[1]; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (e += d.toString('utf8')));
  return { io: { stdin: Readable.from([Buffer.from(input, 'utf8')]), stdout, stderr }, out: () => o, err: () => e };
}

describe('vanban extract', () => {
  it('prints the structure of a file as JSON', async () => {
    const t = io();
    expect(await runExtractCommand([join(dir, 'cong-van.txt')], t.io)).toBe(0);
    const doc = JSON.parse(t.out()) as VanBanStructure;
    expect(doc.type).toBe('CÔNG VĂN');
    expect(doc.number).toBe('845');
    expect(doc.fields.number!.line).toBe(2);
  });

  it('reads stdin when no file is given, and prints Markdown with --markdown', async () => {
    const t = io(read('thong-bao.txt'));
    expect(await runExtractCommand(['--markdown'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^---\n/);
    expect(t.out()).toContain('# THÔNG BÁO: Kết luận của Bộ trưởng');
  });

  it('gives one clear VanbanError naming the file for missing, empty or binary input', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'vanban-structure-'));
    const empty = join(tmp, 'empty.txt');
    writeFileSync(empty, '');
    const pdf = join(tmp, 'scan.txt');
    writeFileSync(pdf, '%PDF-1.7\n\u0000binary');
    await expect(runExtractCommand([join(tmp, 'missing.txt')], io().io)).rejects.toMatchObject({ code: 'ENOENT', file: join(tmp, 'missing.txt') });
    await expect(runExtractCommand([empty], io().io)).rejects.toMatchObject({ code: 'EMPTY', file: empty });
    await expect(runExtractCommand([pdf], io().io)).rejects.toMatchObject({ code: 'NOT_TEXT', file: pdf });
    await expect(runExtractCommand(['a.txt', 'b.txt'], io().io)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(runExtractCommand(['--bogus'], io().io)).rejects.toMatchObject({ code: 'USAGE' });
  });
});
