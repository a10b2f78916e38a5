/**
 * The one map from error codes to exit codes, shared by every command.
 * README.md ("Exit codes") documents these numbers; scripts rely on them.
 */
import type { VanbanErrorCode } from '../errors.js';

export const EXIT = {
  /** Every input converted (or the command did what was asked). */
  OK: 0,
  /** Some input failed; the others were converted. */
  FAILED: 1,
  /** Bad option, bad config file, or a named input that does not exist. */
  USAGE: 2,
  /** The output folder cannot be used (not writable, a file, locked by another run). */
  OUTPUT: 3,
  /** No PDF or image found in the inputs. */
  NO_INPUTS: 4,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; finished outputs are kept. */
  INTERRUPTED: 130,
} as const;

export function exitCodeFor(code: VanbanErrorCode): number {
  switch (code) {
    case 'USAGE':
    case 'ENOENT':
      return EXIT.USAGE;
    case 'OUTPUT':
    case 'LOCKED':
      return EXIT.OUTPUT;
    case 'NO_INPUTS':
      return EXIT.NO_INPUTS;
    case 'INTERRUPTED':
      return EXIT.INTERRUPTED;
    default:
      return EXIT.FAILED;
  }
}
