/** Output formats: each turns a converted document into the bytes of one file. */
import type { ExistingTextMode, PageImageReader, VanBanDocument } from '../types.js';
import { toMarkdown } from '../structure/index.js';
import { toJson } from './json.js';
import { toAlto } from './alto.js';
import { buildSearchablePdf, type SearchablePdf } from './pdf.js';
import { pdfMetadata } from './metadata.js';

export const OUTPUT_FORMATS = ['json', 'txt', 'md', 'pdf', 'alto'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderContext {
  /** The input file, for formats that carry its page images (pdf). */
  inputPath: string;
  /** Page images the caller still holds; without it the pdf writer reads the input again. */
  pageImage?: PageImageReader;
  /** 'pdfa' (default) or 'pdf'. */
  outputType?: 'pdf' | 'pdfa';
  /** Overrides the document's own existingText for the searchable PDF. */
  existingText?: ExistingTextMode;
}

/**
 * Every requested format of one document, as file contents by format. The
 * searchable PDF is built first so the JSON can record what it changed.
 */
export async function renderOutputs(
  doc: VanBanDocument,
  formats: readonly OutputFormat[],
  context: RenderContext,
): Promise<Map<OutputFormat, string | Uint8Array>> {
  const outputs = new Map<OutputFormat, string | Uint8Array>();
  let pdf: SearchablePdf | undefined;
  if (formats.includes('pdf')) {
    pdf = await buildSearchablePdf(doc, context.inputPath, {
      metadata: pdfMetadata(doc.document),
      ...(context.outputType ? { outputType: context.outputType } : {}),
      ...(context.existingText ? { existingText: context.existingText } : {}),
      ...(context.pageImage ? { pageImage: context.pageImage } : {}),
    });
  }
  for (const format of formats) {
    switch (format) {
      case 'json':
        outputs.set(format, toJson(doc, pdf ? { searchablePdf: pdf.report } : {}));
        break;
      case 'txt':
        outputs.set(format, doc.text.endsWith('\n') ? doc.text : `${doc.text}\n`);
        break;
      case 'md':
        outputs.set(format, toMarkdown(doc.document, doc.text));
        break;
      case 'pdf':
        outputs.set(format, pdf!.bytes);
        break;
      case 'alto':
        outputs.set(format, toAlto(doc));
        break;
    }
  }
  return outputs;
}
