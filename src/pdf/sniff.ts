/**
 * First look at an input file: does it exist, can we read it, is it empty,
 * and what is it by its magic bytes (never by its extension).
 */
import { open, stat } from 'node:fs/promises';
import { VanbanError } from '../errors.js';

export type InputKind = 'pdf' | 'png' | 'jpeg' | 'tiff';

export interface SniffResult {
  kind: InputKind;
  size: number;
}

/** PDF allows junk before the header; viewers look in the first 1 KiB. */
const PDF_HEADER_WINDOW = 1024;

export function kindFromBytes(head: Uint8Array): InputKind | undefined {
  const b = head;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) {
    return 'tiff';
  }
  const text = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, PDF_HEADER_WINDOW)).toString('latin1');
  if (text.includes('%PDF-')) return 'pdf';
  return undefined;
}

export function fsError(error: unknown, file: string): VanbanError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new VanbanError('ENOENT', 'file not found; check the path', { file, cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new VanbanError('EACCES', 'permission denied; make the file readable (chmod +r) and retry', { file, cause: error });
  }
  return new VanbanError('CORRUPT', `cannot read the file (${code ?? String(error)})`, { file, cause: error });
}

/** Checks the file and returns its type. Reads only the first KiB. */
export async function sniffFile(file: string): Promise<SniffResult> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      throw new VanbanError('NOT_PDF', 'is a directory, not a PDF or image file', { file });
    }
    size = st.size;
  } catch (error) {
    if (error instanceof VanbanError) throw error;
    throw fsError(error, file);
  }
  const head = new Uint8Array(PDF_HEADER_WINDOW);
  let got = 0;
  try {
    const handle = await open(file, 'r');
    try {
      got = (await handle.read(head, 0, head.length, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fsError(error, file);
  }
  if (size === 0 || got === 0) {
    throw new VanbanError('EMPTY', 'the file is empty (0 bytes); the scan or copy probably failed', { file });
  }
  const kind = kindFromBytes(head.subarray(0, got));
  if (!kind) {
    throw new VanbanError('NOT_PDF', 'not a PDF, PNG, JPEG or TIFF file (by its content, whatever its name)', { file });
  }
  return { kind, size };
}


