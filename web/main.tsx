/**
 * vanban review: the documents of an output folder, worst first, and a page
 * view to correct them: the scan with every word's box, flagged words
 * highlighted, the restored text beside it, the catalogue fields below.
 * Every edit goes to the server at once (it keeps them until Save).
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ReviewDocumentEntry, ReviewDocumentView, ReviewField, ReviewOp, ReviewPageView, ReviewWordView } from '../src/types.js';
import { api, FIELD_LABELS } from './api.js';
import './app.css';

type Route = { view: 'list' } | { view: 'doc'; id: string; page: number };

function parseRoute(): Route {
  const match = /^#\/doc\/([^/]+)\/(\d+)$/.exec(location.hash);
  return match ? { view: 'doc', id: decodeURIComponent(match[1]!), page: Number(match[2]) } : { view: 'list' };
}

const go = (route: Route): void => {
  location.hash = route.view === 'list' ? '' : `#/doc/${encodeURIComponent(route.id)}/${route.page}`;
};

/** File endings of the outputs, as `convert` names them. */
const EXTENSIONS: Record<string, string> = { json: '.json', txt: '.txt', md: '.md', pdf: '.pdf', alto: '.alto.xml' };

const pct = (score: number): string => `${(score * 100).toFixed(1)} %`;
const name = (id: string): string => id.replace(/\.json$/i, '');

function App() {
  const [route, setRoute] = useState<Route>(parseRoute);
  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route.view === 'list' ? <DocumentList /> : <DocumentPage id={route.id} page={route.page} />;
}

