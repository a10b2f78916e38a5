/**
 * Batch progress for people watching (a redrawn bar on a terminal) and for logs
 * (one plain line per finished file when stderr is not a terminal).
 */
export interface ProgressState {
  pagesDone: number;
  pagesTotal: number;
  filesDone: number;
  filesTotal: number;
  failures: number;
  startedAt: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

export function pagesPerMinute(state: ProgressState, now: number = Date.now()): number {
  const minutes = (now - state.startedAt) / 60_000;
  return minutes > 0 ? state.pagesDone / minutes : 0;
}

/** One line: bar, pages done/total, pages/min and ETA. */
export function formatProgress(state: ProgressState, width = 24, now: number = Date.now()): string {
  const ratio = state.pagesTotal > 0 ? Math.min(1, state.pagesDone / state.pagesTotal) : 0;
  const filled = Math.round(ratio * width);
  const rate = pagesPerMinute(state, now);
  const eta = rate > 0 ? ((state.pagesTotal - state.pagesDone) / rate) * 60 : Number.NaN;
  const failed = state.failures > 0 ? ` · ${state.failures} failed` : '';
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
    `${state.pagesDone}/${state.pagesTotal} pages · ${state.filesDone}/${state.filesTotal} files · ` +
    `${rate.toFixed(1)} pages/min · ETA ${formatDuration(eta)}${failed}`
  );
}

export class ProgressReporter {
  private readonly stream: NodeJS.WriteStream | NodeJS.WritableStream;
  private readonly tty: boolean;
  private lastDraw = 0;

  constructor(stream: NodeJS.WriteStream | NodeJS.WritableStream, readonly state: ProgressState) {
    this.stream = stream;
    this.tty = Boolean((stream as NodeJS.WriteStream).isTTY);
  }

  /** Redraw the bar (terminal only; at most ~10 times a second). */
  tick(force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const columns = (this.stream as NodeJS.WriteStream).columns ?? 100;
    this.stream.write(`\r${formatProgress(this.state).slice(0, columns - 1)}\x1b[K`);
  }

  /** A message that must stay on screen (a finished or failed file). */
  log(line: string): void {
    if (this.tty) this.stream.write(`\r\x1b[K${line}\n`);
    else this.stream.write(`${line}\n`);
    this.tick(true);
  }

  done(): void {
    if (this.tty) this.stream.write('\r\x1b[K');
  }
}
