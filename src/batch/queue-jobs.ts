/**
 * What travels through the queue: one BullMQ flow per document, a `document` parent whose
 * children are its `page` jobs. Pages are converted by any worker and saved as JSON under
 * `<out>/_vanban/pages/<doc id>/`; the parent runs once its last page is done, assembles the
 * document and writes its outputs. Job ids come from the input's path, size and mtime (and the
 * settings), so queueing the same batch twice adds nothing.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FlowProducer, type Job } from 'bullmq';
import type { ExistingTextMode } from '../types.js';
import type { OutputFormat } from '../output/index.js';
import type { VanbanErrorCode } from '../errors.js';
import type { FileError, FileResult } from './convert.js';
import type { PlannedInput } from './plan.js';
import { STATE_DIR } from './plan.js';
import type { DocumentRecord } from './state.js';

export const DEFAULT_QUEUE_NAME = 'vanban';

/** Conversion settings a worker needs (the enqueuing command's flags). */
export interface QueueSettings {
  preprocess: boolean;
  restore: boolean;
  language?: string;
  imageDpi?: number;
  existingText?: ExistingTextMode;
  pdfa?: boolean;
}

export interface DocumentJobData {
  /** The output folder's real path (the same on every machine: a shared file system). */
  out: string;
  input: Pick<PlannedInput, 'path' | 'relative' | 'outputStem'>;
  size: number;
  mtimeMs: number;
  /** 1-based pages to convert, one page job each. */
  pages: number[];
  formats: OutputFormat[];
  settings: QueueSettings;
}

export interface PageJobData {
  docId: string;
  out: string;
  path: string;
  relative: string;
  size: number;
  mtimeMs: number;
  page: number;
  settings: QueueSettings;
}

export interface PageJobResult {
  page: number;
  seconds: number;
}

export interface DocumentJobResult {
  record: DocumentRecord;
  result: FileResult;
}

/** Codes worth another attempt (a crash, a full pool); every other failure is the input's own. */
const TRANSIENT: ReadonlySet<VanbanErrorCode> = new Set(['INTERNAL', 'OCR_FAILED']);
export const isTransient = (code: VanbanErrorCode): boolean => TRANSIENT.has(code);

/** Attempts of a page job whose failure is transient; a permanent failure is never retried. */
export const PAGE_ATTEMPTS = 3;

export function documentId(out: string, input: { path: string; size: number; mtimeMs: number }, pages: readonly number[], formats: readonly OutputFormat[], settings: QueueSettings): string {
  const key = JSON.stringify([out, input.path, input.size, input.mtimeMs, pages, [...formats].sort(), settings]);
  return `doc-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

export const pageJobId = (docId: string, page: number): string => `${docId}-p${page}`;

/** The document id and page number of a page job id, or undefined for another job. */
export function parsePageJobId(id: string): { docId: string; page: number } | undefined {
  const match = /^(doc-[0-9a-f]+)-p(\d+)$/.exec(id);
  return match ? { docId: match[1]!, page: Number(match[2]) } : undefined;
}

export function pagesDir(out: string, docId: string): string {
  return join(out, STATE_DIR, 'pages', docId);
}

/** A failure as it travels in a job's failedReason: the FileError as JSON. */
export function encodeFailure(error: FileError): string {
  return JSON.stringify(error);
}

export function decodeFailure(reason: string | undefined, file: string): FileError {
  try {
    const parsed = JSON.parse(reason ?? '') as Partial<FileError>;
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string') return { file, code: parsed.code, message: parsed.message };
  } catch {
    // Not ours: BullMQ's own reason (a job stalled too often, removed, …).
  }
  return { file, code: 'INTERNAL', message: `queue job failed: ${reason ?? 'no reason given'}` };
}

/** Add a document and its page jobs as one flow (ids fixed by the data, so re-adding is harmless). */
export async function addDocumentFlow(flows: FlowProducer, queueName: string, docId: string, data: DocumentJobData): Promise<void> {
  await flows.add({
    name: 'document',
    queueName,
    data,
    opts: { jobId: docId, removeOnComplete: false, removeOnFail: false },
    children: data.pages.map((page) => ({
      name: 'page',
      queueName,
      data: {
        docId,
        out: data.out,
        path: data.input.path,
        relative: data.input.relative,
        size: data.size,
        mtimeMs: data.mtimeMs,
        page,
        settings: data.settings,
      } satisfies PageJobData,
      opts: {
        jobId: pageJobId(docId, page),
        attempts: PAGE_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        // The parent still runs when a page fails for good, and fails with that page's error.
        ignoreDependencyOnFailure: true,
        // The page's result is on disk and its return value copied into the parent.
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    })),
  });
}

export type DocumentJob = Job<DocumentJobData, DocumentJobResult>;
export type PageJob = Job<PageJobData, PageJobResult>;
