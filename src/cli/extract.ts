/** `vanban extract [file]`: catalogue fields and sections of a document's text (stdin when no file). */
import { Command } from 'commander';
import { extract } from '../structure/index.js';
import { toMarkdown } from '../output/markdown.js';
import { configure, parseCommand, type CommandResult } from './command.js';
import { readTextInput, type CliIo } from './io.js';

export function extractCommand(io: CliIo, result: CommandResult): Command {
  return configure(new Command('extract'), io)
    .description("print a document's catalogue fields and section tree as JSON (stdin when no file)")
    .argument('[file]', 'UTF-8 text of a document (OCR or restored); "-" or none for stdin')
    .option('--markdown', 'print the document as Markdown instead of JSON')
    .action(async (file: string | undefined, opts: { markdown?: boolean }) => {
      const { text } = await readTextInput(file, io);
      const doc = extract(text, file && file !== '-' ? { file } : {});
      io.stdout.write(opts.markdown ? toMarkdown(doc, text) : `${JSON.stringify(doc, null, 2)}\n`);
      result.code = 0;
    });
}

/** Run `vanban extract` with these arguments. */
export async function runExtractCommand(args: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { code: 0 };
  return parseCommand(extractCommand(io, result), args, result);
}
