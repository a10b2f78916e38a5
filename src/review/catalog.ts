/**
 * The documents of an output folder, found by content (a JSON with `pages` and
 * `document`), not by file names, and what the review app shows of them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ConvertedPage, ReviewDocumentEntry, ReviewField, ReviewPageView, VanBanDocument } from '../types.js';
import type { QualityEstimate } from '../quality/index.js';
import { EDITABLE_FIELDS, CERTAIN_CONF } from './edit.js';
import { layoutLines, readDocumentJson } from './model.js';
import type { Journal } from './session.js';

/** Folder (under the output folder) where the review keeps its page-image cache. */
export const CACHE_DIR = '.vanban-review';

/** A word is worth a look below this OCR confidence… */
export const FLAG_CONF = 80;
/** …or when the restorer changed it with less certainty than this. */
export const FLAG_RESTORE = 0.9;

export const isFlagged = (text: string, conf: number, changed: boolean, restoreConfidence: number): boolean =>
  conf < CERTAIN_CONF && text.length > 0 && (conf < FLAG_CONF || (changed && restoreConfidence < FLAG_RESTORE));

/** Why a page may need a look, in words, from its quality features. */
export function reasonsOf(quality: QualityEstimate): string[] {
  const f = quality.features;
  const reasons: string[] = [];
  if (quality.model === 'empty') return ['no text found'];
  const confMean = f.confMean ?? 1;
  const lowConf = f.lowConfShare ?? 0;
  const known = f.dictionaryShare ?? 1;
  const changed = f.restoreChangedShare ?? 0;
  if (confMean < 0.8) reasons.push(`low OCR confidence (${Math.round(confMean * 100)})`);
  if (lowConf > 0.08) reasons.push(`${Math.round(lowConf * 100)} % of words uncertain`);
  if (known < 0.85) reasons.push(`${Math.round((1 - known) * 100)} % unknown words`);
  if (f.garbageRate > 0.02) reasons.push('garbled characters');
  if (changed > 0.15) reasons.push(`restorer changed ${Math.round(changed * 100)} % of words`);
  return reasons;
}

async function walkJson(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walkJson(path, out);
    else if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.endsWith('.review.json')) out.push(path);
  }
}

async function journalSummary(jsonPath: string): Promise<{ corrections: number; reviewedPages: number[] }> {
  try {
    const journal = JSON.parse(await readFile(`${jsonPath.replace(/\.json$/i, '')}.review.json`, 'utf8')) as Journal;
    const reviewed = new Set<number>();
    for (const { op } of journal.entries) {
      if (op.type !== 'reviewed') continue;
      if (op.reviewed) reviewed.add(op.page);
      else reviewed.delete(op.page);
    }
    return { corrections: journal.entries.filter((e) => e.op.type !== 'reviewed').length, reviewedPages: [...reviewed].sort((a, b) => a - b) };
  } catch {
    return { corrections: 0, reviewedPages: [] };
  }
}

const toId = (root: string, path: string): string => relative(root, path).split(sep).join('/');

/** Every document JSON under the folder, worst quality first. */
export async function listDocuments(root: string): Promise<ReviewDocumentEntry[]> {
  const paths: string[] = [];
  await walkJson(root, paths);
  const docs: ReviewDocumentEntry[] = [];
  for (const path of paths.sort()) {
    const info = await stat(path);
    if (info.size > 256 * 1024 * 1024) continue;
    const json = await readDocumentJson(path);
    if (!json) continue;
    const reasons = new Set<string>();
    for (const page of json.pages) if (page.quality?.needsReview) for (const r of reasonsOf(page.quality)) reasons.add(`p. ${page.number}: ${r}`);
    const d = json.document;
    docs.push({
      id: toId(root, path),
      path,
      source: json.source,
      type: d.type ?? null,
      title: d.title ?? null,
      number: d.number ?? null,
      symbol: d.symbol ?? null,
      score: json.quality?.score ?? 0,
      pages: json.pages.length,
      flaggedPages: json.quality?.flaggedPages ?? [],
      reasons: [...reasons],
      flaggedWords: json.pages.reduce(
        (n, page) => n + page.words.filter((w) => isFlagged(w.text, w.conf, w.changed === true, w.restoreConfidence ?? 1)).length,
        0,
      ),
      ...(await journalSummary(path)),
    });
  }
  return docs.sort((a, b) => a.score - b.score || b.flaggedPages.length - a.flaggedPages.length || (a.id < b.id ? -1 : 1));
}

export function fieldsOf(doc: VanBanDocument): Record<ReviewField, string | null> {
  const out = {} as Record<ReviewField, string | null>;
  for (const field of EDITABLE_FIELDS) {
    out[field] =
      field === 'signer.title' ? (doc.document.signer?.title ?? null) : field === 'signer.name' ? (doc.document.signer?.name ?? null) : doc.document[field];
  }
  return out;
}

export function pageView(page: ConvertedPage, reviewed: boolean, alternatives: string[][]): ReviewPageView {
  return {
    number: page.number,
    width: page.ocr.width,
    height: page.ocr.height,
    text: page.restored.text,
    score: page.quality.score,
    needsReview: page.quality.needsReview,
    reviewed,
    reasons: reasonsOf(page.quality),
    lines: layoutLines(page).map((l) => ({ text: l.text, bbox: l.bbox, block: l.block })),
    words: page.restored.words.map((w, i) => {
      const certain = w.conf >= CERTAIN_CONF;
      const suggestions = [w.original, ...(alternatives[i] ?? [])].filter((s, k, all) => s && s !== w.text && all.indexOf(s) === k);
      return {
        text: w.text,
        ocr: w.original,
        conf: w.conf,
        bbox: w.bbox,
        line: w.line,
        changed: w.changed,
        flagged: isFlagged(w.text, w.conf, w.changed, w.restoreConfidence),
        certain,
        suggestions,
      };
    }),
  };
}
