/**
 * `vanban restore [file]`: restore the diacritics of a text (stdin when no file) and
 * print it with its line structure, or with --json the full RestoreResult.
 */
import { Command, Option } from 'commander';
import { restore, type RestoreMode, type RestoreOptions } from '../restore/index.js';
import { configure, parseCommand, reportError, type CommandResult } from './command.js';
import { readTextInput, type CliIo } from './io.js';

export function restoreCommand(io: CliIo, result: CommandResult): Command {
  return configure(new Command('restore'), io)
    .description('restore the diacritics of a text and fix OCR errors (stdin when no file)')
    .argument('[file]', 'UTF-8 text file; "-" or none for stdin')
    .addOption(new Option('--mode <mode>', 'how boldly to change words').choices(['auto', 'repair', 'conservative', 'off']))
    .addOption(new Option('--tone-style <style>', 'tone mark placement: old (hòa) or new (hoà)').choices(['old', 'new']))
    .option('--json', 'print the full result (tokens, alternatives, confidences) as JSON')
    .action(async (file: string | undefined, opts: { mode?: RestoreMode; toneStyle?: 'old' | 'new'; json?: boolean }) => {
      const { text } = await readTextInput(file, io, { refuseEmpty: false });
      const options: RestoreOptions = {};
      if (opts.mode) options.mode = opts.mode;
      if (opts.toneStyle) options.toneStyle = opts.toneStyle;
      const restored = restore(text, options);
      io.stdout.write(opts.json ? `${JSON.stringify(restored, null, 2)}\n` : restored.text);
      result.code = 0;
    });
}

/** Run `vanban restore` with these arguments (what main does; tests call it directly). */
export async function runRestoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { code: 0 };
  try {
    return await parseCommand(restoreCommand(io, result), args, result);
  } catch (error) {
    return reportError(error, io, 'vanban restore');
  }
}
