/**
 * The local review server: the bundled front end (dist/web), a small JSON API
 * over the documents of one output folder, and their page images.
 *
 * Safety: it listens on 127.0.0.1 unless told otherwise; every request must
 * carry the expected Host (and, when sent, Origin), so a web page elsewhere
 * cannot reach it through DNS rebinding or a cross-site form; everything but
 * the static bundle needs the random token printed at start-up; documents are
 * addressed by id and only those found under the output folder are opened;
 * files are served only from under the output folder.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VanbanError, isVanbanError } from '../errors.js';
import type { ReviewDocumentEntry, ReviewDocumentView, ReviewOp } from '../types.js';
import { listDocuments, fieldsOf, pageView } from './catalog.js';
import { pageImage } from './images.js';
import { formatsPresent, rebuildBatchFiles } from './rebuild.js';
import { ReviewSession, defaultReviewer } from './session.js';

export interface ReviewServerOptions {
  /** Port (default 0: any free one). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Name written in the journal (default: the user's login name). */
  reviewer?: string;
  /** Fixed token (tests); random by default. */
  token?: string;
}

export interface ReviewServer {
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
  '.jpg': 'image/jpeg',
};

/** dist/web next to the compiled server, or the built one when running from the sources. */
export function webDir(): string {
  const candidates = [fileURLToPath(new URL('../web/', import.meta.url)), fileURLToPath(new URL('../../dist/web/', import.meta.url))];
  return candidates.find((dir) => existsSync(resolve(dir, 'app.js'))) ?? candidates[0]!;
}

const PAGE = (token: string): string => `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vanban review</title><link rel="stylesheet" href="/app.css"></head>
<body><div id="app" data-token="${token}"></div><script type="module" src="/app.js"></script></body></html>`;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, type: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown): void =>
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

