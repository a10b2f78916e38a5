/** Output formats: each turns a converted document into the bytes of one file (write.ts composes them). */
export { OUTPUT_FORMATS, type OutputFormat, OUTPUT_EXTENSIONS, type FileFormat, type RenderContext, renderOutputs, renderFolder, writeDocumentOutputs } from './write.js';
