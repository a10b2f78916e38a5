/**
 * One document under review: its outputs as last written, the operations not
 * yet saved, and the journal (`<name>.review.json`) of every saved correction:
 * who, when, what it was before and after. The outputs always hold the
 * corrected state, so reopening a document shows it; the journal is the audit
 * trail and keeps which pages a reviewer signed off.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { VanbanError } from '../errors.js';
import { writeFileAtomic } from '../output/atomic.js';
import { VERSION } from '../output/json.js';
import type { ReviewField, ReviewOp, VanBanDocument } from '../types.js';
import { restoreTokens } from '../restore/index.js';
import { applyOp, settle } from './edit.js';
import { fromJson, isDocumentJson } from './model.js';
import { inputOf, rebuildDocument, stemOf } from './rebuild.js';

export interface JournalEntry {
  who: string;
  /** ISO time of the edit. */
  when: string;
  op: ReviewOp;
  before: unknown;
  after: unknown;
}

export interface Journal {
  vanban: string;
  /** The input scan the document was converted from (never modified). */
  source: string;
  entries: JournalEntry[];
}

export const journalPath = (jsonPath: string): string => `${stemOf(jsonPath)}.review.json`;

export function defaultReviewer(): string {
  try {
    return userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}

async function readJournal(path: string, source: string): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { vanban: VERSION, source, entries: [] };
  }
  try {
    const journal = JSON.parse(text) as Journal;
    if (!Array.isArray(journal.entries)) throw new Error('no "entries" list');
    return journal;
  } catch (error) {
    throw new VanbanError('CORRUPT', `review journal is damaged: ${(error as Error).message}`, { file: path });
  }
}

async function readDocument(jsonPath: string): Promise<VanBanDocument> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (error) {
    throw new VanbanError('CORRUPT', `cannot read the document JSON: ${(error as Error).message}`, { file: jsonPath });
  }
  if (!isDocumentJson(json)) throw new VanbanError('NOT_PDF', 'not a vanban document JSON (no "pages" and "document")', { file: jsonPath });
  return fromJson(json);
}

export class ReviewSession {
  readonly jsonPath: string;
  doc: VanBanDocument;
  journal: Journal;
  pending: JournalEntry[] = [];
  private saving = false;
  private alternatives = new Map<number, string[][]>();

  /** The input scan on disk (the JSON's `source` is relative to its input root). */
  readonly input: string;

  private constructor(jsonPath: string, doc: VanBanDocument, journal: Journal, input: string) {
    this.jsonPath = jsonPath;
    this.doc = doc;
    this.journal = journal;
    this.input = input;
  }

  static async open(jsonPath: string): Promise<ReviewSession> {
    const doc = await readDocument(jsonPath);
    const journal = await readJournal(journalPath(jsonPath), doc.source);
    return new ReviewSession(jsonPath, doc, journal, await inputOf(jsonPath, doc.source));
  }

  /** Pages signed off: the last "reviewed" entry per page, saved or pending. */
  reviewedPages(): Set<number> {
    const reviewed = new Set<number>();
    for (const entry of [...this.journal.entries, ...this.pending]) {
      if (entry.op.type !== 'reviewed') continue;
      if (entry.op.reviewed) reviewed.add(entry.op.page);
      else reviewed.delete(entry.op.page);
    }
    return reviewed;
  }

  /** Apply an edit to the working copy (not yet written). */
  apply(op: ReviewOp, who: string): JournalEntry {
    // An edit landing while a save awaits its writes would be journalled without being in the outputs.
    if (this.saving) throw new VanbanError('USAGE', 'a save is in progress: try again in a moment');
    const wasReviewed = op.type === 'reviewed' ? this.reviewedPages().has(op.page) : undefined;
    const wordCount = (): number | undefined => this.doc.pages.find((p) => 'page' in op && p.number === op.page)?.restored.words.length;
    const countBefore = wordCount();
    const effect = applyOp(this.doc, op);
    if (wasReviewed !== undefined) effect.before = wasReviewed;
    const entry: JournalEntry = { who, when: new Date().toISOString(), op, ...effect };
    this.pending.push(entry);
    this.settle();
    // Suggestions come from the OCR forms, which a correction leaves alone; only a change of word order or count moves them.
    if ((op.type === 'word' && wordCount() !== countBefore) || op.type === 'join' || op.type === 'moveLine') this.alternatives.delete(op.page);
    return entry;
  }

  private settle(): void {
    const touched = new Set<number>();
    const reordered = new Set<number>();
    for (const { op } of this.pending) {
      if (op.type === 'word' || op.type === 'join' || op.type === 'moveLine') touched.add(op.page);
      if (op.type === 'reviewed' && !op.reviewed) touched.add(op.page);
      if (op.type === 'moveLine') reordered.add(op.page);
    }
    const fields: Array<{ field: ReviewField; value: string | null }> = [];
    for (const { op } of [...this.journal.entries, ...this.pending]) {
      if (op.type === 'field') fields.push({ field: op.field, value: op.value });
    }
    settle(this.doc, { touched, reordered, reviewed: this.reviewedPages(), fields });
  }

  /** Write the outputs and the journal; returns the files written. */
  async save(): Promise<string[]> {
    if (this.pending.length === 0 || this.saving) return [];
    this.saving = true;
    try {
      const written = await rebuildDocument(this.jsonPath, this.doc, this.input);
      const journal: Journal = { ...this.journal, vanban: VERSION, entries: [...this.journal.entries, ...this.pending] };
      const path = journalPath(this.jsonPath);
      await writeFileAtomic(path, `${JSON.stringify(journal, null, 2)}\n`);
      this.journal = journal;
      this.pending = [];
      return [...written, path];
    } finally {
      this.saving = false;
    }
  }

  /** Drop unsaved edits: back to what the outputs hold. */
  async discard(): Promise<void> {
    this.doc = await readDocument(this.jsonPath);
    this.pending = [];
    this.alternatives.clear();
  }

  /** The restorer's other candidates for each word of a page (computed once per page state). */
  alternativesOf(pageNumber: number): string[][] {
    const cached = this.alternatives.get(pageNumber);
    if (cached) return cached;
    const page = this.doc.pages.find((p) => p.number === pageNumber);
    if (!page) return [];
    const inputs: Array<{ text: string; conf: number; lineBreakAfter: boolean }> = [];
    const owner: number[] = [];
    const words = page.restored.words;
    words.forEach((word, i) => {
      const parts = word.original.split(' ').filter(Boolean);
      for (const part of parts) {
        inputs.push({ text: part, conf: word.conf, lineBreakAfter: false });
        owner.push(i);
      }
      const next = words[i + 1];
      if (inputs.length > 0 && (!next || next.line !== word.line)) inputs[inputs.length - 1]!.lineBreakAfter = true;
    });
    const out: string[][] = words.map(() => []);
    if (inputs.length > 0) {
      for (const token of restoreTokens(inputs)) {
        const index = owner[token.source[0] ?? -1];
        if (index === undefined) continue;
        // Alternatives are bare words: give them the punctuation glued to the chosen form ("VỊ," → "Vĩ,").
        const [, lead = '', , trail = ''] = /^(\p{P}*)(.*?)(\p{P}*)$/u.exec(token.text) ?? [];
        for (const alt of [token.text, ...token.alternatives]) {
          const form = `${alt.startsWith(lead) ? '' : lead}${alt}${alt.endsWith(trail) ? '' : trail}`;
          if (!out[index]!.includes(form)) out[index]!.push(form);
        }
      }
    }
    this.alternatives.set(pageNumber, out);
    return out;
  }
}