async function readBody(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send JSON');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new HttpError(413, 'request too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

const inside = (root: string, path: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** Start serving an output folder; resolves once listening. */
export async function startReviewServer(outDir: string, options: ReviewServerOptions = {}): Promise<ReviewServer> {
  let root: string;
  try {
    root = await realpath(resolve(outDir));
  } catch {
    throw new VanbanError('ENOENT', 'no such output folder', { file: outDir });
  }
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(18).toString('base64url');
  const reviewer = options.reviewer ?? defaultReviewer();
  const web = webDir();
  const sessions = new Map<string, ReviewSession>();
  let port = 0;

  const allowedHosts = (): Set<string> => {
    const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
    names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    return new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
  };

  const tokenOk = (req: IncomingMessage, url: URL): boolean => {
    const given = String(req.headers['x-vanban-token'] ?? url.searchParams.get('t') ?? '');
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const documents = async (): Promise<ReviewDocumentEntry[]> => listDocuments(root);

  const session = async (id: string | null): Promise<ReviewSession> => {
    if (!id) throw new HttpError(400, 'no document id');
    const open = sessions.get(id);
    if (open) return open;
    // Only documents found by walking the folder: an id is never turned into a path by itself.
    const entry = (await documents()).find((d) => d.id === id);
    if (!entry) throw new HttpError(404, 'no such document');
    const opened = await ReviewSession.open(entry.path);
    sessions.set(id, opened);
    return opened;
  };

  const docView = async (id: string, s: ReviewSession): Promise<ReviewDocumentView> => {
    const reviewed = s.reviewedPages();
    return {
      id,
      source: s.doc.source,
      score: s.doc.quality.score,
      flaggedPages: s.doc.quality.flaggedPages,
      pages: s.doc.pages.map((p) => ({ number: p.number, score: p.quality.score, needsReview: p.quality.needsReview, reviewed: reviewed.has(p.number) })),
      fields: fieldsOf(s.doc),
      pending: s.pending.length,
      saved: s.journal.entries.length,
      formats: await formatsPresent(s.jsonPath),
      history: s.journal.entries.slice(-50).map((e) => ({ who: e.who, when: e.when, type: e.op.type, before: e.before, after: e.after })),
    };
  };

  const pageOf = (s: ReviewSession, n: string | null) => {
    const number = Number(n);
    const page = s.doc.pages.find((p) => p.number === number);
    if (!page) throw new HttpError(404, 'no such page');
    return pageView(page, s.reviewedPages().has(page.number), s.alternativesOf(page.number));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts().has(hostHeader)) throw new HttpError(403, 'foreign Host');
    const origin = req.headers.origin;
    if (origin !== undefined && !(origin.startsWith('http://') && allowedHosts().has(origin.slice(7).toLowerCase()))) {
      throw new HttpError(403, 'foreign Origin');
    }
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/app.js' || path === '/app.css')) {
      const file = resolve(web, path.slice(1));
      if (!existsSync(file)) throw new HttpError(500, `the review front end is not built (${file} is missing): run "npm run build"`);
      send(res, 200, await readFile(file), TYPES[extname(path)]!);
      return;
    }
    if (req.method === 'GET' && path === '/favicon.ico') return send(res, 204, '', 'image/x-icon');
    if (!tokenOk(req, url)) throw new HttpError(401, 'missing or wrong token: open the address printed by "vanban review"');
    if (req.method === 'GET' && path === '/') return send(res, 200, PAGE(token), 'text/html; charset=utf-8');
    if (req.method === 'GET' && path === '/api/docs') return sendJson(res, 200, (await documents()).map(({ path: _p, ...d }) => d));
    const id = url.searchParams.get('id');
    if (req.method === 'GET' && path === '/api/doc') return sendJson(res, 200, await docView(id!, await session(id)));
    if (req.method === 'GET' && path === '/api/page') return sendJson(res, 200, pageOf(await session(id), url.searchParams.get('page')));
    if (req.method === 'GET' && path === '/api/image') {
      const s = await session(id);
      const n = Number(url.searchParams.get('page'));
      if (!s.doc.pages.some((p) => p.number === n)) throw new HttpError(404, 'no such page');
      return send(res, 200, await pageImage(root, id!, s.input, n), 'image/jpeg');
    }
    if (req.method === 'GET' && path.startsWith('/files/')) {
      // Outputs for download: only regular files under the output folder, symlinks resolved.
      let file: string;
      try {
        file = await realpath(resolve(root, decodeURIComponent(path.slice('/files/'.length))));
      } catch {
        throw new HttpError(404, 'no such file');
      }
      if (!inside(root, file) || relative(root, file).split(sep).some((part) => part.startsWith('.'))) throw new HttpError(403, 'outside the output folder');
      if (!(await stat(file)).isFile()) throw new HttpError(404, 'no such file');
      return send(res, 200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    }
    if (req.method === 'POST' && path === '/api/op') {
      const s = await session(id);
      const body = (await readBody(req)) as { op?: ReviewOp; page?: number };
      if (!body.op || typeof body.op !== 'object') throw new HttpError(400, 'no operation');
      s.apply(body.op, reviewer);
      const view = await docView(id!, s);
      const page = 'page' in body.op ? body.op.page : body.page;
      return sendJson(res, 200, { doc: view, page: page === undefined ? null : pageOf(s, String(page)) });
    }
    if (req.method === 'POST' && (path === '/api/save' || path === '/api/discard')) {
      const s = await session(id);
      await readBody(req);
      let written: string[] = [];
      if (path === '/api/save') {
        written = await s.save();
        if (written.length > 0) written.push(...(await rebuildBatchFiles(root, (await documents()).map((d) => d.path))));
      } else {
        await s.discard();
      }
      return sendJson(res, 200, { doc: await docView(id!, s), written: written.map((w) => w.slice(root.length + 1)) });
    }
    throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : isVanbanError(error) && error.code === 'USAGE' ? 400 : 500;
      const message = (error as Error)?.message ?? String(error);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(new VanbanError('USAGE', `cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`)),
    );
    server.listen(options.port ?? 0, host, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/?t=${token}`,
    token,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
