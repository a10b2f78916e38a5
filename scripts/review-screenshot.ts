/**
 * The README's screenshot of `vanban review`: convert two fixtures (a poor
 * scan and a clean one) into a temp folder, open the poor one's page view in
 * headless Chromium with its first flagged word selected, and save a PNG.
 *
 *   npx tsx scripts/review-screenshot.ts [docs/review.png]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { convert } from '../src/batch/convert.js';
import { startReviewServer } from '../src/review/server.js';

const target = resolve(process.argv[2] ?? 'docs/review.png');
const inputs = ['fixtures/heavy/tb-stnmt-lam-dong.pdf', 'fixtures/clean/cv-sgddt-nghe-an.pdf'].map((p) => resolve(p));

const out = await mkdtemp(join(tmpdir(), 'vanban-review-shot-'));
try {
  await convert(inputs, { out, jobs: 1, formats: ['json', 'txt', 'md', 'alto', 'pdf'] });
  const server = await startReviewServer(out, { reviewer: 'screenshot' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}#/doc/${encodeURIComponent('tb-stnmt-lam-dong.json')}/1`);
    await page.locator('.sheet img').waitFor();
    await page
      .locator('.sheet img')
      .evaluate((img) => new Promise((ok) => ((img as unknown as { complete: boolean }).complete ? ok(null) : img.addEventListener('load', () => ok(null)))));
    await page.keyboard.press('n');
    await page.locator('.scan').evaluate((el) => el.scrollTo(0, 0));
    // A palette PNG: the README image at a third of the size, no visible loss on a UI.
    await sharp(await page.screenshot()).png({ palette: true, quality: 90, effort: 10 }).toFile(target);
    console.log(`wrote ${target}`);
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
