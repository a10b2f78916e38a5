/**
 * What every command shares: its streams, and reading one text input (a file or stdin)
 * with the same checks and messages everywhere.
 */
import { open, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { extname } from 'node:path';
import { VanbanError } from '../errors.js';

/** The streams a command reads and writes (process's by default; tests pass their own). */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Text inputs larger than this are refused rather than read into memory. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export interface TextInput {
  text: string;
  /** The input is JSON (only when `allowJson`). */
  json: boolean;
  /** How the input is named in messages ("stdin" for standard input). */
  name: string;
}

export interface ReadTextOptions {
  /** Accept vanban convert's JSON output (score does; restore and extract want text). */
  allowJson?: boolean;
  /** Refuse an empty input (default true). */
  refuseEmpty?: boolean;
  /** What the input is, for messages ("input", "transcription"). */
  what?: string;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > MAX_TEXT_BYTES) throw new VanbanError('TOO_LARGE', `standard input is over ${MAX_TEXT_BYTES >> 20} MB; give a smaller text`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function fsError(error: unknown, file: string, what: string): VanbanError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new VanbanError('ENOENT', `${what} not found; check the path`, { file, cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new VanbanError('EACCES', `${what} is not readable; check its permissions`, { file, cause: error });
  if (code === 'EISDIR') return new VanbanError('USAGE', `${what} is a folder; give one text file`, { file, cause: error });
  return new VanbanError('CORRUPT', `cannot read ${what}: ${(error as Error).message}`, { file, cause: error });
}

/** What a binary file looks like, from its first bytes; undefined for anything else. */
function binaryKind(data: Buffer): string | undefined {
  const head = data.subarray(0, 8);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'a PDF';
  if (head[0] === 0x89 && head.subarray(1, 4).toString('latin1') === 'PNG') return 'a PNG image';
  if (head[0] === 0xff && head[1] === 0xd8) return 'a JPEG image';
  const tiff = head.subarray(0, 4).toString('latin1');
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'a TIFF image';
  if (data.includes(0)) return 'a binary file';
  return undefined;
}

function looksLikeJson(text: string, file: string | undefined): boolean {
  const trimmed = text.trimStart();
  if (file !== undefined && extname(file).toLowerCase() === '.json') return true;
  if (!trimmed.startsWith('{')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a text input: `file`, or stdin when it is undefined or "-". Refuses, with one
 * message naming the input, what is not UTF-8 text: PDFs and images (use convert),
 * other binaries, JSON (unless allowed), FIFOs and devices (never opened: they block).
 */
export async function readTextInput(file: string | undefined, io: CliIo, options: ReadTextOptions = {}): Promise<TextInput> {
  const what = options.what ?? 'input';
  let data: Buffer;
  const name = file === undefined || file === '-' ? 'stdin' : file;
  if (file === undefined || file === '-') {
    data = await readStream(io.stdin);
  } else {
    let info;
    try {
      info = await stat(file);
    } catch (error) {
      throw fsError(error, file, what);
    }
    if (info.isDirectory()) throw new VanbanError('USAGE', `${what} is a folder; give one text file`, { file });
    if (!info.isFile()) throw new VanbanError('NOT_FILE', `${what} is not a regular file (a FIFO, socket or device); give a text file`, { file });
    if (info.size > MAX_TEXT_BYTES) throw new VanbanError('TOO_LARGE', `${what} is over ${MAX_TEXT_BYTES >> 20} MB`, { file });
    try {
      // O_NONBLOCK: should the file have been swapped for a FIFO since stat, opening it cannot hang.
      const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        data = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw fsError(error, file, what);
    }
  }
  const where = file === undefined || file === '-' ? {} : { file };
  const kind = binaryKind(data);
  if (kind) {
    const hint = kind.startsWith('a binary') ? 'give UTF-8 text' : 'run "vanban convert" on PDFs and images, then use its .txt output';
    throw new VanbanError('NOT_TEXT', `${what} is ${kind}, not text; ${hint}`, where);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new VanbanError('NOT_TEXT', `${what} is not valid UTF-8 text; convert it to UTF-8 first`, where);
  }
  text = text.replace(/^\uFEFF/u, '');
  if ((options.refuseEmpty ?? true) && text.trim() === '') {
    throw new VanbanError('EMPTY', `${what} is empty; give the text of a document`, where);
  }
  const json = looksLikeJson(text, file === '-' ? undefined : file);
  if (json && !options.allowJson) {
    throw new VanbanError('NOT_TEXT', `${what} is JSON, not text; give a document's text (vanban convert's .txt output)`, where);
  }
  return { text, json, name };
}

/**
 * Write to stdout; a reader that went away (`vanban extract x | head`) ends the
 * command quietly instead of with an EPIPE stack trace.
 */
export function guardStdout(stream: NodeJS.WritableStream, onClosed: () => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') onClosed();
    else throw error;
  });
}
