/** Output formats: each turns a converted document into the bytes of one file. */
import type { ExistingTextMode, PageImageReader, VanBanDocument } from '../types.js';
import { toMarkdown } from './markdown.js';
import { toJson } from './json.js';
import { toAlto, toAltoPage } from './alto.js';
import { writeFileAtomic } from './atomic.js';
import { toHocr } from './hocr.js';
import { toMets, type MetsPage } from './mets.js';
import { toPageXml } from './page-xml.js';
import { buildSearchablePdf, type SearchablePdf } from './pdf.js';
import { pdfMetadata } from './metadata.js';

/**
 * json, txt, md, pdf (searchable PDF), alto (the whole document in one ALTO
 * file), hocr, mets (a folder: one ALTO file and one image per page, and a
 * METS file tying them together), page (the same folder: one image and one
 * PAGE XML file per page).
 */
export const OUTPUT_FORMATS = ['json', 'txt', 'md', 'pdf', 'alto', 'hocr', 'mets', 'page'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * What each format writes, appended to the document's output stem. A format
 * is complete when this file exists (mets writes its folder's mets.xml last).
 */
export const OUTPUT_EXTENSIONS: Record<OutputFormat, string> = {
  json: '.json',
  txt: '.txt',
  md: '.md',
  pdf: '.pdf',
  alto: '.alto.xml',
  hocr: '.hocr',
  mets: '/mets.xml',
  // The list of the folder's PAGE files in page order (as Kraken and tesstrain take them), written after them.
  page: '/page-xml.lst',
};

/** Formats that write a folder `<stem>/` of per-page files. */
type FolderFormat = 'mets' | 'page';
const isFolderFormat = (format: OutputFormat): format is FolderFormat => format === 'mets' || format === 'page';

/** Single-file formats (everything but the folder ones). */
export type FileFormat = Exclude<OutputFormat, FolderFormat>;

export interface RenderContext {
  /** The input file, for formats that carry its page images (pdf). */
  inputPath: string;
  /** The input's page images, for formats that embed them (pdf, mets): the composer supplies them. */
  pageImage: PageImageReader;
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
): Promise<Map<FileFormat, string | Uint8Array>> {
  const outputs = new Map<FileFormat, string | Uint8Array>();
  let pdf: SearchablePdf | undefined;
  if (formats.includes('pdf')) {
    pdf = await buildSearchablePdf(doc, context.inputPath, {
      metadata: pdfMetadata(doc.document),
      ...(context.outputType ? { outputType: context.outputType } : {}),
      ...(context.existingText ? { existingText: context.existingText } : {}),
      pageImage: context.pageImage,
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
      case 'hocr':
        outputs.set(format, toHocr(doc));
        break;
      case 'mets':
      case 'page':
        break; // a folder of files: see renderFolder
    }
  }
  return outputs;
}

const pad = (n: number): string => String(n).padStart(4, '0');

/**
 * The folder's files, by name inside `<stem>/`: page images, then per page the ALTO
 * (mets) and PAGE XML (page) files; the files whose presence marks the folder
 * complete come last (the list of PAGE files, then mets.xml).
 */
export async function renderFolder(
  doc: VanBanDocument,
  context: RenderContext,
  formats: readonly OutputFormat[] = ['mets'],
): Promise<Array<[name: string, content: string | Uint8Array]>> {
  const read = context.pageImage;
  const files: Array<[string, string | Uint8Array]> = [];
  const pageFiles: string[] = [];
  const pages: MetsPage[] = [];
  for (const page of doc.pages) {
    const image = await read(page.number);
    const jpeg = image.data[0] === 0xff && image.data[1] === 0xd8;
    const entry: MetsPage = {
      number: page.number,
      image: `page-${pad(page.number)}.${jpeg ? 'jpg' : 'png'}`,
      imageMime: jpeg ? 'image/jpeg' : 'image/png',
      alto: `page-${pad(page.number)}.alto.xml`,
    };
    files.push([entry.image, image.data]);
    if (formats.includes('mets')) files.push([entry.alto, toAltoPage(page, entry.image)]);
    if (formats.includes('page')) {
      const name = `page-${pad(page.number)}.page.xml`;
      files.push([name, toPageXml(page, entry.image)]);
      pageFiles.push(name);
    }
    pages.push(entry);
  }
  if (formats.includes('page')) files.push([OUTPUT_EXTENSIONS.page.slice(1), pageFiles.map((name) => `${name}\n`).join('')]);
  if (formats.includes('mets')) files.push(['mets.xml', toMets(doc, pages)]);
  return files;
}

/**
 * Writes every requested format of one document next to `stem` (the output
 * path without extension), each file atomically; returns the paths written.
 * The one entry point for writers: the batch uses it, and so can a tool that
 * rebuilds outputs from a corrected document.
 */
export async function writeDocumentOutputs(
  doc: VanBanDocument,
  formats: readonly OutputFormat[],
  stem: string,
  context: RenderContext,
  write: (path: string, content: string | Uint8Array) => Promise<void> = writeFileAtomic,
): Promise<string[]> {
  const written: string[] = [];
  const outputs = await renderOutputs(doc, formats, context);
  const folder = formats.filter(isFolderFormat);
  if (folder.length > 0) {
    for (const [name, content] of await renderFolder(doc, context, folder)) {
      await write(`${stem}/${name}`, content);
      written.push(`${stem}/${name}`);
    }
  }
  for (const format of formats) {
    if (isFolderFormat(format)) continue;
    const content = outputs.get(format);
    if (content === undefined) continue;
    await write(`${stem}${OUTPUT_EXTENSIONS[format]}`, content);
    written.push(`${stem}${OUTPUT_EXTENSIONS[format]}`);
  }
  return written;
}
