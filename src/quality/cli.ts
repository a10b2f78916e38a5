/**
 * `vanban score <text-or-json> [--truth <file>] [--json] [--show-errors]`
 *
 * With --truth: CER/WER and friends of the text against the transcription.
 * Without: the calibrated estimate. A .json input is vanban's convert output; its pages
 * are scored one by one (restored text against the truth, split on form feeds when the
 * truth has them) or estimated from their OCR words and confidences.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { VanbanError } from '../errors.js';
import type { CliIo } from '../cli/io.js';
import type { BBox } from '../types.js';
import { formatAlignment } from './align.js';
import { estimateDocument, type DocumentEstimate } from './estimate.js';
import type { PageInput } from './features.js';
import { score, type ScoreReport } from './score.js';

/** The parts of a convert JSON page the scorer reads. */
interface JsonPage {
  number?: number;
  text?: string;
  ocrText?: string;
  width?: number;
  height?: number;
  dpi?: number;
  words?: Array<{ text?: string; ocr?: string; conf?: number; bbox?: BBox; changed?: boolean; restoreConfidence?: number }>;
}

interface LoadedPages {
  /** Text to score against a transcription (restored text for JSON). */
  texts: string[];
  /** What the estimator gets. */
  inputs: PageInput[];
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VanbanError('ENOENT', `${what} not found; check the path`, { file: path, cause });
    if (code === 'EACCES') throw new VanbanError('EACCES', `${what} is not readable`, { file: path, cause });
    if (code === 'EISDIR') throw new VanbanError('USAGE', `${what} is a folder; give a .txt or .json file`, { file: path, cause });
    throw new VanbanError('CORRUPT', `cannot read ${what}: ${(cause as Error).message}`, { file: path, cause });
  }
}

function isJsonPage(value: unknown): value is JsonPage {
  return typeof value === 'object' && value !== null && (typeof (value as JsonPage).text === 'string' || typeof (value as JsonPage).ocrText === 'string');
}

/** Pages of a convert JSON output. */
export function pagesFromJson(source: string, file: string): LoadedPages {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (cause) {
    throw new VanbanError('CORRUPT', `not valid JSON (${(cause as Error).message}); give vanban convert's .json output or a .txt`, {
      file,
      cause,
    });
  }
  const pages = (parsed as { pages?: unknown }).pages;
  if (!Array.isArray(pages) || !pages.every(isJsonPage)) {
    throw new VanbanError('CORRUPT', 'this JSON has no "pages" with text; give vanban convert\'s .json output', { file });
  }
  return {
    texts: pages.map((p) => p.text ?? p.ocrText ?? ''),
    inputs: pages.map((p) => {
      const words = (p.words ?? []).filter((w) => typeof w.conf === 'number');
      const input: PageInput = { text: p.ocrText ?? p.text ?? '' };
      if (words.length > 0) {
        input.words = words.map((w) => {
          const text = w.ocr ?? w.text ?? '';
          return w.bbox ? { text, conf: w.conf!, bbox: w.bbox } : { text, conf: w.conf! };
        });
        input.restored = {
          tokens: words.map((w, i) => ({
            original: w.ocr ?? w.text ?? '',
            text: w.text ?? '',
            source: [i],
            alternatives: [],
            confidence: w.changed ? (w.restoreConfidence ?? 1) : 1,
            changed: w.changed === true,
          })),
        };
      }
      if (p.width && p.height && p.dpi) Object.assign(input, { width: p.width, height: p.height, dpi: p.dpi });
      return input;
    }),
  };
}

