/**
 * Commander glue shared by every command: output to the command's streams, parse errors
 * as one VanbanError (USAGE), --help and --version as a normal exit 0.
 */
import { Command, CommanderError } from 'commander';
import { VanbanError, isVanbanError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit.js';
import type { CliIo } from './io.js';

/** A command's action returns its exit code; parsing stores it here. */
export interface CommandResult {
  code: number;
}

/** Apply the shared settings to a command (and, through it, to its subcommands added later). */
export function configure(command: Command, io: CliIo): Command {
  return command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      // Errors are printed once, by main, with the program's prefix.
      outputError: () => undefined,
    });
}

/** Parse `args` with `command` (already configured); returns the action's exit code. */
export async function parseCommand(command: Command, args: readonly string[], result: CommandResult): Promise<number> {
  try {
    await command.parseAsync([...args], { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      const message = error.message.replace(/^error: /, '');
      throw new VanbanError('USAGE', `${message}\nRun "vanban ${command.name() === 'vanban' ? '' : `${command.name()} `}--help" for usage.`);
    }
    throw error;
  }
}

/** Print an error as one line (a stack trace only for a bug) and return its exit code. */
export function reportError(error: unknown, io: CliIo, prefix = 'vanban'): number {
  if (isVanbanError(error)) {
    io.stderr.write(`${prefix}: ${error.message}\n`);
    return exitCodeFor(error.code);
  }
  io.stderr.write(`${prefix}: unexpected error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.FAILED;
}