function DocumentList() {
  const [docs, setDocs] = useState<ReviewDocumentEntry[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.docs().then(setDocs, (e: Error) => setError(e.message));
  }, []);
  return (
    <main class="list">
      <h1>vanban review{docs ? ` · ${docs.length} document(s)` : ''}</h1>
      {error && <p class="error">{error}</p>}
      {docs === null && !error && <p>Loading…</p>}
      {docs && docs.length === 0 && <p>No converted documents in this folder.</p>}
      {docs && docs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Document</th>
              <th>Type / title</th>
              <th class="num">Score</th>
              <th class="num">Pages</th>
              <th>Flagged pages</th>
              <th>Why</th>
              <th>Reviewed</th>
            </tr>
          </thead>
          <tbody>
            {docs.map((d) => (
              <tr key={d.id} class={d.flaggedPages.length > 0 ? 'flagged' : ''}>
                <td>
                  <a href={`#/doc/${encodeURIComponent(d.id)}/${d.flaggedPages[0] ?? 1}`}>{name(d.id)}</a>
                </td>
                <td>
                  {[d.type, d.number && d.symbol ? `${d.number}/${d.symbol}` : d.symbol].filter(Boolean).join(' ')}
                  <div class="muted">{d.title}</div>
                </td>
                <td class="num">{pct(d.score)}</td>
                <td class="num">{d.pages}</td>
                <td>{d.flaggedPages.join(', ') || '—'}</td>
                <td class="muted">{[...d.reasons, d.flaggedWords ? `${d.flaggedWords} word(s) to check` : ''].filter(Boolean).join('; ')}</td>
                <td class="muted">
                  {d.reviewedPages.length ? `pages ${d.reviewedPages.join(', ')}` : ''}
                  {d.corrections ? ` ${d.corrections} edit(s)` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;

function DocumentPage({ id, page: pageNumber }: { id: string; page: number }) {
  const [doc, setDoc] = useState<ReviewDocumentView | null>(null);
  const [page, setPage] = useState<ReviewPageView | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setPage(null);
    setSelected(null);
    Promise.all([api.doc(id), api.page(id, pageNumber)]).then(
      ([d, p]) => {
        setDoc(d);
        setPage(p);
        const first = p.words.findIndex((w) => w.flagged);
        setSelected(first >= 0 ? first : p.words.length > 0 ? 0 : null);
      },
      (e: Error) => setStatus(e.message),
    );
  }, [id, pageNumber]);

  const run = useCallback(
    async (op: ReviewOp, select?: (p: ReviewPageView) => number | null): Promise<void> => {
      setBusy(true);
      try {
        const result = await api.op(id, op, pageNumber);
        setDoc(result.doc);
        if (result.page) {
          setPage(result.page);
          if (select) setSelected(select(result.page));
        }
        setStatus('');
      } catch (e) {
        setStatus((e as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [id, pageNumber],
  );

  const nextFlagged = (p: ReviewPageView, from: number, step: 1 | -1): number | null => {
    for (let i = from + step; i >= 0 && i < p.words.length; i += step) if (p.words[i]!.flagged) return i;
    return null;
  };

  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      const result = await api.save(id);
      setDoc(result.doc);
      setStatus(result.written.length ? `Saved: ${result.written.join(', ')}` : 'Nothing to save');
    } catch (e) {
      setStatus(`Not saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const discard = async (): Promise<void> => {
    const result = await api.discard(id);
    setDoc(result.doc);
    setPage(await api.page(id, pageNumber));
    setStatus('Unsaved edits dropped');
  };

  const correct = (index: number, text: string): Promise<void> =>
    run({ type: 'word', page: pageNumber, index, text }, (p) => {
      const added = p.words.length - (page?.words.length ?? p.words.length);
      return nextFlagged(p, index + added, 1) ?? index + added;
    });

  const word = page && selected !== null ? page.words[selected] : undefined;
  const pageCount = doc?.pages.length ?? 0;
  const toPage = (n: number): void => {
    if (n >= 1 && n <= pageCount) go({ view: 'doc', id, page: n });
  };

  const onKey = (event: KeyboardEvent): void => {
    if (!page || busy) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save();
      return;
    }
    if (isTyping(event.target)) return;
    const at = selected ?? -1;
    const key = event.key;
    const handled = (): void => event.preventDefault();
    if (key === 'n' || (key === 'Tab' && !event.shiftKey)) {
      handled();
      const next = nextFlagged(page, at, 1);
      if (next === null) setStatus('No more flagged words on this page: PageDown for the next one');
      else setSelected(next);
    } else if (key === 'N' || (key === 'Tab' && event.shiftKey)) {
      handled();
      const prev = nextFlagged(page, at, -1);
      if (prev !== null) setSelected(prev);
    } else if (key === 'ArrowRight' && !event.altKey) {
      handled();
      setSelected(Math.min(page.words.length - 1, at + 1));
    } else if (key === 'ArrowLeft' && !event.altKey) {
      handled();
      setSelected(Math.max(0, at - 1));
    } else if ((key === 'Enter' || key === 'a') && word && selected !== null) {
      handled();
      void correct(selected, word.text);
    } else if ((key === 'e' || key === 'F2') && word) {
      handled();
      input.current?.focus();
      input.current?.select();
    } else if (/^[1-9]$/.test(key) && word && selected !== null) {
      const suggestion = word.suggestions[Number(key) - 1];
      if (suggestion) {
        handled();
        void correct(selected, suggestion);
      }
    } else if (key === 'j' && word && selected !== null) {
      handled();
      void run({ type: 'join', page: pageNumber, index: selected }, () => selected);
    } else if (event.altKey && (key === 'ArrowUp' || key === 'ArrowDown') && word) {
      handled();
      const to = word.line + (key === 'ArrowUp' ? -1 : 1);
      if (to >= 0 && to < page.lines.length) void run({ type: 'moveLine', page: pageNumber, line: word.line, to }, (p) => p.words.findIndex((w) => w.line === to));
    } else if (key === 'PageDown' || key === ']') {
      handled();
      toPage(pageNumber + 1);
    } else if (key === 'PageUp' || key === '[') {
      handled();
      toPage(pageNumber - 1);
    } else if (key === 'r') {
      handled();
      void run({ type: 'reviewed', page: pageNumber, reviewed: !page.reviewed });
    } else if (key === 'Escape') {
      setSelected(null);
    }
  };

  useEffect(() => {
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  useEffect(() => {
    document.querySelector('.box.selected')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    document.querySelector('.w.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected, page]);

  if (!doc || !page) {
    return (
      <main class="doc">
        <p>{status || 'Loading…'}</p>
      </main>
    );
  }

  return (
    <div class="doc">
      <header>
        <a href="#" class="back" title="All documents">
          ← Documents
        </a>
        <strong class="docname">{name(id)}</strong>
        <span class={`score ${doc.flaggedPages.length ? 'bad' : ''}`}>document {pct(doc.score)}</span>
        <span class="pager">
          <button disabled={pageNumber <= 1} onClick={() => toPage(pageNumber - 1)} title="Previous page (PageUp)">
            ◀
          </button>
          page {pageNumber} / {pageCount}
          <button disabled={pageNumber >= pageCount} onClick={() => toPage(pageNumber + 1)} title="Next page (PageDown)">
            ▶
          </button>
        </span>
        <span class={`score ${page.needsReview ? 'bad' : ''}`}>page {pct(page.score)}</span>
        <label class="reviewed">
          <input type="checkbox" checked={page.reviewed} onChange={() => void run({ type: 'reviewed', page: pageNumber, reviewed: !page.reviewed })} />
          reviewed (r)
        </label>
        <span class="spacer" />
        <span class="outputs">
          {doc.formats.map((format) => (
            <a key={format} href={api.fileUrl(`${id.replace(/\.json$/i, '')}${EXTENSIONS[format] ?? `.${format}`}`)} target="_blank" rel="noreferrer">
              {format}
            </a>
          ))}
        </span>
        <button class="primary" id="save" disabled={busy || doc.pending === 0} onClick={() => void save()} title="Ctrl+S">
          Save{doc.pending ? ` (${doc.pending})` : ''}
        </button>
        <button disabled={busy || doc.pending === 0} onClick={() => void discard()}>
          Discard
        </button>
      </header>
      <div class="status" role="status">
        {status}
      </div>
      <div class="panes">
        <section class="scan" aria-label="Page image">
          <div class="sheet" style={{ aspectRatio: `${page.width} / ${page.height}` }}>
            <img src={api.imageUrl(id, pageNumber)} alt={`Page ${pageNumber}`} />
            <svg viewBox={`0 0 ${page.width} ${page.height}`} preserveAspectRatio="none">
              {page.words.map((w, i) => (
                <rect
                  key={i}
                  class={`box${w.flagged ? ' flagged' : ''}${w.certain ? ' certain' : ''}${w.changed ? ' changed' : ''}${i === selected ? ' selected' : ''}`}
                  x={w.bbox[0]}
                  y={w.bbox[1]}
                  width={Math.max(1, w.bbox[2] - w.bbox[0])}
                  height={Math.max(1, w.bbox[3] - w.bbox[1])}
                  onClick={() => setSelected(i)}
                >
                  <title>{`${w.text} (OCR “${w.ocr}”, ${Math.round(w.conf)})`}</title>
                </rect>
              ))}
            </svg>
          </div>
        </section>
        <section class="side">
          {word && selected !== null ? (
            <WordEditor
              key={`${pageNumber}:${selected}:${word.text}`}
              word={word}
              index={selected}
              inputRef={input}
              busy={busy}
              lines={page.lines.length}
              onCorrect={(text) => void correct(selected, text)}
              onJoin={() => void run({ type: 'join', page: pageNumber, index: selected }, () => selected)}
              onMove={(to) => void run({ type: 'moveLine', page: pageNumber, line: word.line, to }, (p) => p.words.findIndex((w) => w.line === to))}
            />
          ) : (
            <div class="editor muted">Click a word, or press n for the next flagged one.</div>
          )}
          <PageText page={page} selected={selected} onSelect={setSelected} />
          <Fields doc={doc} onSet={(field, value) => void run({ type: 'field', field, value })} />
          <details class="help" open>
            <summary>Keys</summary>
            <p>
              <kbd>n</kbd>/<kbd>Tab</kbd> next flagged word · <kbd>N</kbd> previous · <kbd>←</kbd>
              <kbd>→</kbd> word · <kbd>Enter</kbd> accept · <kbd>e</kbd> correct (type, <kbd>Enter</kbd>; a space splits) ·{' '}
              <kbd>1</kbd>–<kbd>9</kbd> take a suggestion · <kbd>j</kbd> join with next · <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> move
              line · <kbd>r</kbd> page reviewed · <kbd>PageDown</kbd>/<kbd>PageUp</kbd> page · <kbd>Ctrl</kbd>+<kbd>S</kbd> save
            </p>
          </details>
          {doc.saved > 0 && (
            <p class="muted small">
              {doc.saved} saved correction(s); last by {doc.history[doc.history.length - 1]?.who} at{' '}
              {doc.history[doc.history.length - 1]?.when.replace('T', ' ').slice(0, 19)}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}

interface WordEditorProps {
  word: ReviewWordView;
  index: number;
  lines: number;
  busy: boolean;
  inputRef: { current: HTMLInputElement | null };
  onCorrect(text: string): void;
  onJoin(): void;
  onMove(to: number): void;
}

function WordEditor({ word, index, lines, busy, inputRef, onCorrect, onJoin, onMove }: WordEditorProps) {
  const [value, setValue] = useState(word.text);
  return (
    <div class={`editor${word.flagged ? ' flagged' : ''}`}>
      <div class="meta">
        word {index + 1} · line {word.line + 1} · OCR “{word.ocr}” · confidence {Math.round(word.conf)}
        {word.certain ? ' · checked' : word.flagged ? ' · flagged' : ''}
      </div>
      <input
        ref={inputRef}
        id="word-input"
        value={value}
        lang="vi"
        spellcheck={false}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            (e.target as HTMLInputElement).blur();
            onCorrect(value);
          } else if (e.key === 'Escape') {
            setValue(word.text);
            (e.target as HTMLInputElement).blur();
          }
        }}
      />
      <div class="suggestions">
        {word.suggestions.slice(0, 9).map((s, i) => (
          <button key={s} disabled={busy} onClick={() => onCorrect(s)} title={`Key ${i + 1}`}>
            <kbd>{i + 1}</kbd> {s}
          </button>
        ))}
      </div>
      <div class="actions">
        <button disabled={busy} onClick={() => onCorrect(value)} class="primary">
          {value === word.text ? 'Accept' : 'Correct'}
        </button>
        <button disabled={busy} onClick={onJoin} title="j">
          Join with next
        </button>
        <button disabled={busy || word.line === 0} onClick={() => onMove(word.line - 1)} title="Alt+↑">
          Line up
        </button>
        <button disabled={busy || word.line >= lines - 1} onClick={() => onMove(word.line + 1)} title="Alt+↓">
          Line down
        </button>
      </div>
    </div>
  );
}

function PageText({ page, selected, onSelect }: { page: ReviewPageView; selected: number | null; onSelect(i: number): void }) {
  const byLine: Array<Array<{ w: ReviewWordView; i: number }>> = page.lines.map(() => []);
  page.words.forEach((w, i) => byLine[w.line]?.push({ w, i }));
  return (
    <div class="text" lang="vi" aria-label="Restored text">
      {byLine.map((words, l) => (
        <div key={l} class={`line${l > 0 && page.lines[l - 1]!.block !== page.lines[l]!.block ? ' gap' : ''}`}>
          {words.map(({ w, i }) => (
            <span
              key={i}
              class={`w${w.flagged ? ' flagged' : ''}${w.certain ? ' certain' : ''}${i === selected ? ' selected' : ''}`}
              onClick={() => onSelect(i)}
            >
              {w.text}{' '}
            </span>
          ))}
        </div>
      ))}
    </div>
  );
}

function Fields({ doc, onSet }: { doc: ReviewDocumentView; onSet(field: ReviewField, value: string | null): void }) {
  return (
    <form class="fields" onSubmit={(e) => e.preventDefault()}>
      <h2>Catalogue</h2>
      {(Object.keys(FIELD_LABELS) as ReviewField[]).map((field) => (
        <label key={`${field}:${doc.fields[field] ?? ''}`}>
          <span>{FIELD_LABELS[field]}</span>
          <input
            name={field}
            lang="vi"
            defaultValue={doc.fields[field] ?? ''}
            onKeyDown={(e) => {
              if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
            }}
            onBlur={(e) => {
              const value = (e.target as HTMLInputElement).value.trim();
              if (value !== (doc.fields[field] ?? '')) onSet(field, value || null);
            }}
          />
        </label>
      ))}
    </form>
  );
}

render(<App />, document.getElementById('app')!);
