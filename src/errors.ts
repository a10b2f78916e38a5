/**
 * One error type for everything the user can get wrong or hand us broken.
 * `code` is stable (for scripts and errors.json); `message` says what happened
 * and, where it helps, what to do.
 */
export type VanbanErrorCode =
  | 'ENOENT' // file or folder not found
  | 'EACCES' // not readable / not writable
  | 'EMPTY' // zero-byte file
  | 'NOT_PDF' // wrong type: not a PDF or supported image
  | 'CORRUPT' // unreadable or truncated file
  | 'ENCRYPTED' // password-protected PDF
  | 'NO_PAGES' // a PDF with zero pages
  | 'TOO_LARGE' // beyond the limits we accept (pixels, pages, bytes)
  | 'OCR_FAILED' // the OCR engine failed on a page
  | 'USAGE' // bad option or argument
  | 'MODEL' // a model or data file is missing or damaged
  | 'NOT_FILE' // not a regular file (a FIFO, socket or device): never opened, it could block
  | 'NOT_TEXT' // a text command was given a PDF, image, JSON or other binary file
  | 'OUTPUT' // the output folder cannot be used (not writable, a file, unsafe path)
  | 'LOCKED' // another vanban run is converting into the same output folder
  | 'NO_INPUTS' // nothing to convert: the folders hold no PDF or image
  | 'INTERRUPTED' // the run was stopped by SIGINT/SIGTERM
  | 'INTERNAL';

export class VanbanError extends Error {
  readonly code: VanbanErrorCode;
  /** The file the error is about, where there is one. */
  readonly file: string | undefined;

  constructor(code: VanbanErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.name = 'VanbanError';
    this.code = code;
    this.file = options.file;
  }
}

export function isVanbanError(error: unknown): error is VanbanError {
  return error instanceof VanbanError;
}
