/**
 * `vanban` command line: a thin shell over the library API.
 * Exit codes: 0 all good, 1 some input failed, 2 usage error.
 */
import { isVanbanError } from '../errors.js';
import { VERSION } from '../output/json.js';
import { runConvertCommand } from './convert.js';
import { runRestoreCommand } from '../restore/cli.js';
import { runExtractCommand } from '../structure/cli.js';
import { runScoreCommand } from '../quality/cli.js';
import { runReviewCommand, REVIEW_USAGE } from './review.js';
import type { CliIo } from './io.js';

export type { CliIo } from './io.js';

export const USAGE = `vanban ${VERSION}: scanned Vietnamese administrative documents → accented, structured text

Usage:
  vanban convert <file-or-folder>... --out <dir> [--jobs N] [--force] [--formats json,txt,md,pdf,alto] [--no-preprocess] [--no-restore]
  vanban restore [file]                 restore diacritics of text (stdin when no file)
  vanban extract [file]                 print the catalogue data and sections of a document's text as JSON
  vanban score <text-or-json> [--truth <file>] [--json] [--show-errors]
  ${REVIEW_USAGE}   correct documents in the browser
  vanban --help | --version

Exit codes: 0 success, 1 some inputs failed, 2 usage error.
`;

const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'convert':
        return await runConvertCommand(rest, io);
      case 'restore':
        return await runRestoreCommand(rest, io);
      case 'extract':
        return await runExtractCommand(rest, io);
      case 'score':
        return await runScoreCommand(rest, io);
      case 'review':
        return await runReviewCommand(rest, io);
      case '--version':
      case '-v':
        io.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`vanban: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (isVanbanError(error)) {
      io.stderr.write(`vanban: ${error.message}\n`);
      return error.code === 'USAGE' ? 2 : 1;
    }
    io.stderr.write(`vanban: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
