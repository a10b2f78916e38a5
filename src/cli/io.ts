import { VanbanError } from '../errors.js';

/** The streams a command reads and writes (process's by default; tests pass their own). */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Parse-time errors from node:util parseArgs become usage errors with its message. */
export function usageError(error: unknown): VanbanError {
  return new VanbanError('USAGE', `${(error as Error).message}\nRun "vanban --help" for usage.`);
}
