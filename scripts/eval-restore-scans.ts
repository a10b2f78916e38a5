/**
 * The restorer on real Tesseract output of whole scanned documents: the simulator's
 * documents (a folder of <id>.pdf + <id>.gt.txt, e.g. its dev split) or the real scans
 * (../shared/realscans with the transcriptions in fixtures/realscans). Each page is read
 * and OCRed by the project's own stages (vie, or eng with --lang eng), then restorePage()
 * runs on it. Prints per document and in total: CER and WER of the OCR text and of the
 * restored text against the ground truth (src/quality's score: graphemes, whitespace runs as one space), syllables with a
 * mixed case pattern, and how many words the OCR got right that the restorer changed.
 *
 *   tsx scripts/eval-restore-scans.ts --dir /tmp/sim-dev [--limit 10] [--lang eng] [--cache /tmp/vanban-scan-ocr]
 *   tsx scripts/eval-restore-scans.ts --realscans [--gt-dir fixtures/realscans]
 *
 * --cached measures only the documents whose OCR is already cached (no OCR is run).
 * Right OCR words the restorer changed are counted by the mechanism that changed them:
 * case (letters kept, case changed), split (a space put inside), dropped (a stray mark
 * removed), word (the decoder chose another word).
 * OCR results are cached per page, so the restorer can be re-measured without re-OCR.
 * Only the dev split is for tuning; the test split and the real scans are for measuring.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OcrPage } from '../src/types.js';
import { readPages } from '../src/pdf/index.js';
import { prepare } from '../src/image/index.js';
import { OcrPool } from '../src/ocr/index.js';
import { score } from '../src/quality/index.js';
import { restorePage } from '../src/restore/page.js';
import { casePattern } from '../src/restore/case.js';
import { isValidSyllable } from '../src/restore/orthography.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? String(process.argv[i + 1]) : fallback;
};
const lang = arg('lang', 'vie');
const cacheDir = arg('cache', `/tmp/vanban-scan-ocr-${lang}`);
const limit = Number(arg('limit', '1000'));
const verbose = process.argv.includes('--verbose');
const cachedOnly = process.argv.includes('--cached');
/** --damage: print each right OCR word the restorer changed, with its confidence and the words around it. */
const showDamage = process.argv.includes('--damage');

interface Doc {
  id: string;
  pdf: string;
  gt: string;
}

function documents(): Doc[] {
  if (process.argv.includes('--realscans')) {
    const scans = path.resolve(root, '../shared/realscans');
    const gtDir = path.resolve(root, arg('gt-dir', 'fixtures/realscans'));
    if (!existsSync(scans) || !existsSync(gtDir)) throw new Error(`real scans need ${scans} and ${gtDir}`);
    return readdirSync(gtDir)
      .filter((f) => f.endsWith('.gt.txt') && existsSync(path.join(scans, f.replace('.gt.txt', '.pdf'))))
      .map((f) => ({ id: f.replace('.gt.txt', ''), pdf: path.join(scans, f.replace('.gt.txt', '.pdf')), gt: path.join(gtDir, f) }));
  }
  const dir = arg('dir', '');
  if (!dir || !existsSync(dir)) throw new Error('give --dir <folder of <id>.pdf + <id>.gt.txt> or --realscans');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pdf') && existsSync(path.join(dir, f.replace('.pdf', '.gt.txt'))))
    .sort()
    .slice(0, limit)
    .map((f) => ({ id: f.replace('.pdf', ''), pdf: path.join(dir, f), gt: path.join(dir, f.replace('.pdf', '.gt.txt')) }));
}

async function ocrPages(pool: () => Promise<OcrPool>, doc: Doc): Promise<OcrPage[]> {
  const key = path.join(cacheDir, `${doc.id}.json`);
  if (existsSync(key)) return JSON.parse(readFileSync(key, 'utf8')) as OcrPage[];
  const pages: OcrPage[] = [];
  const p = await pool();
  for await (const image of readPages(doc.pdf)) pages.push(await p.recognize(await prepare(image)));
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(key, JSON.stringify(pages));
  return pages;
}

const flat = (t: string): string => t.replace(/\s+/gu, ' ').trim();
const words = (t: string): string[] => flat(t).split(' ').filter(Boolean);

/** Mixed-case syllables (ĐỨc, thuỘc): letters only, a valid syllable, neither lower, Capitalised nor upper. */
function mixedCase(text: string): string[] {
  return words(text)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => /^[\p{L}\p{M}]+$/u.test(w) && casePattern(w) === 'mixed' && isValidSyllable(w.toLowerCase()));
}