/** Pages of a plain text file: form feeds separate pages. */
export function pagesFromText(source: string): LoadedPages {
  const texts = source.split('\f');
  return { texts, inputs: texts.map((text) => ({ text })) };
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function formatReport(r: ScoreReport): string {
  return [
    `CER ${pct(r.cer)}  WER ${pct(r.wer)}`,
    `without diacritics: CER ${pct(r.cerNoDiacritics)}  WER ${pct(r.werNoDiacritics)}`,
    `diacritic errors ${pct(r.diacriticErrorRate)} of aligned syllables  word recall (any order) ${pct(r.wordRecall)}`,
    `${r.counts.chars} reference characters, ${r.counts.words} words: ` +
      `${r.counts.substitutions} substituted, ${r.counts.deletions} missing, ${r.counts.insertions} extra`,
  ].join('\n');
}

function formatEstimate(d: DocumentEstimate): string {
  const lines = [`estimated score ${d.score.toFixed(3)} (≈ ${pct(1 - d.score)} CER)${d.needsReview ? '  NEEDS REVIEW' : ''}`];
  if (d.pages.length > 1 || d.flaggedPages.length > 0) {
    d.pages.forEach((p, i) => {
      lines.push(`  page ${i + 1}: ${p.score.toFixed(3)}${p.needsReview ? '  needs review' : ''}`);
    });
  }
  const least = d.pages.flatMap((p, i) => p.leastCertain.slice(0, 5).map((w) => `p${i + 1} "${w.text}" ${w.conf.toFixed(0)}`));
  if (least.length > 0) lines.push(`least certain: ${least.slice(0, 10).join(', ')}`);
  return lines.join('\n');
}

export async function runScoreCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        truth: { type: 'string' },
        json: { type: 'boolean', default: false },
        'show-errors': { type: 'boolean', default: false },
        threshold: { type: 'string' },
      },
    });
  } catch (error) {
    throw new VanbanError('USAGE', `${(error as Error).message}\nRun "vanban --help" for usage.`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new VanbanError('USAGE', 'score takes one file: vanban score <text-or-json> [--truth <file>] [--json] [--show-errors]');
  }
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new VanbanError('USAGE', `--threshold must be a number from 0 to 1, not "${values.threshold}"`);
  }
  const file = positionals[0]!;
  const source = await readText(file, 'input');
  const pages = /\.json$/i.test(file) ? pagesFromJson(source, file) : pagesFromText(source);

  if (values.truth !== undefined) {
    const truth = await readText(values.truth, 'transcription');
    const truthPages = truth.split('\f');
    // Page by page only when both sides have the same page breaks; else the whole text at once.
    const pairs: Array<[string, string]> =
      truthPages.length === pages.texts.length && pages.texts.length > 1
        ? pages.texts.map((t, i) => [t, truthPages[i]!])
        : [[pages.texts.join('\n'), truthPages.join('\n')]];
    const withAlignment = values['show-errors'] === true;
    const reports = pairs.map(([hyp, ref]) => score(hyp, ref, { alignment: withAlignment }));
    const total = pairs.length === 1 ? reports[0]! : score(pages.texts.join('\n'), truthPages.join('\n'));
    if (values.json) {
      const strip = (r: ScoreReport): Omit<ScoreReport, 'alignment'> => {
        const { alignment: _alignment, ...rest } = r;
        return rest;
      };
      const out: Record<string, unknown> = { file, truth: values.truth, ...strip(total) };
      if (pairs.length > 1) out.pages = reports.map(strip);
      if (withAlignment) out.errors = reports.map((r) => formatAlignment(r.alignment ?? []));
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    let text = `${file} vs ${values.truth}\n${formatReport(total)}\n`;
    if (pairs.length > 1) reports.forEach((r, i) => (text += `  page ${i + 1}: CER ${pct(r.cer)}  WER ${pct(r.wer)}\n`));
    if (withAlignment) {
      reports.forEach((r, i) => {
        const shown = formatAlignment(r.alignment ?? []);
        if (shown) text += `\n${pairs.length > 1 ? `page ${i + 1}\n` : ''}${shown}\n`;
      });
    }
    io.stdout.write(text);
    return 0;
  }

  const doc = estimateDocument(pages.inputs, threshold === undefined ? {} : { threshold });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ file, ...doc }, null, 2)}\n`);
  } else {
    io.stdout.write(`${file}\n${formatEstimate(doc)}\n`);
  }
  return 0;
}
