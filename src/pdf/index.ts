/**
 * Input stage: a PDF or image file → PdfSource + upright PageImages, one page
 * at a time (read.ts).
 */
export { type ReadPagesOptions, openSource, readPages, readPageInputs, pageImageReader, renderReason } from './read.js';
export { MAX_PIXELS, MIN_COVERAGE } from './extract.js';
export { DEFAULT_RENDER_DPI } from './render.js';
export { safePages } from '../pdfdoc/page-tree.js';
export { pageTextKind, removeInvisibleText, type PageTextKind } from '../pdfdoc/text-layers.js';
export { hasVectorText } from './vector-text.js';
