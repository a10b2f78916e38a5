/** The review server's JSON API, as the front end sees it: its shapes are src/types.ts's. */
import type { ReviewDocumentView, ReviewField, ReviewPageView, ReviewDocumentEntry, ReviewOp } from '../src/types.js';

/** Labels of the catalogue fields a reviewer may edit, one for each of ReviewField. */
export const FIELD_LABELS: Record<ReviewField, string> = {
  agency: 'Agency (cơ quan)',
  number: 'Number (số)',
  symbol: 'Symbol (ký hiệu)',
  place: 'Place (địa danh)',
  date: 'Date (yyyy-mm-dd)',
  type: 'Type (loại văn bản)',
  title: 'Title (trích yếu)',
  'signer.title': 'Signer’s title',
  'signer.name': 'Signer',
};

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
  docs: () => call<ReviewDocumentEntry[]>('/api/docs'),
  doc: (id: string) => call<ReviewDocumentView>(`/api/doc?id=${q(id)}`),
  page: (id: string, page: number) => call<ReviewPageView>(`/api/page?id=${q(id)}&page=${page}`),
  op: (id: string, op: ReviewOp, page?: number) =>
    call<{ doc: ReviewDocumentView; page: ReviewPageView | null }>(`/api/op?id=${q(id)}`, page === undefined ? { op } : { op, page }),
  save: (id: string) => call<{ doc: ReviewDocumentView; written: string[] }>(`/api/save?id=${q(id)}`, {}),
  discard: (id: string) => call<{ doc: ReviewDocumentView }>(`/api/discard?id=${q(id)}`, {}),
  imageUrl: (id: string, page: number) => `/api/image?id=${q(id)}&page=${page}&t=${encodeURIComponent(token)}`,
  fileUrl: (path: string) => `/files/${path.split('/').map(encodeURIComponent).join('/')}?t=${encodeURIComponent(token)}`,
};