/** Indices of OCR words equal to the truth word they align with (longest common subsequence). */
function rightWords(ocr: string[], truth: string[]): Set<number> {
  const n = ocr.length;
  const m = truth.length;
  const dp = new Uint16Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * (m + 1) + j] = ocr[i] === truth[j] ? (dp[(i + 1) * (m + 1) + j + 1] as number) + 1 : Math.max(dp[(i + 1) * (m + 1) + j] as number, dp[i * (m + 1) + j + 1] as number);
    }
  }
  const out = new Set<number>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (ocr[i] === truth[j]) {
      out.add(i);
      i++;
      j++;
    } else if ((dp[(i + 1) * (m + 1) + j] as number) >= (dp[i * (m + 1) + j + 1] as number)) i++;
    else j++;
  }
  return out;
}

async function main(): Promise<void> {
  const docs = documents().filter((d) => !cachedOnly || existsSync(path.join(cacheDir, `${d.id}.json`)));
  const damage = new Map<string, number>();
  const mechanism = (original: string, text: string): string =>
    text === '' ? 'dropped' : text.toLowerCase() === original.toLowerCase() ? 'case' : /\s/u.test(text) ? 'split' : 'word';
  let pool: OcrPool | undefined;
  const getPool = async (): Promise<OcrPool> => (pool ??= await OcrPool.create({ jobs: 1, languages: [lang] }));
  const sum = { chars: 0, ocrEdits: 0, outEdits: 0, words: 0, ocrWordErr: 0, outWordErr: 0, mixedOcr: 0, mixedOut: 0, right: 0, rightKept: 0 };
  console.log(`| document | pages | CER OCR → restored | WER OCR → restored | mixed-case syllables OCR → restored | right OCR words kept |`);
  console.log(`|---|---:|---:|---:|---:|---:|`);
  for (const doc of docs) {
    const pages = await ocrPages(getPool, doc);
    const truthPages = readFileSync(doc.gt, 'utf8').normalize('NFC').split('\f');
    let ocrText = '';
    let outText = '';
    let right = 0;
    let rightKept = 0;
    const changes: string[] = [];
    for (const page of pages) {
      const restored = restorePage(page);
      ocrText += `${page.text}\n`;
      outText += `${restored.text}\n`;
      const truthWords = words(truthPages[pages.indexOf(page)] ?? '');
      const ocrWords = restored.words.map((w) => w.original);
      const ok = rightWords(ocrWords, truthWords);
      for (const i of ok) {
        right++;
        const w = restored.words[i];
        if (w && w.text === w.original) rightKept++;
        else if (w) {
          changes.push(`!${w.original}→${w.text}`);
          if (showDamage) {
            const around = (a: number, b: number): string => restored.words.slice(Math.max(0, a), b).map((x) => x.original).join(' ');
            console.log(`  damage ${doc.id} [${mechanism(w.original, w.text)}] ${w.original} → ${w.text} (conf ${w.conf}) … ${around(i - 4, i)} [${w.original}] ${around(i + 1, i + 5)} …`);
          }
          const m = mechanism(w.original, w.text);
          damage.set(m, (damage.get(m) ?? 0) + 1);
        }
      }
      for (const w of restored.words) if (w.changed) changes.push(`${w.original}→${w.text}`);
    }
    const truth = truthPages.join('\n');
    const before = score(ocrText, truth);
    const after = score(outText, truth);
    const o = before.cer * before.counts.chars;
    const r = after.cer * after.counts.chars;
    const tw = before.counts.words;
    const ow = before.wer;
    const rw = after.wer;
    const mo = mixedCase(ocrText).length;
    const mr = mixedCase(outText);
    sum.chars += before.counts.chars;
    sum.ocrEdits += o;
    sum.outEdits += r;
    sum.words += tw;
    sum.ocrWordErr += ow * tw;
    sum.outWordErr += rw * tw;
    sum.mixedOcr += mo;
    sum.mixedOut += mr.length;
    sum.right += right;
    sum.rightKept += rightKept;
    const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
    console.log(
      `| ${doc.id} | ${pages.length} | ${pct(before.cer)} → ${pct(after.cer)} | ${pct(ow)} → ${pct(rw)} | ${mo} → ${mr.length} | ${rightKept}/${right} |`,
    );
    if (verbose) console.log(`  ${changes.join('  ')}${mr.length ? `\n  mixed: ${mr.join(' ')}` : ''}`);
  }
  await pool?.terminate();
  console.log(`right OCR words changed, by mechanism: ${[...damage].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  console.log(
    `| all ${docs.length} (${lang}) | | ${pct(sum.ocrEdits / sum.chars)} → ${pct(sum.outEdits / sum.chars)} | ${pct(sum.ocrWordErr / sum.words)} → ${pct(sum.outWordErr / sum.words)} | ${sum.mixedOcr} → ${sum.mixedOut} | ${pct(sum.rightKept / Math.max(1, sum.right))} |`,
  );
}

await main();
