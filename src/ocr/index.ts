/** OCR stage: PreparedImage → OcrPage (tesseract.js workers + reading order). */
export { OcrPool, type OcrPoolOptions } from './pool.js';
export { createEngine, ocrCallStats, traineddataDir, type OcrCallStats } from './engine.js';
export { blocksToText, orderReading } from './layout.js';
