/**
 * vanban public API: the whole job (`convert`), the pipeline that holds the OCR
 * workers (`Pipeline`), and every stage on its own, each over the plain data in
 * types.ts.
 *
 * @example
 * import { convert, restore, extract } from 'vanban';
 * await convert(['scans/'], { out: 'text/', jobs: 2 });
 * restore('Thang hanh dong vi tre em nam 2024').text; // 'Tháng hành động vì trẻ em năm 2024'
 * extract('UBND TỈNH QUẢNG BÌNH\nSố: 127/KH-UBND\n…').symbol; // 'KH-UBND'
 */
// Every type that crosses a stage boundary, the JSON output's included.
export * from './types.js';
export { VanbanError, isVanbanError, type VanbanErrorCode } from './errors.js';

// The whole job.
export { convert, DEFAULT_FORMATS, type ConvertOptions, type BatchSummary, type BatchEvent, type FileResult, type FileError } from './batch/convert.js';
export { Pipeline, type PipelineOptions, type PageEvent } from './pipeline.js';

// Stages, usable one by one.
export { openSource, pageImageReader, readPages, type ReadPagesOptions } from './pdf/index.js';
export { prepare, type PrepareOptions } from './image/index.js';
export { OcrPool, type OcrPoolOptions, orderReading } from './ocr/index.js';
export { restore, restoreTokens, type RestoreOptions, type RestoreResult, type RestoreMode, type OcrWordInput } from './restore/index.js';
export { restorePage, type RestorePageOptions } from './restore/page.js';
export { extract, type Signer } from './structure/index.js';
export { toMarkdown } from './output/markdown.js';
export { score, estimate, estimateDocument, formatAlignment, type ScoreReport, type QualityEstimate, type DocumentQuality } from './quality/index.js';
export { OUTPUT_EXTENSIONS, OUTPUT_FORMATS, renderOutputs, writeDocumentOutputs, type OutputFormat, type RenderContext } from './output/index.js';
export { jsonOutput, toJson } from './output/json.js';
export { toAlto, toAltoPage } from './output/alto.js';
export { toHocr } from './output/hocr.js';
export { toMets } from './output/mets.js';
export { buildSearchablePdf, type PdfMetadata, type SearchablePdfOptions } from './output/pdf.js';
export { writeFileAtomic } from './output/atomic.js';
