/**
 * The bad-input and failure suite (issue 11, the fast cases; kill -9 and signals are in
 * tests/reliability/, `npm run test:reliability`). Real files made on the fly, real OCR of
 * near-blank pages (quick). Every case checks that inputs are unchanged and nothing is
 * written outside --out.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../src/batch/budget.js';
import { estimateDocument, score } from '../src/quality/index.js';
import { blankJpeg, blankPdf, blankPng, hashes, run, tree } from './helpers/bad-inputs.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vanban-reliability-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const dir = join(root, name);
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), data);
  }
  return dir;
}

const csvRows = (csv: string): string[][] =>
  csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));

describe('outputs never replace an input, a batch file or a foreign file', () => {
  let d: string;
  let before: Map<string, string>;
  let first: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    d = await folder('same', { 'a.pdf': await blankPdf(), 'errors.png': await blankPng(), 'metadata.dc.jpg': await blankJpeg() });
    before = await hashes(d);
    first = await run(['convert', join(d, 'a.pdf'), join(d, 'errors.png'), join(d, 'metadata.dc.jpg'), '--out', d, '--formats', 'json,txt,pdf', '-j', '1']);
  }, 300_000);

  it('converts into the inputs\' own folder without touching an input (issue 11.1)', async () => {
    expect(first.code, first.stderr).toBe(0);
    const after = await hashes(d);
    for (const [rel, hash] of before) expect(after.get(rel), rel).toBe(hash);
    expect(first.stderr).toMatch(/outputs renamed to a\.ocr\.\*: a\.pdf is an input/);
    const files = await tree(d);
    expect(files).toEqual(expect.arrayContaining(['a.ocr.pdf', 'a.ocr.json', 'a.ocr.txt', 'errors.png.json', 'metadata.dc.jpg.json']));
  });

  it('keeps batch files apart from documents named like them (11.2), with relative paths and a BOM (19.6)', async () => {
    const errors = JSON.parse(await readFile(join(d, 'errors.json'), 'utf8')) as unknown[];
    expect(errors).toEqual([]);
    const dc = JSON.parse(await readFile(join(d, 'metadata.dc.json'), 'utf8')) as Array<Record<string, string>>;
    expect(dc.map((r) => r['dc:source']).sort()).toEqual(['a.pdf', 'errors.png', 'metadata.dc.jpg']);
    expect(dc.find((r) => r['dc:source'] === 'errors.png')!['dc:format']).toBe('image/png');
    expect(dc.find((r) => r['dc:source'] === 'metadata.dc.jpg')!['dc:format']).toBe('image/jpeg');
    const report = await readFile(join(d, 'report.csv'), 'utf8');
    expect(report.startsWith('\uFEFF')).toBe(true);
    const rows = csvRows(report);
    expect(rows[0]).toEqual(['file', 'pages', 'score', 'needs_review', 'flagged_pages', 'seconds', 'review_reason']);
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(['a.pdf', 'errors.png', 'metadata.dc.jpg']);
    const json = JSON.parse(await readFile(join(d, 'errors.png.json'), 'utf8')) as { source: string };
    expect(json.source).toBe('errors.png');
    for (const file of ['report.csv', 'metadata.csv', 'metadata.dc.json', 'errors.json']) expect(await readFile(join(d, file), 'utf8')).not.toContain(root);
  });

  it('flags a document with no text, with the reason, never scoring 1 (11.4)', async () => {
    const rows = csvRows(await readFile(join(d, 'report.csv'), 'utf8'));
    for (const row of rows.slice(1)) {
      expect(Number(row[2])).toBe(0);
      expect(row[3]).toBe('yes');
      expect(row[6]).toBe('no text found on any page');
    }
    expect(estimateDocument([{ text: '' }, { text: '  ' }]).score).toBe(0);
    expect(estimateDocument([{ text: '' }]).reason).toBe('no text found on any page');
  });

  it('resumes without reading its own outputs back, and the catalogue still lists every document', async () => {
    const again = await run(['convert', d, '--out', d, '--formats', 'json,txt,pdf', '-j', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/3 file\(s\): 0 converted, 3 skipped, 0 failed/);
    expect(csvRows(await readFile(join(d, 'metadata.csv'), 'utf8'))).toHaveLength(4);
  });

  it('does not overwrite a file already in --out that vanban did not write', async () => {
    const sub = join(d, 'sub');
    await mkdir(sub);
    await writeFile(join(sub, 'a.pdf'), 'an archivist\'s own file');
    const r = await run(['convert', join(d, 'a.pdf'), '--out', sub, '--formats', 'pdf', '-j', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(sub, 'a.pdf'), 'utf8')).toBe('an archivist\'s own file');
    expect(existsSync(join(sub, 'a.ocr.pdf'))).toBe(true);
  });
});

describe('problems found before any OCR, each with one clear message and a documented exit code', () => {
  it('a missing input is named, exit 2; an empty folder is "no inputs found", exit 4 (19.4)', async () => {
    const missing = await run(['convert', join(root, 'nope.pdf'), '--out', join(root, 'o-missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.pdf: no such file or folder');
    const empty = await folder('empty', { 'notes.txt': 'not an input' });
    const none = await run(['convert', empty, '--out', join(root, 'o-empty')]);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/no inputs found/);
  });

  it('--out naming a file is refused before OCR, exit 3 (11.9)', async () => {
    const d = await folder('outfile', { 'a.png': await blankPng(), 'taken.txt': 'x' });
    const r = await run(['convert', d, '--out', join(d, 'taken.txt')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/taken\.txt: --out names a file/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('a read-only output folder is refused before OCR, exit 3 (11.9)', async (context) => {
    if (process.getuid?.() === 0) {
      context.skip(); // root writes through any permission bits
      return;
    }
    const d = await folder('readonly', { 'in/a.png': await blankPng() });
    await mkdir(join(d, 'out'));
    execFileSync('chmod', ['555', join(d, 'out')]);
    const r = await run(['convert', join(d, 'in'), '--out', join(d, 'out')]);
    execFileSync('chmod', ['755', join(d, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not writable/);
  });

  it('a FIFO on the command line or in a folder is reported, never opened (11.5, 11.13)', async () => {
    const d = await folder('fifo', { 'keep.txt': 'x' });
    execFileSync('mkfifo', [join(d, 'pipe.pdf')]);
    await mkdir(join(d, 'real'));
    await symlink(join(d, 'real'), join(d, 'linked-folder'));
    const named = await run(['convert', join(d, 'pipe.pdf'), '--out', join(root, 'o-fifo1')]);
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/pipe\.pdf: a FIFO \(named pipe\); not opened.*\[NOT_FILE\]/);
    const walked = await run(['convert', d, '--out', join(root, 'o-fifo2')]);
    expect(walked.code).toBe(1);
    expect(walked.stderr).toMatch(/pipe\.pdf: a FIFO/);
    expect(walked.stderr).toMatch(/linked-folder: symbolic link to a folder; not followed/);
  });

  it('a second run into a locked folder is refused, exit 3; a stale lock is taken over (11.13)', async () => {
    const d = await folder('locked', { 'in/a.png': await blankPng() });
    await mkdir(join(d, 'out', '_vanban'), { recursive: true });
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(join(d, 'out', '_vanban', 'lock'), JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), started: 'now' }));
      const r = await run(['convert', join(d, 'in'), '--out', join(d, 'out')]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`another vanban run \\(pid ${holder.pid}`));
    } finally {
      holder.kill();
    }
  });

  it('validates options and the config file once, with the name of the culprit (19)', async () => {
    const d = await folder('config', { 'a.png': await blankPng() });
    const both = await run(['convert', d, '--out', join(d, 'o'), '--skip-text', '--force-ocr']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--skip-text and --force-ocr cannot be combined/);
    const pages = await run(['convert', d, '--out', join(d, 'o'), '--pages', '3-1']);
    expect(pages.code).toBe(2);
    expect(pages.stderr).toMatch(/--pages "3-1" is not a valid range/);
    const cwd = process.cwd();
    try {
      process.chdir(d);
      await writeFile(join(d, 'vanban.config.json'), JSON.stringify({ jobs: 0 }));
      const bad = await run(['convert', d, '--out', join(d, 'o')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/vanban\.config\.json: "jobs" takes a whole number from 1 to 64/);
      await writeFile(join(d, 'vanban.config.json'), JSON.stringify({ job: 2 }));
      expect((await run(['convert', d, '--out', join(d, 'o')])).stderr).toMatch(/unknown setting "job"/);
      // A flag overrides the config file: the bad value is never used.
      await writeFile(join(d, 'vanban.config.json'), JSON.stringify({ formats: 'docx', out: join(d, 'o') }));
      const over = await run(['convert', join(root, 'none-such.pdf'), '--formats', 'txt']);
      expect(over.code).toBe(2);
      expect(over.stderr).toMatch(/none-such\.pdf: no such file/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('every command has its own --help (19.1)', async () => {
    for (const command of ['convert', 'restore', 'extract', 'score', 'review', 'worker', 'queue']) {
      const r = await run([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toContain(`Usage: vanban ${command}`);
    }
    const general = await run(['--help']);
    expect(general.stdout).toMatch(/130 +interrupted/);
    for (const flag of ['--pages', '--image-dpi', '--language', '--skip-text', '--force-ocr', '--redo-ocr', '--output-type', '--quiet']) {
      expect((await run(['convert', '--help'])).stdout).toContain(flag);
    }
  });
});

describe('folders already used: stale temps, clashes, symlinks, txt-only resume, accumulated catalogue', () => {
  it('handles each and keeps an earlier failure until that input converts (11.11–13, 19.3, 19.5)', async () => {
    const d = await folder('mixed', { 'in/a.png': await blankPng(), 'in/sub/b.png': await blankPng(), 'in2/c.jpg': await blankJpeg() });
    const out = join(d, 'out');
    const elsewhere = join(d, 'elsewhere');
    await mkdir(join(out, 'a.txt'), { recursive: true }); // a folder where an output goes
    await mkdir(elsewhere);
    await symlink(elsewhere, join(out, 'sub')); // a symlink inside --out leading out of it
    await writeFile(join(out, '.vanban-tmp-999999-dead-x.txt'), 'left by a crash');
    await mkdir(join(out, '_vanban'));
    await writeFile(join(out, '_vanban', 'lock'), JSON.stringify({ pid: 999999, host: (await import('node:os')).hostname(), started: 'then' }));
    const inputs = await hashes(join(d, 'in'));

    const first = await run(['convert', join(d, 'in'), '--out', out, '--formats', 'txt', '-j', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(await tree(elsewhere)).toEqual([]);
    expect(existsSync(join(out, '.vanban-tmp-999999-dead-x.txt'))).toBe(false);
    expect(first.stderr).toMatch(/removed 1 temp file/);
    expect(first.stderr).toMatch(/outputs renamed to a\.ocr\.\*: a\.txt is a folder/);
    expect(first.stderr).toMatch(/sub\/b\.png: .*leads out of the output folder/);
    expect((await tree(out)).filter((f) => !f.startsWith('_vanban/'))).toEqual(
      ['a.ocr.txt', 'errors.json', 'metadata.csv', 'metadata.dc.json', 'report.csv', 'review.csv', 'sub'].sort(),
    );
    let errors = JSON.parse(await readFile(join(out, 'errors.json'), 'utf8')) as Array<{ file: string; code: string }>;
    expect(errors.map((e) => [e.file, e.code])).toEqual([['sub/b.png', 'OUTPUT']]);

    // Another input root into the same folder: the failure stays listed, the catalogue grows.
    const second = await run(['convert', join(d, 'in2'), '--out', out, '--formats', 'txt', '-j', '1']);
    expect(second.code, second.stderr).toBe(0);
    errors = JSON.parse(await readFile(join(out, 'errors.json'), 'utf8')) as Array<{ file: string; code: string }>;
    expect(errors.map((e) => e.file)).toEqual(['sub/b.png']);
    expect(csvRows(await readFile(join(out, 'report.csv'), 'utf8')).slice(1).map((r) => r[0])).toEqual(['a.png', 'c.jpg']);

    // The link gone, a rerun converts b, skips a (resume with txt only) and clears b's failure.
    await rm(join(out, 'sub'));
    const third = await run(['convert', join(d, 'in'), '--out', out, '--formats', 'txt', '-j', '1']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/1 converted, 1 skipped, 0 failed/);
    expect(JSON.parse(await readFile(join(out, 'errors.json'), 'utf8'))).toEqual([]);
    expect(csvRows(await readFile(join(out, 'report.csv'), 'utf8')).slice(1).map((r) => r[0])).toEqual(['a.png', 'c.jpg', 'sub/b.png']);
    expect((await tree(out)).filter((f) => /\.(json|md|pdf)$/.test(f) && !f.startsWith('_vanban/'))).toEqual(['errors.json', 'metadata.dc.json']);
    expect(await hashes(join(d, 'in'))).toEqual(inputs);
  });

  it('an output folder reached through a symlink is never read back as input (11.12)', async () => {
    const d = await folder('linkout', { 'in/a.png': await blankPng() });
    await mkdir(join(d, 'in', 'out'));
    await symlink(join(d, 'in', 'out'), join(d, 'link'));
    for (let i = 0; i < 2; i++) {
      const r = await run(['convert', join(d, 'in'), '--out', join(d, 'link'), '--formats', 'txt,pdf', '-j', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^1 file\(s\)/m);
    }
    expect((await tree(join(d, 'in', 'out'))).filter((f) => f.includes('out/'))).toEqual([]);
  });
});

describe('text commands', () => {
  it('refuse PDFs, images, JSON and FIFOs with a clear error; score keeps convert JSON (11.10)', async () => {
    const d = await folder('text', {
      'scan.pdf': await blankPdf(),
      'page.png': await blankPng(),
      'doc.json': JSON.stringify({ pages: [{ text: 'Kế hoạch', ocrText: 'Ke hoach' }] }),
      'a.txt': 'Ke hoach',
    });
    execFileSync('mkfifo', [join(d, 'pipe.txt')]);
    for (const command of ['restore', 'extract']) {
      const pdf = await run([command, join(d, 'scan.pdf')]);
      expect(pdf.code, command).toBe(1);
      expect(pdf.stderr).toMatch(/scan\.pdf: input is a PDF, not text; run "vanban convert"/);
      expect((await run([command, join(d, 'page.png')])).stderr).toMatch(/is a PNG image, not text/);
      expect((await run([command, join(d, 'doc.json')])).stderr).toMatch(/doc\.json: input is JSON, not text/);
      expect((await run([command, join(d, 'pipe.txt')])).stderr).toMatch(/not a regular file/);
    }
    expect((await run(['score', join(d, 'scan.pdf'), '--truth', join(d, 'a.txt')])).stderr).toMatch(/is a PDF, not text/);
    expect((await run(['score', join(d, 'a.txt'), '--truth', join(d, 'page.png')])).stderr).toMatch(/transcription is a PNG image/);
    const json = await run(['score', join(d, 'doc.json'), '--truth', join(d, 'a.txt'), '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { cer: number }).cer).toBeGreaterThan(0);
  });

  it('end quietly when the reader of stdout goes away (extract … | head) (11.10)', async (context) => {
    if (!existsSync(resolve('dist/cli/main.js'))) {
      context.skip(); // the bin runs the compiled CLI (npm install builds it)
      return;
    }
    const d = await folder('epipe', { 'big.txt': 'Kế hoạch số 12/KH-UBND ngày 5 tháng 3 năm 2024\n'.repeat(20_000) });
    const result = spawnSync('sh', ['-c', `node bin/vanban.js restore --mode off "${join(d, 'big.txt')}" | head -c 20 >/dev/null`], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.status).toBe(0);
  });

  it('score stays near-linear on long texts: 2 × 120 KB with 5 % noise gives the right CER (11.10)', () => {
    let x = 7;
    const rand = (): number => (x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    const syllables = ['tháng', 'hành', 'động', 'trẻ', 'em', 'kế', 'hoạch', 'ủy', 'ban', 'nhân', 'dân', 'tỉnh', 'số', 'năm', 'quyết', 'định'];
    const words: string[] = [];
    for (let length = 0; length < 120_000; length += words[words.length - 1]!.length + 1) {
      words.push(`${syllables[Math.floor(rand() * syllables.length)]!}${Math.floor(rand() * 1000)}`);
    }
    const ref = words.join(' ');
    let hyp = '';
    for (const c of ref) hyp += rand() < 0.05 ? (rand() < 0.5 ? '' : `x${c}`) : c;
    const r = score(hyp, ref);
    expect(r.cer).toBeGreaterThan(0.04);
    expect(r.cer).toBeLessThan(0.06);
  });
});

describe('Budget: the in-flight limit the pipeline schedules pages by (11.6)', () => {
  it('never lets more than the limit in at once, and lets an oversized request in alone', async () => {
    const budget = new Budget(100);
    let peak = 0;
    const task = async (n: number): Promise<void> => {
      await budget.acquire(n);
      peak = Math.max(peak, budget.inUse);
      await new Promise((r) => setTimeout(r, 5));
      budget.release(n);
    };
    await Promise.all([40, 40, 40, 30, 250, 10, 60].map(task));
    expect(peak).toBeLessThanOrEqual(250);
    const sizes: number[] = [];
    const watch = async (n: number): Promise<void> => {
      await budget.acquire(n);
      sizes.push(budget.inUse);
      await new Promise((r) => setTimeout(r, 5));
      budget.release(n);
    };
    await Promise.all([40, 40, 40, 30, 10, 60].map(watch));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(budget.inUse).toBe(0);
  });
});
