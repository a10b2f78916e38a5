/**
 * `vanban` command line: a thin shell over the library API, one file per command.
 * Exit codes are in exit.ts (and README.md).
 */
import { Command } from 'commander';
import { VERSION } from '../output/json.js';
import { VanbanError } from '../errors.js';
import { configure, parseCommand, reportError, type CommandResult } from './command.js';
import { convertCommand } from './convert.js';
import { restoreCommand } from './restore.js';
import { extractCommand } from './extract.js';
import { scoreCommand } from './score.js';
import { reviewCommand } from './review.js';
import { workerCommand } from './worker.js';
import { queueCommand } from './queue.js';
import { EXIT } from './exit.js';
import { guardStdout, type CliIo } from './io.js';

export type { CliIo } from './io.js';
export { EXIT } from './exit.js';

const EXIT_HELP = `
Exit codes:
  0    success
  1    some inputs failed (the others were converted)
  2    usage error: bad option or config file, or a named input that does not exist
  3    the output folder cannot be used (not writable, a file, locked by another run)
  4    no inputs found (no PDF or image in the folders given)
  130  interrupted (Ctrl-C or SIGTERM); finished outputs are kept, rerun to resume
`;

export function program(io: CliIo, result: CommandResult): Command {
  const root = configure(new Command('vanban'), io)
    .description('scanned Vietnamese administrative documents → accented, structured text')
    .version(VERSION, '-V, --version', 'print the version')
    .helpCommand(true)
    .addHelpText('after', EXIT_HELP)
    .usage('[options] [command]')
    .argument('[command]')
    .action((command: string | undefined) => {
      if (command !== undefined) {
        const known = root.commands.map((c) => c.name()).join(', ');
        throw new VanbanError('USAGE', `unknown command "${command}"; commands: ${known}\nRun "vanban --help" for usage.`);
      }
      io.stderr.write(root.helpInformation());
      result.code = EXIT.USAGE;
    });
  for (const make of [convertCommand, restoreCommand, extractCommand, scoreCommand, reviewCommand, workerCommand, queueCommand]) root.addCommand(make(io, result));
  return root;
}

const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  // `vanban extract x | head`: the reader leaving is normal, not an error.
  if (io.stdout === process.stdout) guardStdout(process.stdout, () => process.exit(EXIT.OK));
  const result: CommandResult = { code: EXIT.OK };
  try {
    return await parseCommand(program(io, result), argv, result);
  } catch (error) {
    return reportError(error, io);
  }
}
