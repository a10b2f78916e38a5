/**
 * Checks the archival outputs of a `vanban convert … --formats json,pdf,alto` run:
 * for every converted input, the searchable PDF's text layer (read back with
 * pdfjs, in content order) against the JSON's restored text (CER), the PDF's
 * stored images against the input's (byte for byte), the size overhead, and
 * the ALTO file against the ALTO v4 XSD (from ../shared/schemas when present).
 *
 *   npx vanban convert fixtures/ --out /tmp/fx --formats json,pdf,alto
 *   npx tsx scripts/verify-outputs.ts fixtures/ /tmp/fx
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { score } from '../src/quality/index.js';
import { pdfText, storedImages } from './lib/pdf-inspect.js';

const [inputDir, outDir] = process.argv.slice(2).map((p) => resolve(p));
if (!inputDir || !outDir) {
  console.error('usage: tsx scripts/verify-outputs.ts <input-dir> <output-dir>');
  process.exit(2);
}

const schemaDir = resolve('..', 'shared', 'schemas');
const xsd = existsSync(join(schemaDir, 'alto-4-4.xsd'))
  ? {
      schema: [{ fileName: 'alto-4-4.xsd', contents: await readFile(join(schemaDir, 'alto-4-4.xsd'), 'utf8') }],
      preload: [{ fileName: 'xlink.xsd', contents: await readFile(join(schemaDir, 'xlink.xsd'), 'utf8') }],
    }
  : undefined;
const { validateXML } = await import('xmllint-wasm');

const jsons = (await readdir(outDir, { recursive: true }))
  .filter((f) => f.endsWith('.json') && !['errors.json', 'metadata.dc.json'].includes(f))
  .sort();
let worstCer = 0;
let failures = 0;
for (const rel of jsons) {
  const json = JSON.parse(await readFile(join(outDir, rel), 'utf8')) as { source: string; text: string };
  const stem = join(outDir, rel.slice(0, -'.json'.length));
  const input = await readFile(json.source);
  const line: string[] = [relative(inputDir, json.source)];
  if (existsSync(`${stem}.pdf`)) {
    const output = await readFile(`${stem}.pdf`);
    const cer = score((await pdfText(output)).join('\n'), json.text).cer;
    worstCer = Math.max(worstCer, cer);
    const isPdf = input.subarray(0, 5).toString('latin1') === '%PDF-';
    const same = isPdf ? JSON.stringify(await storedImages(output)) === JSON.stringify(await storedImages(input)) : null;
    const limit = 1.1 * input.length + 50 * 1024;
    line.push(
      `text layer CER ${(100 * cer).toFixed(2)}%`,
      same === null ? 'images: image input (embedded as stored)' : `images identical: ${same}`,
      `size ${(output.length / 1024).toFixed(0)} KiB vs input ${(input.length / 1024).toFixed(0)} KiB (limit ${(limit / 1024).toFixed(0)})`,
    );
    if (cer > 0.01 || same === false || output.length > limit) failures += 1;
  }
  if (existsSync(`${stem}.alto.xml`) && xsd) {
    const result = await validateXML({ xml: [{ fileName: 'page.alto.xml', contents: await readFile(`${stem}.alto.xml`, 'utf8') }], ...xsd });
    line.push(`ALTO valid: ${result.valid}`);
    if (!result.valid) failures += 1;
  }
  console.log(line.join(' | '));
}
console.log(`${jsons.length} documents; worst text-layer CER ${(100 * worstCer).toFixed(2)}%; ${failures} failed check(s)${xsd ? '' : '; ALTO not validated (../shared/schemas absent)'}`);
process.exit(failures > 0 ? 1 : 0);
