/** Output formats: each turns a converted document into the bytes of one file. */
import type { VanBanDocument } from '../pipeline.js';
import { toMarkdown } from '../structure/index.js';
import { toJson } from './json.js';
import { toAlto } from './alto.js';
import { toSearchablePdf } from './pdf.js';
import { pdfMetadata } from './metadata.js';

export const OUTPUT_FORMATS = ['json', 'txt', 'md', 'pdf', 'alto'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderContext {
  /** The input file, for formats that carry its page images (pdf). */
  inputPath: string;
}

export async function renderOutputs(
  doc: VanBanDocument,
  formats: readonly OutputFormat[],
  context: RenderContext,
): Promise<Map<OutputFormat, string | Uint8Array>> {
  const outputs = new Map<OutputFormat, string | Uint8Array>();
  for (const format of formats) {
    switch (format) {
      case 'json':
        outputs.set(format, toJson(doc));
        break;
      case 'txt':
        outputs.set(format, doc.text.endsWith('\n') ? doc.text : `${doc.text}\n`);
        break;
      case 'md':
        outputs.set(format, toMarkdown(doc.document, doc.text));
        break;
      case 'pdf':
        outputs.set(format, await toSearchablePdf(doc, context.inputPath, pdfMetadata(doc.document)));
        break;
      case 'alto':
        outputs.set(format, toAlto(doc));
        break;
    }
  }
  return outputs;
}
