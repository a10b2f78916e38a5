/** OCR stage: PreparedImage → OcrPage (tesseract.js workers + reading order). */
export { OcrPool, type OcrPoolOptions } from './pool.js';
export { createEngine, traineddataDir } from './engine.js';
export { blocksToText, orderReading } from './layout.js';
