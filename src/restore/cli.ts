/**
 * `vanban restore [file] [--mode auto|repair|conservative|off] [--tone-style old|new] [--json]`
 * Reads the file (or stdin), prints the restored text with its line structure,
 * or with --json the full RestoreResult.
 */
import { readFile } from 'node:fs/promises';
import { VanbanError, isVanbanError } from '../errors.js';
import { restore, type RestoreMode, type RestoreOptions } from './index.js';

export interface RestoreIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: vanban restore [file] [--mode auto|repair|conservative|off] [--tone-style old|new] [--json]\n';

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

async function readInput(file: string | undefined, io: RestoreIo): Promise<string> {
  if (file === undefined || file === '-') return readStream(io.stdin);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VanbanError('ENOENT', 'file not found', { file, cause: error });
    if (code === 'EACCES' || code === 'EPERM') throw new VanbanError('EACCES', 'file is not readable', { file, cause: error });
    if (code === 'EISDIR') throw new VanbanError('USAGE', 'is a folder; give a text file', { file, cause: error });
    throw new VanbanError('CORRUPT', `cannot read the file (${code ?? String(error)})`, { file, cause: error });
  }
  if (buf.includes(0)) throw new VanbanError('NOT_PDF', 'not a text file (it contains NUL bytes); give UTF-8 text', { file });
  const text = buf.toString('utf8');
  if (text.includes('\uFFFD')) throw new VanbanError('CORRUPT', 'not valid UTF-8 text; convert it to UTF-8 first', { file });
  return text.replace(/^\uFEFF/u, '');
}

export async function runRestoreCommand(args: string[], io: RestoreIo): Promise<number> {
  let file: string | undefined;
  const options: RestoreOptions = {};
  let json = false;
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '--help' || a === '-h') {
        io.stdout.write(USAGE);
        return 0;
      } else if (a === '--json') json = true;
      else if (a === '--mode' || a === '--tone-style') {
        const v = args[++i];
        if (v === undefined) throw new VanbanError('USAGE', `${a} needs a value\n${USAGE}`);
        if (a === '--mode') options.mode = v as RestoreMode;
        else if (v === 'old' || v === 'new') options.toneStyle = v;
        else throw new VanbanError('USAGE', `--tone-style must be old or new, got "${v}"`);
      } else if (a.startsWith('-') && a !== '-') throw new VanbanError('USAGE', `unknown option ${a}\n${USAGE}`);
      else if (file === undefined) file = a;
      else throw new VanbanError('USAGE', `one input file at most (got "${file}" and "${a}")\n${USAGE}`);
    }
    const text = await readInput(file, io);
    const result = restore(text, options);
    io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : result.text);
    return 0;
  } catch (error) {
    if (isVanbanError(error)) {
      io.stderr.write(`vanban restore: ${error.message}\n`);
      return error.code === 'USAGE' ? 2 : 1;
    }
    io.stderr.write(`vanban restore: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
