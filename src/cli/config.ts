/**
 * Convert's settings: from flags, else from `vanban.config.json` in the working folder
 * (same names as the long flags, without the dashes), else the defaults. Every value is
 * checked here, once, with a message naming the flag or the config file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { VanbanError } from '../errors.js';
import type { OutputFormat } from '../output/index.js';
import { validateFormats } from '../batch/convert.js';

export const CONFIG_FILE = 'vanban.config.json';

export interface ConvertSettings {
  out?: string;
  jobs?: number;
  force: boolean;
  formats?: OutputFormat[];
  language?: 'vie' | 'vie+eng';
  pages?: number[];
  imageDpi?: number;
  pdfa?: boolean;
  existingText?: 'redo' | 'skip' | 'force';
  preprocess: boolean;
  restore: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** Raw values as given (a flag's string, or a config file's JSON value). */
export type RawSettings = Partial<Record<SettingName, unknown>>;

export const SETTING_NAMES = [
  'out',
  'jobs',
  'force',
  'formats',
  'language',
  'pages',
  'image-dpi',
  'output-type',
  'skip-text',
  'force-ocr',
  'redo-ocr',
  'no-preprocess',
  'no-restore',
  'quiet',
  'verbose',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

const MAX_PAGE = 100_000;

/** "1-3,5" → [1, 2, 3, 5]: ascending, no repeats. */
export function parsePages(text: string): number[] {
  const pages = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a page or range (write 1-3,5)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to < from || to > MAX_PAGE) throw new Error(`"${part}" is not a valid range (pages count from 1, ranges go up)`);
    for (let n = from; n <= to; n++) pages.add(n);
  }
  return [...pages].sort((a, b) => a - b);
}

function wholeNumber(value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`takes a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function bool(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`takes true or false, got ${JSON.stringify(value)}`);
  return value;
}

function text(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`takes a text value, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Check and combine raw settings; `where(name)` says where a value came from ("--jobs",
 * or "vanban.config.json: jobs") for the message.
 */
export function resolveSettings(raw: RawSettings, where: (name: SettingName) => string): ConvertSettings {
  const check = <T>(name: SettingName, parse: (value: unknown) => T): T | undefined => {
    if (raw[name] === undefined) return undefined;
    try {
      return parse(raw[name]);
    } catch (error) {
      throw new VanbanError('USAGE', `${where(name)} ${(error as Error).message}`);
    }
  };
  const settings: ConvertSettings = {
    force: check('force', bool) ?? false,
    preprocess: !(check('no-preprocess', bool) ?? false),
    restore: !(check('no-restore', bool) ?? false),
    quiet: check('quiet', bool) ?? false,
    verbose: check('verbose', bool) ?? false,
  };
  const out = check('out', text);
  if (out !== undefined) settings.out = out;
  const jobs = check('jobs', (v) => wholeNumber(v, 1, 64));
  if (jobs !== undefined) settings.jobs = jobs;
  const formats = check('formats', (v) => {
    const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
    if (!list || !list.every((f) => typeof f === 'string')) throw new Error(`takes a list such as "json,txt,pdf", got ${JSON.stringify(v)}`);
    try {
      return validateFormats(list.map((f: string) => f.trim()).filter(Boolean));
    } catch (error) {
      throw new Error((error as Error).message);
    }
  });
  if (formats !== undefined) settings.formats = formats;
  const language = check('language', (v) => {
    if (v !== 'vie' && v !== 'vie+eng') throw new Error(`takes vie or vie+eng, got ${JSON.stringify(v)}`);
    return v;
  });
  if (language !== undefined) settings.language = language;
  const pages = check('pages', (v) => {
    if (Array.isArray(v)) return parsePages(v.map((n) => String(n)).join(','));
    return parsePages(typeof v === 'number' ? String(v) : text(v));
  });
  if (pages !== undefined) settings.pages = pages;
  const dpi = check('image-dpi', (v) => wholeNumber(v, 50, 2400));
  if (dpi !== undefined) settings.imageDpi = dpi;
  const outputType = check('output-type', (v) => {
    if (v !== 'pdf' && v !== 'pdfa') throw new Error(`takes pdf or pdfa, got ${JSON.stringify(v)}`);
    return v;
  });
  if (outputType !== undefined) settings.pdfa = outputType === 'pdfa';
  const modes = (['skip-text', 'force-ocr', 'redo-ocr'] as const).filter((m) => check(m, bool) === true);
  if (modes.length > 1) {
    throw new VanbanError('USAGE', `${modes.map((m) => where(m)).join(' and ')} cannot be combined: choose one way to treat pages that have text`);
  }
  if (modes[0]) settings.existingText = modes[0] === 'skip-text' ? 'skip' : modes[0] === 'force-ocr' ? 'force' : 'redo';
  if (settings.quiet && settings.verbose) throw new VanbanError('USAGE', `${where('quiet')} and ${where('verbose')} cannot be combined`);
  return settings;
}

/** The config file's settings ({} when there is none); anything unknown or malformed is refused. */
export async function readConfig(path: string = resolve(CONFIG_FILE), required = false): Promise<RawSettings> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new VanbanError('USAGE', `cannot read the config file: ${(error as Error).message}`, { file: path });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    throw new VanbanError('USAGE', `the config file is not valid JSON (${(error as Error).message})`, { file: path });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new VanbanError('USAGE', 'the config file must hold one JSON object, e.g. {"jobs": 2, "formats": "json,txt,pdf"}', { file: path });
  }
  for (const key of Object.keys(parsed)) {
    if (!(SETTING_NAMES as readonly string[]).includes(key)) {
      throw new VanbanError('USAGE', `unknown setting "${key}"; settings are the long flag names: ${SETTING_NAMES.join(', ')}`, { file: path });
    }
  }
  return parsed as RawSettings;
}
