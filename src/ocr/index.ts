/** OCR stage: PreparedImage → OcrPage (tesseract.js workers + reading order). */
export { OcrPool, type OcrPoolOptions } from './pool.js';
export { createEngine, traineddataDir, DEFAULT_ENGINE, type OcrEngine, type OcrEngineOptions, type OcrModel, type OcrPsm } from './engine.js';
export { orderReading, blocksToText, type LayoutLine, type LayoutOptions } from './layout.js';
export { extractLines, mapBox } from './extract.js';
