/**
 * The review room without a browser: a converted document read back exactly,
 * the review operations and what they rebuild, and the server's guards
 * (token, Host, Origin, path traversal).
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../src/batch/convert.js';
import { main } from '../src/cli/main.js';
import { runReviewCommand } from '../src/cli/review.js';
import { toAlto } from '../src/output/alto.js';
import { toJson } from '../src/output/json.js';
import type { VanBanDocument } from '../src/pipeline.js';
import { estimate } from '../src/quality/index.js';
import { extract } from '../src/structure/index.js';
import { applyOp, settle } from '../src/review/edit.js';
import { fromJson, type DocumentJson } from '../src/review/model.js';
import { startReviewServer, type ReviewServer } from '../src/review/server.js';
import { ReviewSession } from '../src/review/session.js';
import { listDocuments } from '../src/review/catalog.js';

const FIXTURE = resolve('fixtures/clean/cv-sgddt-nghe-an.pdf');
const SCHEMAS = resolve('..', 'shared', 'schemas');
const NAME = 'cv-sgddt-nghe-an';

let converted: string;
let jsonText: string;

beforeAll(async () => {
  converted = await mkdtemp(join(tmpdir(), 'vanban-review-'));
  const summary = await convert([FIXTURE], { out: converted, jobs: 1, formats: ['json', 'txt', 'md', 'alto', 'pdf'] });
  expect(summary.converted).toHaveLength(1);
  jsonText = await readFile(join(converted, `${NAME}.json`), 'utf8');
});

afterAll(async () => {
  if (converted) await rm(converted, { recursive: true, force: true });
});

const load = (): VanBanDocument => fromJson(JSON.parse(jsonText) as DocumentJson);
const withoutTime = (xml: string): string => xml.replace(/<processingDateTime>[^<]*<\/processingDateTime>/, '');

async function altoErrors(xml: string): Promise<readonly unknown[] | null> {
  if (!existsSync(join(SCHEMAS, 'alto-4-4.xsd'))) return null; // ../shared/schemas absent: schema check skipped
  const { validateXML } = await import('xmllint-wasm');
  const result = await validateXML({
    xml: [{ fileName: 'doc.alto.xml', contents: xml }],
    schema: [{ fileName: 'alto-4-4.xsd', contents: await readFile(join(SCHEMAS, 'alto-4-4.xsd'), 'utf8') }],
    preload: [{ fileName: 'xlink.xsd', contents: await readFile(join(SCHEMAS, 'xlink.xsd'), 'utf8') }],
  });
  return result.errors;
}

const noChange = { touched: new Set<number>(), reordered: new Set<number>(), reviewed: new Set<number>(), fields: [] };

describe('reading a converted document back', () => {
  it('rebuilds the JSON, ALTO, structure and quality exactly as the conversion wrote them', async () => {
    const doc = load();
    // The PDF writer's report rides along only when the PDF is built with the JSON (as a rebuild does).
    const { searchablePdf, ...withoutPdfReport } = JSON.parse(jsonText) as Record<string, unknown>;
    expect(searchablePdf).toBeDefined();
    expect(JSON.parse(toJson(doc))).toEqual(withoutPdfReport);
    const alto = await readFile(join(converted, `${NAME}.alto.xml`), 'utf8');
    expect(withoutTime(toAlto(doc))).toBe(withoutTime(alto));
    const json = JSON.parse(jsonText) as DocumentJson;
    expect(extract(doc.pages.map((p) => p.restored))).toEqual(json.document);
    expect(estimate(doc.pages[0]!.restored).score).toBeCloseTo(json.pages[0]!.quality.score, 6);
  });

  it('takes word lines from the JSON when a newer writer records them', () => {
    const json = JSON.parse(jsonText) as DocumentJson;
    const lines = load().pages[0]!.restored.words.map((w) => w.line);
    json.pages[0]!.words.forEach((w, i) => (w.line = lines[i]));
    // Shift the layout so that only the recorded lines can explain it.
    json.pages[0]!.text = json.pages[0]!.text.replace(/\n\n/g, '\n');
    const doc = fromJson(json);
    expect(doc.pages[0]!.restored.words.map((w) => w.line)).toEqual(lines);
  });

  it('finds documents by content, worst first, and ignores other JSON files', async () => {
    const docs = await listDocuments(converted);
    expect(docs.map((d) => d.id)).toEqual([`${NAME}.json`]); // not metadata.dc.json, errors.json
    expect(docs[0]!.source).toBe('cv-sgddt-nghe-an.pdf'); // relative to its input root: no local paths in outputs
    expect(docs[0]!.type).toBe('CÔNG VĂN');
    const json = JSON.parse(jsonText) as DocumentJson;
    expect(docs[0]!.flaggedWords).toBe(json.pages[0]!.words.filter((w) => w.text && (w.conf < 80 || (w.changed && (w.restoreConfidence ?? 1) < 0.9))).length);
    expect(docs[0]!.flaggedWords).toBeGreaterThan(0);
  });
});

describe('review operations', () => {
  it('corrects a word: certain from then on, in the text, the ALTO and the page quality', async () => {
    const doc = load();
    const page = doc.pages[0]!;
    const index = page.restored.words.findIndex((w) => w.conf < 50 && w.text.length > 0);
    expect(index).toBeGreaterThanOrEqual(0);
    const before = page.restored.words[index]!.text;
    const confBefore = page.quality.features.confMean ?? 0;
    const effect = applyOp(doc, { type: 'word', page: 1, index, text: 'Sửarồi' });
    expect(effect.before).toMatchObject({ text: before });
    settle(doc, { ...noChange, touched: new Set([1]) });
    const word = page.restored.words[index]!;
    expect(word).toMatchObject({ text: 'Sửarồi', conf: 100, restoreConfidence: 1, changed: true });
    expect(page.restored.text).toContain('Sửarồi');
    expect(doc.text).toContain('Sửarồi');
    // Certain from then on: the word's confidence counts as 100 (the LM may still find an odd correction odd).
    expect(page.quality.features.confMean ?? 0).toBeGreaterThan(confBefore);
    expect(page.quality.leastCertain.some((w) => w.bbox?.join() === word.bbox.join())).toBe(false);
    const alto = toAlto(doc);
    expect(alto).toContain('CONTENT="Sửarồi"');
    const errors = await altoErrors(alto);
    if (errors) expect(errors).toEqual([]);
  });

  it('splits a word on a space and joins it back, keeping boxes inside the original', async () => {
    const doc = load();
    const page = doc.pages[0]!;
    const index = page.restored.words.findIndex((w) => w.text === 'GIÁO');
    const box = page.restored.words[index]!.bbox;
    const count = page.restored.words.length;
    applyOp(doc, { type: 'word', page: 1, index, text: 'GI ÁO' });
    expect(page.restored.words).toHaveLength(count + 1);
    const [a, b] = [page.restored.words[index]!, page.restored.words[index + 1]!];
    expect([a.text, b.text]).toEqual(['GI', 'ÁO']);
    expect(a.bbox[0]).toBe(box[0]);
    expect(b.bbox[2]).toBe(box[2]);
    expect(a.bbox[2]).toBeLessThan(b.bbox[0]);
    expect(a.line).toBe(b.line);
    settle(doc, { ...noChange, touched: new Set([1]) });
    expect(page.restored.text.split('\n')[1]).toBe('SỞ GI ÁO DỤC VÀ ĐÀO TẠO');
    const errors = await altoErrors(toAlto(doc));
    if (errors) expect(errors).toEqual([]);
    applyOp(doc, { type: 'join', page: 1, index });
    settle(doc, { ...noChange, touched: new Set([1]) });
    expect(page.restored.words).toHaveLength(count);
    expect(page.restored.words[index]).toMatchObject({ text: 'GIÁO', bbox: box, original: 'GIÁO', changed: false });
    expect(page.restored.text.split('\n')[1]).toBe('SỞ GIÁO DỤC VÀ ĐÀO TẠO');
  });

  it('moves a line in the reading order: text, OCR text and ALTO follow', async () => {
    const doc = load();
    const page = doc.pages[0]!;
    const lines = page.restored.text.split('\n');
    applyOp(doc, { type: 'moveLine', page: 1, line: 0, to: 1 });
    settle(doc, { ...noChange, touched: new Set([1]), reordered: new Set([1]) });
    const moved = page.restored.text.split('\n');
    expect(moved.slice(0, 2)).toEqual([lines[1], lines[0]]);
    expect(moved.slice(2)).toEqual(lines.slice(2));
    expect(page.ocr.text.split('\n').slice(0, 2)).toEqual([lines[1], lines[0]]);
    // Words stay in reading order with their lines.
    const lineOrder = page.restored.words.map((w) => w.line);
    expect([...lineOrder].sort((x, y) => x - y)).toEqual(lineOrder);
    expect(page.restored.words[0]!.text).toBe('SỞ');
    const alto = toAlto(doc);
    expect(alto.indexOf('CONTENT="SỞ"')).toBeLessThan(alto.indexOf('CONTENT="UBND"'));
    const errors = await altoErrors(alto);
    if (errors) expect(errors).toEqual([]);
  });

  it('sets catalogue fields over a re-extraction, and a reviewed page stops being flagged', () => {
    const doc = load();
    applyOp(doc, { type: 'field', field: 'signer.name', value: 'Nguyễn Văn A' });
    applyOp(doc, { type: 'field', field: 'date', value: '2023-03-08' });
    doc.pages[0]!.quality = { ...doc.pages[0]!.quality, needsReview: true };
    applyOp(doc, { type: 'reviewed', page: 1, reviewed: true });
    settle(doc, {
      touched: new Set([1]),
      reordered: new Set(),
      reviewed: new Set([1]),
      fields: [
        { field: 'signer.name', value: 'Nguyễn Văn A' },
        { field: 'date', value: '2023-03-08' },
      ],
    });
    expect(doc.document.signer?.name).toBe('Nguyễn Văn A');
    expect(doc.document.signer?.title).toBe('PHÓ GIÁM ĐỐC');
    expect(doc.document.date).toBe('2023-03-08');
    expect(doc.document.fields.date).toMatchObject({ value: '2023-03-08', confidence: 1 });
    expect(doc.quality.flaggedPages).toEqual([]);
  });

  it('refuses impossible operations with one clear error', () => {
    const doc = load();
    expect(() => applyOp(doc, { type: 'word', page: 9, index: 0, text: 'x' })).toThrow(/no page 9/);
    expect(() => applyOp(doc, { type: 'word', page: 1, index: 99999, text: 'x' })).toThrow(/no word 99999/);
    expect(() => applyOp(doc, { type: 'word', page: 1, index: 0, text: '   ' })).toThrow(/cannot be empty/);
    const last = doc.pages[0]!.restored.words.findIndex((w, i, all) => all[i + 1] && all[i + 1]!.line !== w.line);
    expect(() => applyOp(doc, { type: 'join', page: 1, index: last })).toThrow(/same line/);
    expect(() => applyOp(doc, { type: 'field', field: 'source' as 'title', value: 'x' })).toThrow(/not an editable field/);
  });

  it('saves through a session: outputs and journal written, the scan untouched, reopening shows it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vanban-review-session-'));
    try {
      await cp(converted, out, { recursive: true });
      const scanTime = (await stat(FIXTURE)).mtimeMs;
      const session = await ReviewSession.open(join(out, `${NAME}.json`));
      const index = session.doc.pages[0]!.restored.words.findIndex((w) => w.text === 'DỤC');
      session.apply({ type: 'word', page: 1, index, text: 'DỤC' }, 'an');
      session.apply({ type: 'field', field: 'title', value: 'Tiêu đề đã sửa' }, 'an');
      const written = await session.save();
      expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual(
        [`${NAME}.alto.xml`, `${NAME}.json`, `${NAME}.md`, `${NAME}.pdf`, `${NAME}.review.json`, `${NAME}.txt`].sort(),
      );
      expect((await stat(FIXTURE)).mtimeMs).toBe(scanTime);
      const again = await ReviewSession.open(join(out, `${NAME}.json`));
      expect(again.doc.document.title).toBe('Tiêu đề đã sửa');
      expect(again.doc.pages[0]!.restored.words[index]).toMatchObject({ text: 'DỤC', conf: 100 });
      expect(again.journal.entries).toHaveLength(2);
      expect(again.journal.entries[0]).toMatchObject({ who: 'an', op: { type: 'word' }, before: { text: 'DỤC' }, after: { text: 'DỤC', conf: 100 } });
      // A later word edit re-extracts the structure; the reviewer's title survives it.
      again.apply({ type: 'word', page: 1, index: 0, text: 'UBND' }, 'an');
      expect(again.doc.document.title).toBe('Tiêu đề đã sửa');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

interface Reply {
  status: number;
  body: string;
}

function raw(server: ReviewServer, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

describe('review server guards', () => {
  let out: string;
  let server: ReviewServer;
  let t: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'vanban-review-server-'));
    await cp(converted, out, { recursive: true });
    await symlink('/etc/passwd', join(out, 'escape.txt'));
    server = await startReviewServer(out, { reviewer: 'guard' });
    t = `t=${encodeURIComponent(server.token)}`;
  });

  afterAll(async () => {
    await server?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and serves the app and outputs with the token', async () => {
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?t=/);
    expect((await raw(server, `/?${t}`)).body).toContain('id="app"');
    const docs = await raw(server, `/api/docs?${t}`);
    expect(docs.status).toBe(200);
    expect(JSON.parse(docs.body)).toMatchObject([{ id: `${NAME}.json` }]);
    const txt = await raw(server, `/files/${NAME}.txt?${t}`);
    expect(txt.status).toBe(200);
    expect(txt.body).toContain('GIÁO DỤC');
  });

  it('refuses requests without the right token', async () => {
    expect((await raw(server, '/')).status).toBe(401);
    expect((await raw(server, '/api/docs')).status).toBe(401);
    expect((await raw(server, `/api/docs?t=${'x'.repeat(server.token.length)}`)).status).toBe(401);
    expect((await raw(server, `/files/${NAME}.txt`)).status).toBe(401);
  });

  it('refuses a foreign Host or Origin, even with the token', async () => {
    expect((await raw(server, `/api/docs?${t}`, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await raw(server, `/api/docs?${t}`, { host: 'evil.example' })).status).toBe(403);
    expect((await raw(server, `/api/docs?${t}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw(server, `/api/docs?${t}`, { origin: 'null' })).status).toBe(403);
    const before = await readFile(join(out, `${NAME}.json`), 'utf8');
    const op = JSON.stringify({ op: { type: 'field', field: 'title', value: 'pwned' } });
    const post = await raw(server, `/api/op?id=${NAME}.json&${t}`, { origin: 'http://evil.example', 'content-type': 'application/json' }, 'POST', op);
    expect(post.status).toBe(403);
    // A simple cross-site form cannot send JSON.
    const form = await raw(server, `/api/op?id=${NAME}.json&${t}`, { 'content-type': 'text/plain' }, 'POST', op);
    expect(form.status).toBe(415);
    expect((await raw(server, `/api/save?id=${NAME}.json&${t}`, { 'content-type': 'application/json' }, 'POST', '{}')).status).toBe(200);
    expect(await readFile(join(out, `${NAME}.json`), 'utf8')).toBe(before);
    expect(existsSync(join(out, `${NAME}.review.json`))).toBe(false);
    // Same-origin requests are fine.
    expect((await raw(server, `/api/docs?${t}`, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await raw(server, `/api/docs?${t}`, { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('serves no file outside the output folder, whatever the path', async () => {
    const attempts = [
      '/files/../../../../etc/passwd',
      '/files/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/files/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/files/%2fetc%2fpasswd',
      '/files/escape.txt',
      '/files/.vanban-review/x',
      '/files/',
      '/api/doc?id=..%2f..%2f..%2fetc%2fpasswd',
      '/api/doc?id=%2fetc%2fpasswd',
      '/api/image?id=..%2fescape.txt&page=1',
      '/app.js/../../../../etc/passwd',
    ];
    for (const path of attempts) {
      const reply = await raw(server, `${path}${path.includes('?') ? '&' : '?'}${t}`);
      expect([403, 404], path).toContain(reply.status);
      expect(reply.body, path).not.toContain('root:');
    }
  });

  it('renders page images from the input and caches them under the output folder', async () => {
    const reply = await raw(server, `/api/image?id=${NAME}.json&page=1&${t}`);
    expect(reply.status).toBe(200);
    expect(existsSync(join(out, '.vanban-review', `${NAME}.p1.jpg`))).toBe(true);
    expect((await raw(server, `/api/image?id=${NAME}.json&page=2&${t}`)).status).toBe(404);
  });
});

describe('vanban review command', () => {
  const io = () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    return { streams: { stdin: new PassThrough(), stdout, stderr }, out: () => out, err: () => err };
  };

  it('is a usage error without a folder, and names a missing one', async () => {
    const a = io();
    expect(await main(['review'], a.streams)).toBe(2);
    expect(a.err()).toMatch(/review takes one output folder/);
    const b = io();
    expect(await main(['review', join(converted, 'nope')], b.streams)).toBe(2); // a named path that does not exist, as for convert
    expect(b.err()).toMatch(/nope: no such output folder/);
    const c = io();
    expect(await main(['review', converted, '--port', 'x'], c.streams)).toBe(2);
  });

  it('prints a 127.0.0.1 address with a token and stops cleanly', async () => {
    const a = io();
    const stop = new AbortController();
    const running = runReviewCommand([converted, '--port', '0'], a.streams, stop.signal);
    await expect.poll(() => a.out()).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/\?t=[\w-]{20,}/);
    stop.abort();
    expect(await running).toBe(0);
  });
});
