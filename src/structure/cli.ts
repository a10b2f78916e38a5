/** `vanban extract [file] [--markdown]`: catalogue fields and sections of a text file (stdin when no file) as JSON. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { VanbanError } from '../errors.js';
import { extract } from './extract.js';
import { toMarkdown } from '../output/markdown.js';

export interface ExtractIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

async function readText(file: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VanbanError('ENOENT', 'file not found; check the path.', { file, cause: error });
    if (code === 'EISDIR') throw new VanbanError('USAGE', 'is a folder; extract reads one text file (use "vanban convert" for folders).', { file });
    if (code === 'EACCES' || code === 'EPERM') throw new VanbanError('EACCES', 'not readable; check its permissions.', { file, cause: error });
    throw new VanbanError('CORRUPT', `cannot be read (${(error as Error).message}).`, { file, cause: error });
  }
  if (data.length === 0) throw new VanbanError('EMPTY', 'the file is empty; give the text of a document (OCR or restored output).', { file });
  if (data.subarray(0, 5).toString('latin1') === '%PDF-' || data.includes(0)) {
    throw new VanbanError('NOT_PDF', 'is not a text file; extract reads text — run "vanban convert" on PDFs and images.', { file });
  }
  return data.toString('utf8').replace(/^\uFEFF/, '');
}

export async function runExtractCommand(args: string[], io: ExtractIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { markdown: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    throw new VanbanError('USAGE', `${(error as Error).message}\nUsage: vanban extract [file] [--markdown]`);
  }
  if (parsed.values.help) {
    io.stdout.write('Usage: vanban extract [file] [--markdown]\nReads a document\'s text (stdin when no file) and prints its catalogue fields and sections as JSON (or Markdown).\n');
    return 0;
  }
  if (parsed.positionals.length > 1) throw new VanbanError('USAGE', 'extract takes at most one file.\nUsage: vanban extract [file] [--markdown]');
  const file = parsed.positionals[0];
  const text = file === undefined || file === '-' ? await readStream(io.stdin) : await readText(file);
  const doc = extract(text, file ? { file } : {});
  io.stdout.write(parsed.values.markdown ? toMarkdown(doc, text) : `${JSON.stringify(doc, null, 2)}\n`);
  return 0;
}
