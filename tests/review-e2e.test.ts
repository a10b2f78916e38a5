/**
 * `vanban review` end to end in headless Chromium: convert a real fixture,
 * open it in the app, correct a flagged word with the keyboard and a catalogue
 * field, save, and check every rebuilt output carries the corrections (ALTO
 * still valid, the PDF's text layer too) and that a reload shows them.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { convert } from '../src/batch/convert.js';
import { startReviewServer, type ReviewServer } from '../src/review/server.js';
import { webDir } from '../src/review/server.js';
import { pdfText } from '../scripts/lib/pdf-inspect.js';

const CHROMIUM = '/usr/bin/chromium';
const FIXTURE = resolve('fixtures/clean/cv-sgddt-nghe-an.pdf');
const SCHEMAS = resolve('..', 'shared', 'schemas');
const CORRECTION = 'Đãsửa';
const TITLE = 'tổ chức ôn tập cho học sinh lớp 12 năm học 2022 - 2023 (đã hiệu đính)';

const noChromium = !existsSync(CHROMIUM);
if (noChromium) console.warn(`review-e2e: skipped, ${CHROMIUM} is absent (apt-get install chromium)`);

const sha = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

describe.skipIf(noChromium)('vanban review in the browser', () => {
  let out: string;
  let server: ReviewServer;
  let browser: Browser;
  let page: Page;
  let scanHash: string;

  beforeAll(async () => {
    if (!existsSync(join(webDir(), 'app.js'))) execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
    out = await mkdtemp(join(tmpdir(), 'vanban-review-e2e-'));
    scanHash = await sha(FIXTURE);
    const summary = await convert([FIXTURE], { out, jobs: 1, formats: ['json', 'txt', 'md', 'alto', 'pdf'] });
    expect(summary.converted).toHaveLength(1);
    server = await startReviewServer(out, { reviewer: 'e2e-reviewer' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  let before = '';
  let corrected = '';

  it('lists the document and opens its page view with every word boxed', async () => {
    await page.goto(server.url);
    const link = page.locator('table a', { hasText: 'cv-sgddt-nghe-an' });
    await link.waitFor();
    await link.click();
    await page.locator('.sheet img').waitFor();
    await expect
      .poll(() => page.locator('.sheet img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 60_000 })
      .toBeGreaterThan(0);
    const json = JSON.parse(await readFile(join(out, 'cv-sgddt-nghe-an.json'), 'utf8')) as { pages: Array<{ words: unknown[] }> };
    expect(await page.locator('rect.box').count()).toBe(json.pages[0]!.words.length);
    expect(await page.locator('rect.box.flagged').count()).toBeGreaterThan(0);
    expect(await page.locator('.text').innerText()).toContain('GIÁO DỤC');
  });

  it('corrects a flagged word and a catalogue field with the keyboard, and saves', async () => {
    // The page opens on its first flagged word; go to the next, then back, as a reviewer would.
    await page.keyboard.press('n');
    await page.keyboard.press('Shift+N');
    const selected = page.locator('rect.box.selected');
    expect(await selected.getAttribute('class')).toContain('flagged');
    before = await page.locator('#word-input').inputValue();
    await page.keyboard.press('e');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(CORRECTION);
    await page.keyboard.press('Enter');
    await page.locator('.w.certain', { hasText: CORRECTION }).waitFor();
    corrected = CORRECTION;

    const title = page.locator('input[name="title"]');
    await title.fill(TITLE);
    await title.press('Enter');
    await page.locator('#save', { hasText: 'Save (2)' }).waitFor();
    // Shortcuts act outside text fields: leave the title field first (under load Enter's own blur can come after the key).
    await title.blur();
    await page.keyboard.press('r');
    await page.locator('#save', { hasText: 'Save (3)' }).waitFor();
    expect(await page.locator('label.reviewed input').isChecked()).toBe(true);
    await page.keyboard.press('Control+S');
    await page.locator('.status', { hasText: 'Saved' }).waitFor();
    expect(before).not.toBe(CORRECTION);
  });

  it('rebuilt every output with the corrections, and left the scan alone', async () => {
    const stem = join(out, 'cv-sgddt-nghe-an');
    const txt = await readFile(`${stem}.txt`, 'utf8');
    expect(txt).toContain(corrected);
    const json = JSON.parse(await readFile(`${stem}.json`, 'utf8')) as {
      text: string;
      pages: Array<{ text: string; words: Array<{ text: string; ocr: string; conf: number }> }>;
      document: { title: string };
    };
    const word = json.pages[0]!.words.find((w) => w.text === corrected);
    expect(word?.conf).toBe(100); // a corrected word counts as certain
    expect(word?.ocr).not.toBe(corrected);
    expect(json.pages[0]!.text).toContain(corrected);
    expect(json.document.title).toBe(TITLE);
    expect(await readFile(`${stem}.md`, 'utf8')).toContain(TITLE);
    expect(await readFile(join(out, 'metadata.csv'), 'utf8')).toContain(TITLE);

    const alto = await readFile(`${stem}.alto.xml`, 'utf8');
    expect(alto).toContain(`CONTENT="${corrected}"`);
    if (existsSync(join(SCHEMAS, 'alto-4-4.xsd'))) {
      const { validateXML } = await import('xmllint-wasm');
      const result = await validateXML({
        xml: [{ fileName: 'doc.alto.xml', contents: alto }],
        schema: [{ fileName: 'alto-4-4.xsd', contents: await readFile(join(SCHEMAS, 'alto-4-4.xsd'), 'utf8') }],
        preload: [{ fileName: 'xlink.xsd', contents: await readFile(join(SCHEMAS, 'xlink.xsd'), 'utf8') }],
      });
      expect(result.errors).toEqual([]);
    } else {
      console.warn('review-e2e: ALTO schema check skipped, ../shared/schemas is absent');
    }

    const pdf = await readFile(`${stem}.pdf`);
    const layer = spawnSync('pdftotext', ['-layout', `${stem}.pdf`, '-'], { encoding: 'utf8' });
    const text = layer.status === 0 ? layer.stdout : (await pdfText(pdf)).join('\n');
    expect(text.normalize('NFC')).toContain(corrected);

    const journal = JSON.parse(await readFile(`${stem}.review.json`, 'utf8')) as {
      entries: Array<{ who: string; when: string; op: { type: string }; before: unknown; after: unknown }>;
    };
    expect(journal.entries.map((e) => e.op.type)).toEqual(['word', 'field', 'reviewed']);
    expect(journal.entries[0]).toMatchObject({ who: 'e2e-reviewer', before: { text: before }, after: { text: corrected } });
    expect(journal.entries[1]).toMatchObject({ after: TITLE });
    expect(Date.parse(journal.entries[0]!.when)).toBeGreaterThan(Date.now() - 600_000);
    expect(await sha(FIXTURE)).toBe(scanHash);
  });

  it('shows the corrected state after a reload and in a new server', async () => {
    await page.reload();
    await page.locator('.text').waitFor();
    expect(await page.locator('.text').innerText()).toContain(corrected);
    expect(await page.locator('input[name="title"]').inputValue()).toBe(TITLE);
    expect(await page.locator('label.reviewed input').isChecked()).toBe(true);
    await page.goto(server.url);
    await page.locator('table td', { hasText: '2 edit(s)' }).waitFor();
    // A fresh server reads it all back from the outputs.
    const fresh = await startReviewServer(out);
    try {
      const fresher = await browser.newPage();
      await fresher.goto(`${fresh.url}#/doc/${encodeURIComponent('cv-sgddt-nghe-an.json')}/1`);
      await fresher.locator('.w.certain', { hasText: corrected }).waitFor();
      expect(await fresher.locator('input[name="title"]').inputValue()).toBe(TITLE);
      await fresher.close();
    } finally {
      await fresh.close();
    }
  });
});
