/**
 * Freezes the test split: fixtures/sim/test-manifest.json lists every test
 * document with its counts and the sha256 of its gt.txt and truth.json, so a
 * generator change that alters the split is caught (tests/sim.test.ts).
 *
 *   npx tsx scripts/sim/manifest.ts        # after `npm run sim -- --split test`
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, GENERATOR_VERSION, REPO, ensureDocument, plan, sha256, type DocMeta } from './generate.js';

export interface ManifestEntry {
  id: string;
  type: string;
  font: string;
  scanModel: string;
  dpi: number;
  pages: number;
  lines: number;
  chars: number;
  variants: string[];
  gtSha256: string;
  truthSha256: string;
}

export interface TestManifest {
  generatorVersion: number;
  documents: number;
  pages: number;
  entries: ManifestEntry[];
}

export const MANIFEST = join(REPO, 'fixtures', 'sim', 'test-manifest.json');

export function manifestEntry(meta: DocMeta, gt: string, truth: string): ManifestEntry {
  return {
    id: meta.id,
    type: meta.typeName,
    font: meta.font,
    scanModel: meta.scanModel,
    dpi: meta.dpi,
    pages: meta.pageCount,
    lines: gt.split(/[\n\f]/).filter(Boolean).length,
    chars: [...gt.replace(/[\n\f]/g, '')].length,
    variants: meta.variants,
    gtSha256: sha256(gt),
    truthSha256: sha256(truth),
  };
}

async function main(): Promise<void> {
  const dir = join(CACHE, 'test');
  const entries: ManifestEntry[] = [];
  for (const e of plan('test')) {
    const meta = await ensureDocument('test', e, dir);
    entries.push(manifestEntry(meta, readFileSync(join(dir, `${e.id}.gt.txt`), 'utf8'), readFileSync(join(dir, `${e.id}.truth.json`), 'utf8')));
  }
  const m: TestManifest = { generatorVersion: GENERATOR_VERSION, documents: entries.length, pages: entries.reduce((a, x) => a + x.pages, 0), entries };
  mkdirSync(join(REPO, 'fixtures', 'sim'), { recursive: true });
  writeFileSync(MANIFEST, `${JSON.stringify(m, null, 1)}\n`);
  console.log(`${MANIFEST}: ${m.documents} documents, ${m.pages} pages`);
}

if (process.argv[1]?.endsWith('manifest.ts')) await main();
