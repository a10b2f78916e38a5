/** Output formats: each turns a converted document into the bytes of one file. */
import type { VanBanDocument } from '../pipeline.js';
import { toMarkdown } from '../structure/index.js';
import { toJson } from './json.js';

export const OUTPUT_FORMATS = ['json', 'txt', 'md', 'pdf', 'alto'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderContext {
  /** The input file, for formats that carry its page images (pdf). */
  inputPath: string;
}

export async function renderOutputs(
  doc: VanBanDocument,
  formats: readonly OutputFormat[],
  _context: RenderContext,
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
      case 'alto':
        throw new Error(`output format ${format} is not available yet`);
    }
  }
  return outputs;
}
