/** `vanban review <out-dir> [--port N] [--host H] [--open] [--user NAME]`: serve the review app until Ctrl-C. */
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { VanbanError } from '../errors.js';
import { startReviewServer } from '../review/index.js';
import { configure, parseCommand, type CommandResult } from './command.js';
import type { CliIo } from './io.js';

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

interface ReviewOptions {
  port?: string;
  host?: string;
  open?: boolean;
  user?: string;
}

async function serve(outDir: string, options: ReviewOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const portText = options.port;
  const port = portText === undefined ? 0 : Number(portText);
  if (!/^\d+$/.test(portText ?? '0') || port > 65535) throw new VanbanError('USAGE', `--port takes a number from 0 to 65535, got "${portText}"`);
  const server = await startReviewServer(outDir, {
    port,
    ...(options.host ? { host: options.host } : {}),
    ...(options.user ? { reviewer: options.user } : {}),
  });
  io.stdout.write(`vanban review: serving ${outDir}\nOpen ${server.url}\n(the token in the address guards access; Ctrl-C stops)\n`);
  if (options.open) openBrowser(server.url);
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  await server.close();
  return 0;
}

export function reviewCommand(io: CliIo, result: CommandResult, signal?: AbortSignal): Command {
  return configure(new Command('review'), io)
    .description('correct converted documents in the browser (a local server on 127.0.0.1)')
    .argument('[out-dir]', 'an output folder of vanban convert')
    .option('-p, --port <n>', 'port to listen on (default: any free port)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--open', 'open the page in the default browser')
    .option('--user <name>', 'reviewer name recorded in the journal (default: the login name)')
    .action(async (outDir: string | undefined, options: ReviewOptions) => {
      if (!outDir) throw new VanbanError('USAGE', `review takes one output folder\nUsage: ${REVIEW_USAGE}`);
      result.code = await serve(outDir, options, io, signal);
    });
}

/** The review command on its own (tests stop it with `signal`). */
export async function runReviewCommand(args: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const result: CommandResult = { code: 0 };
  return parseCommand(reviewCommand(io, result, signal), args, result);
}
