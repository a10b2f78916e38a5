/** Restoration: diacritics and OCR errors of Vietnamese text (see restore.ts for how the parts meet). */
export { restore, restoreTokens, type OcrWordInput, type RestoreMode, type RestoreOptions, type RestoreResult } from './restore.js';
export { DEFAULT_PARAMS, type DecoderParams } from './decoder.js';
