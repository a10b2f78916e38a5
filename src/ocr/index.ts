/** OCR stage: PreparedImage → OcrPage (tesseract.js workers + reading order). */
export { OcrPool, type OcrPoolOptions } from './pool.js';
export { createEngine, traineddataDir } from './engine.js';
export { orderReading } from './layout.js';
