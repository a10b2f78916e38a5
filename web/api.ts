/** The review server's JSON API, as the front end sees it (shapes mirror src/review/catalog.ts). */
export type BBox = [number, number, number, number];

export interface DocumentEntry {
  id: string;
  source: string;
  type: string | null;
  title: string | null;
  number: string | null;
  symbol: string | null;
  score: number;
  pages: number;
  flaggedPages: number[];
  reasons: string[];
  flaggedWords: number;
  corrections: number;
  reviewedPages: number[];
}

export interface WordView {
  text: string;
  ocr: string;
  conf: number;
  bbox: BBox;
  line: number;
  changed: boolean;
  flagged: boolean;
  certain: boolean;
  suggestions: string[];
}

export interface PageView {
  number: number;
  width: number;
  height: number;
  text: string;
  score: number;
  needsReview: boolean;
  reviewed: boolean;
  reasons: string[];
  lines: Array<{ text: string; bbox: BBox; block: number }>;
  words: WordView[];
}

export const FIELD_LABELS = {
  agency: 'Agency (cơ quan)',
  number: 'Number (số)',
  symbol: 'Symbol (ký hiệu)',
  place: 'Place (địa danh)',
  date: 'Date (yyyy-mm-dd)',
  type: 'Type (loại văn bản)',
  title: 'Title (trích yếu)',
  'signer.title': 'Signer’s title',
  'signer.name': 'Signer',
} as const;
export type FieldName = keyof typeof FIELD_LABELS;

export interface DocumentView {
  id: string;
  source: string;
  score: number;
  flaggedPages: number[];
  pages: Array<{ number: number; score: number; needsReview: boolean; reviewed: boolean }>;
  fields: Record<FieldName, string | null>;
  pending: number;
  saved: number;
  formats: string[];
  history: Array<{ who: string; when: string; type: string; before: unknown; after: unknown }>;
}

export type ReviewOp =
  | { type: 'word'; page: number; index: number; text: string }
  | { type: 'join'; page: number; index: number }
  | { type: 'moveLine'; page: number; line: number; to: number }
  | { type: 'field'; field: FieldName; value: string | null }
  | { type: 'reviewed'; page: number; reviewed: boolean };

const token = document.getElementById('app')?.dataset.token ?? '';

async function call<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-vanban-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const value = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(value.error ?? `HTTP ${response.status}`);
  return value;
}

const q = (id: string): string => encodeURIComponent(id);

export const api = {
  docs: () => call<DocumentEntry[]>('/api/docs'),
  doc: (id: string) => call<DocumentView>(`/api/doc?id=${q(id)}`),
  page: (id: string, page: number) => call<PageView>(`/api/page?id=${q(id)}&page=${page}`),
  op: (id: string, op: ReviewOp, page?: number) =>
    call<{ doc: DocumentView; page: PageView | null }>(`/api/op?id=${q(id)}`, page === undefined ? { op } : { op, page }),
  save: (id: string) => call<{ doc: DocumentView; written: string[] }>(`/api/save?id=${q(id)}`, {}),
  discard: (id: string) => call<{ doc: DocumentView }>(`/api/discard?id=${q(id)}`, {}),
  imageUrl: (id: string, page: number) => `/api/image?id=${q(id)}&page=${page}&t=${encodeURIComponent(token)}`,
  fileUrl: (path: string) => `/files/${path.split('/').map(encodeURIComponent).join('/')}?t=${encodeURIComponent(token)}`,
};
