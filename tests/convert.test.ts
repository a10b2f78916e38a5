/**
 * `vanban convert` end to end on real fixtures: real PDFs and images, real
 * tesseract.js, every output format, bad files in the same batch.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { score } from '../src/quality/index.js';
import { TEMP_PREFIX } from '../src/output/atomic.js';
import { pdfText, storedImages } from '../scripts/lib/pdf-inspect.js';

const FIXTURES = resolve('fixtures');
const GOOD = ['clean/qd-ubnd-quang-binh.pdf', 'special/rotate90-ttr-ptckh-con-cuong.pdf', 'special/png-qd-ubnd-quang-binh.png'];
const BAD: Record<string, string> = {
  'bad/empty.pdf': 'EMPTY',
  'bad/encrypted.pdf': 'ENCRYPTED',
  'bad/not-a-pdf.pdf': 'NOT_PDF',
  'bad/truncated.pdf': 'CORRUPT',
  'bad/zero-pages.pdf': 'NO_PAGES',
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[]): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('vanban convert on a folder of good and bad files', () => {
  let dir: string;
  let input: string;
  let out: string;
  let first: Run;
  const before = new Map<string, string>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vanban-convert-'));
    input = join(dir, 'in');
    out = join(dir, 'out');
    for (const rel of [...GOOD, ...Object.keys(BAD)]) {
      await mkdir(join(input, rel, '..'), { recursive: true });
      await copyFile(join(FIXTURES, rel), join(input, rel));
      before.set(rel, await sha256(join(input, rel)));
    }
    first = await run(['convert', input, '--out', out, '--jobs', '2', '--formats', 'json,txt,md,pdf,alto']);
  }, 600_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 because some inputs failed, and names every bad file with its cause', async () => {
    expect(first.code).toBe(1);
    const errors = JSON.parse(await readFile(join(out, 'errors.json'), 'utf8')) as Array<{ file: string; code: string; message: string }>;
    expect(errors).toHaveLength(Object.keys(BAD).length);
    for (const [rel, code] of Object.entries(BAD)) {
      const error = errors.find((e) => e.file.endsWith(rel));
      expect(error, rel).toBeDefined();
      expect(error!.code).toBe(code);
      expect(first.stderr).toContain(rel);
    }
  });

  it('writes every output of every good input, and nothing half-written', async () => {
    const files = await listFiles(out);
    for (const rel of GOOD) {
      const stem = rel.replace(/\.[^.]+$/, '');
      for (const ext of ['.json', '.txt', '.md', '.pdf', '.alto.xml']) expect(files).toContain(join(out, stem + ext));
    }
    expect(files.filter((f) => f.includes(TEMP_PREFIX))).toEqual([]);
    for (const rel of Object.keys(BAD)) expect(files.some((f) => f.includes(rel.replace(/\.pdf$/, '')))).toBe(false);
    const report = await readFile(join(out, 'report.csv'), 'utf8');
    expect(report.trim().split('\r\n')).toHaveLength(1 + GOOD.length);
    const review = await readFile(join(out, 'review.csv'), 'utf8');
    expect(review.split('\r\n')[0]).toBe('\uFEFFfile,page,kind,text,x0,y0,x1,y1,confidence,expected_errors,gain,reasons');
    const metadata = await readFile(join(out, 'metadata.csv'), 'utf8');
    expect(metadata).toContain('QUYẾT ĐỊNH');
    expect(first.stderr).toMatch(/Quality: mean score (0\.9\d|1\.00); \d+ document\(s\) with \d+ page\(s\) to review/);
  });

  it('never modifies an input', async () => {
    for (const [rel, hash] of before) expect(await sha256(join(input, rel)), rel).toBe(hash);
  });

  it('reads the clean page accurately, in reading order, with diacritics restored', async () => {
    const json = JSON.parse(await readFile(join(out, 'clean/qd-ubnd-quang-binh.json'), 'utf8')) as {
      pages: Array<{ text: string; ocrText: string; words: unknown[] }>;
      text: string;
      document: { type: string | null };
    };
    const truth = await readFile(join(FIXTURES, 'clean/qd-ubnd-quang-binh.gt.txt'), 'utf8');
    expect(score(json.text, truth).cer).toBeLessThan(0.02);
    expect(json.pages[0]!.words.length).toBeGreaterThan(100);
    expect(json.document.type).toBe('QUYẾT ĐỊNH');
    const txt = await readFile(join(out, 'clean/qd-ubnd-quang-binh.txt'), 'utf8');
    expect(txt.trim()).toBe(json.text.trim());
  });

  it('turns a /Rotate 90 page upright before reading it', async () => {
    const json = JSON.parse(await readFile(join(out, 'special/rotate90-ttr-ptckh-con-cuong.json'), 'utf8')) as { text: string };
    const truth = await readFile(join(FIXTURES, 'special/rotate90-ttr-ptckh-con-cuong.gt.txt'), 'utf8');
    expect(score(json.text, truth).cer).toBeLessThan(0.03);
  });

  it('makes a searchable PDF: same images, restored text layer, small overhead', async () => {
    for (const rel of GOOD) {
      const stem = rel.replace(/\.[^.]+$/, '');
      const output = await readFile(join(out, `${stem}.pdf`));
      const json = JSON.parse(await readFile(join(out, `${stem}.json`), 'utf8')) as { text: string };
      const layer = (await pdfText(output)).join('\n');
      expect(score(layer, json.text).cer, rel).toBeLessThanOrEqual(0.01);
      if (rel.endsWith('.pdf')) {
        const original = await readFile(join(input, rel));
        expect(await storedImages(output), rel).toEqual(await storedImages(original));
        expect(output.length, rel).toBeLessThanOrEqual(1.1 * original.length + 50 * 1024);
      }
    }
  });

  it('writes ALTO that validates against the ALTO v4 schema', async (context) => {
    const schemaDir = resolve('..', 'shared', 'schemas');
    if (!existsSync(join(schemaDir, 'alto-4-4.xsd'))) {
      context.skip(); // ../shared/schemas is absent on this machine (CI always has it).
      return;
    }
    const { validateXML } = await import('xmllint-wasm');
    const schema = [
      { fileName: 'alto-4-4.xsd', contents: await readFile(join(schemaDir, 'alto-4-4.xsd'), 'utf8') },
    ];
    const preload = [{ fileName: 'xlink.xsd', contents: await readFile(join(schemaDir, 'xlink.xsd'), 'utf8') }];
    for (const rel of GOOD) {
      const stem = rel.replace(/\.[^.]+$/, '');
      const xml = await readFile(join(out, `${stem}.alto.xml`), 'utf8');
      const result = await validateXML({ xml: [{ fileName: `${stem}.alto.xml`, contents: xml }], schema, preload });
      expect(result.errors, rel).toEqual([]);
      expect(result.valid).toBe(true);
      expect(xml.match(/<String /g)?.length ?? 0, rel).toBeGreaterThan(100);
    }
  });

  it('resumes: a rerun skips what is done, --force redoes it', async () => {
    const json = join(out, 'clean/qd-ubnd-quang-binh.json');
    const mtime = (await stat(json)).mtimeMs;
    const again = await run(['convert', input, '--out', out, '--jobs', '2', '--formats', 'json,txt,md,pdf,alto']);
    expect(again.code).toBe(1); // the bad files fail again
    expect(again.stderr).toMatch(/3 skipped/);
    expect((await stat(json)).mtimeMs).toBe(mtime);
  });
});

describe('vanban command line', () => {
  it.each([
    [['convert', 'fixtures/clean'], /--out/],
    [['convert', '--out', '/tmp/x'], /at least one/],
    [['convert', 'fixtures/clean', '--out', '/tmp/x', '--jobs', '0'], /--jobs/],
    [['convert', 'fixtures/clean', '--out', '/tmp/x', '--formats', 'docx'], /unknown output format/],
    [['convert', 'fixtures/clean', '--out', '/tmp/x', '--bogus'], /bogus/],
    [['frobnicate'], /unknown command/],
  ])('exits 2 with a clear message on a usage error: %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('the installed bin runs (compiled by npm install)', () => {
    const result = spawnSync(process.execPath, ['bin/vanban.js', '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
