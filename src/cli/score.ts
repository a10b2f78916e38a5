/**
 * `vanban score <text-or-json> [--truth <file>] [--json] [--show-errors]`
 *
 * With --truth: CER/WER and friends of the text against the transcription.
 * Without: the calibrated estimate. A .json input is vanban's convert output; its pages
 * are scored one by one (restored text against the truth, split on form feeds when the
 * truth has them) or estimated from their OCR words and confidences.
 */
import { Command } from 'commander';
import { VanbanError } from '../errors.js';
import type { BBox } from '../types.js';
import {
  estimateDocument,
  formatAlignment,
  score,
  type DocumentEstimate,
  type PageInput,
  type ScoreReport,
} from '../quality/index.js';
import { configure, parseCommand, type CommandResult } from './command.js';
import { readTextInput, type CliIo } from './io.js';

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

interface ScoreFlags {
  truth?: string;
  json?: boolean;
  showErrors?: boolean;
  threshold?: string;
}

export function scoreCommand(io: CliIo, result: CommandResult): Command {
  return configure(new Command('score'), io)
    .description("a text's accuracy against a transcription (--truth), or its estimated quality without one")
    .argument('<text-or-json>', "a .txt (pages separated by form feeds) or vanban convert's .json output")
    .option('--truth <file>', 'transcription to score against (CER, WER, diacritic errors, word recall)')
    .option('--json', 'print the figures as JSON')
    .option('--show-errors', 'print the alignment around every error')
    .option('--threshold <0-1>', 'pages scoring below this need review (estimate only)')
    .action(async (file: string, values: ScoreFlags) => {
      result.code = await scoreAction(file, values, io);
    });
}

/** Run `vanban score` with these arguments. */
export async function runScoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { code: 0 };
  return parseCommand(scoreCommand(io, result), args, result);
}

async function scoreAction(file: string, values: ScoreFlags, io: CliIo): Promise<number> {
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new VanbanError('USAGE', `--threshold must be a number from 0 to 1, not "${values.threshold}"`);
  }
  const input = await readTextInput(file, io, { allowJson: true });
  const pages = input.json ? pagesFromJson(input.text, file) : pagesFromText(input.text);

  if (values.truth !== undefined) {
    const { text: truth, json: truthIsJson } = await readTextInput(values.truth, io, { what: 'transcription', allowJson: true });
    if (truthIsJson) throw new VanbanError('NOT_TEXT', 'the transcription is JSON; give it as UTF-8 text', { file: values.truth });
    const truthPages = truth.split('\f');
    // Page by page only when both sides have the same page breaks; else the whole text at once.
    const pairs: Array<[string, string]> =
      truthPages.length === pages.texts.length && pages.texts.length > 1
        ? pages.texts.map((t, i) => [t, truthPages[i]!])
        : [[pages.texts.join('\n'), truthPages.join('\n')]];
    const withAlignment = values.showErrors === true;
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
