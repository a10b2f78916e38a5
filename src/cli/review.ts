/** `vanban review <out-dir> [--port N] [--host H] [--open] [--user NAME]`: serve the review app until Ctrl-C. */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { VanbanError } from '../errors.js';
import { startReviewServer } from '../review/server.js';
import { usageError, type CliIo } from './io.js';

export const REVIEW_USAGE = 'vanban review <out-dir> [--port N] [--host H] [--open] [--user NAME]';

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser launcher: the address is printed anyway.
  }
}

export async function runReviewCommand(args: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        open: { type: 'boolean' },
        user: { type: 'string' },
      },
    });
  } catch (error) {
    throw usageError(error);
  }
  const [outDir, ...extra] = parsed.positionals;
  if (!outDir || extra.length > 0) throw new VanbanError('USAGE', `review takes one output folder\nUsage: ${REVIEW_USAGE}`);
  const portText = parsed.values.port;
  const port = portText === undefined ? 0 : Number(portText);
  if (!/^\d+$/.test(portText ?? '0') || port > 65535) throw new VanbanError('USAGE', `--port takes a number from 0 to 65535, got "${portText}"`);
  const server = await startReviewServer(outDir, {
    port,
    ...(parsed.values.host ? { host: parsed.values.host } : {}),
    ...(parsed.values.user ? { reviewer: parsed.values.user } : {}),
  });
  io.stdout.write(`vanban review: serving ${outDir}\nOpen ${server.url}\n(the token in the address guards access; Ctrl-C stops)\n`);
  if (parsed.values.open) openBrowser(server.url);
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  await server.close();
  return 0;
}
