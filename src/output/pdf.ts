/**
 * Searchable PDF: the input's own pages (their images untouched: pdf-lib copies
 * streams without re-encoding) with an invisible text layer of the restored
 * words, each placed on its OCR box and squeezed to the box's width, lines on
 * their baseline, drawn in reading order so selection and copy follow it.
 */
import { readFile } from 'node:fs/promises';
import {
  PDFArray,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFDict,
  PDFString,
  TextRenderingMode,
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setCharacterSqueeze,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  type PDFPage,
  type PDFRef,
} from 'pdf-lib';
import sharp from 'sharp';
import { readPages } from '../pdf/index.js';
import type { ConvertedPage, VanBanDocument } from '../pipeline.js';
import type { BBox } from '../types.js';
import { drawFullPage, embedDecoded, embedPngPassthrough, embedTiffG4Passthrough, isTiff } from './embed-image.js';
import { VERSION } from './json.js';

/**
 * The text layer's font: a "glyph-less" composite font, as Tesseract's PDF
 * renderer uses. Character codes are UTF-16 code units (Identity-H), every
 * glyph is half an em wide, and a ToUnicode map turns codes back into text.
 * It draws nothing (the layer is invisible anyway), so it needs no font
 * program: PDF/A exempts fonts used only with text rendering mode 3 from
 * embedding, and the layer costs bytes, not a 500 KB font per file.
 */
const GLYPH_WIDTH = 500;

function toUnicodeCMap(): string {
  const ranges: string[] = [];
  for (let high = 0; high <= 0xff; high += 1) {
    if (high >= 0xd8 && high <= 0xdf) continue; // surrogates never appear as codes
    const h = high.toString(16).padStart(2, '0').toUpperCase();
    ranges.push(`<${h}00> <${h}FF> <${h}00>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const chunk = ranges.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfrange\n${chunk.join('\n')}\nendbfrange`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function addGlyphlessFont(pdf: PDFDocument): PDFRef {
  const { context } = pdf;
  const descriptor = context.obj({
    Type: 'FontDescriptor',
    FontName: 'GlyphLessFont',
    Flags: 5,
    FontBBox: [0, 0, GLYPH_WIDTH, 1000],
    ItalicAngle: 0,
    Ascent: 1000,
    Descent: 0,
    CapHeight: 1000,
    StemV: 80,
  });
  const cidFont = context.obj({
    Type: 'Font',
    Subtype: 'CIDFontType2',
    BaseFont: 'GlyphLessFont',
    CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
    FontDescriptor: context.register(descriptor),
    DW: GLYPH_WIDTH,
    CIDToGIDMap: 'Identity',
  });
  const toUnicode = context.flateStream(toUnicodeCMap());
  return context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: 'GlyphLessFont',
      Encoding: 'Identity-H',
      DescendantFonts: [context.register(cidFont)],
      ToUnicode: context.register(toUnicode),
    }),
  );
}

/** UTF-16 code units as the font's 2-byte codes; characters outside the BMP become U+FFFD. */
function encodeText(text: string): PDFHexString {
  let hex = '';
  for (const char of text) {
    const code = char.codePointAt(0)! > 0xffff ? 0xfffd : char.codePointAt(0)!;
    hex += code.toString(16).padStart(4, '0');
  }
  return PDFHexString.of(hex);
}

/** Maps upright page-image pixels to the PDF page's user space, honouring the crop box and /Rotate. */
export interface PageFrame {
  /** Crop box (or media box) in user space. */
  box: { x: number; y: number; width: number; height: number };
  /** The page's /Rotate, clockwise degrees. */
  rotate: 0 | 90 | 180 | 270;
  /** Size of the upright page image, pixels. */
  imageWidth: number;
  imageHeight: number;
}

/** Point from image pixels (origin top-left of the upright page) to user space. */
export function toUserSpace(frame: PageFrame, x: number, y: number): [number, number] {
  const { box, rotate } = frame;
  const upW = rotate % 180 === 0 ? box.width : box.height;
  const upH = rotate % 180 === 0 ? box.height : box.width;
  const u = (x * upW) / frame.imageWidth;
  const v = upH - (y * upH) / frame.imageHeight;
  switch (rotate) {
    case 0:
      return [box.x + u, box.y + v];
    case 90:
      return [box.x + box.width - v, box.y + u];
    case 180:
      return [box.x + box.width - u, box.y + box.height - v];
    case 270:
      return [box.x + v, box.y + box.height - u];
  }
}

function pageFrame(page: PDFPage, imageWidth: number, imageHeight: number): PageFrame {
  const angle = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  return { box: page.getCropBox(), rotate: angle, imageWidth, imageHeight };
}

/** Pages that already carry text (vector or an earlier OCR layer) keep it and get no second layer. */
function hasText(page: PDFPage): boolean {
  const resources = page.node.Resources();
  const fonts = resources?.lookupMaybe(PDFName.of('Font'), PDFDict);
  return fonts !== undefined && fonts.keys().length > 0;
}

function drawTextLayer(page: PDFPage, converted: ConvertedPage, font: PDFRef): void {
  const frame = pageFrame(page, converted.ocr.width, converted.ocr.height);
  const fontKey = page.node.newFontDictionary('VanbanOCR', font);
  const ptPerPx = (frame.rotate % 180 === 0 ? frame.box.height : frame.box.width) / frame.imageHeight;
  const lineBoxes: BBox[] = converted.ocr.blocks.flatMap((block) => block.lines.map((line) => line.bbox));
  const operators = [pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible)];
  const words = converted.restored.words;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (word.text.length === 0) continue;
    const lineBox = lineBoxes[word.line] ?? word.bbox;
    const heightPx = Math.max(1, lineBox[3] - lineBox[1]);
    const size = Math.max(1, heightPx * ptPerPx * 0.75);
    // Baseline a fifth of the line height above its bottom (the bottom holds descenders).
    const baselinePx = lineBox[3] - heightPx * 0.2;
    const [x, y] = toUserSpace(frame, word.bbox[0], baselinePx);
    const next = words[i + 1];
    const text = next && next.line === word.line ? `${word.text} ` : word.text;
    const natural = ([...word.text].length * GLYPH_WIDTH * size) / 1000;
    const target = Math.max(1, (word.bbox[2] - word.bbox[0]) * ptPerPx);
    const squeeze = natural > 0 ? Math.min(1000, Math.max(1, (100 * target) / natural)) : 100;
    const rad = (frame.rotate * Math.PI) / 180;
    const cos = Math.round(Math.cos(rad));
    const sin = Math.round(Math.sin(rad));
    operators.push(
      setFontAndSize(fontKey, size),
      setCharacterSqueeze(squeeze),
      setTextMatrix(cos, sin, -sin, cos, x, y),
      showText(encodeText(text)),
    );
  }
  operators.push(endText(), popGraphicsState());
  page.pushOperators(...operators);
}

async function imagePdf(doc: PDFDocument, inputPath: string): Promise<void> {
  const file = await readFile(inputPath);
  const tiff = isTiff(file);
  for await (const image of readPages(inputPath)) {
    const bytes = image.data;
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    const width = (image.width * 72) / image.dpi;
    const height = (image.height * 72) / image.dpi;
    const page = doc.addPage([width, height]);
    if (isJpeg) {
      page.drawImage(await doc.embedJpg(bytes), { x: 0, y: 0, width, height });
      continue;
    }
    // The file's own coded data where it fits a PDF filter; readPages' upright PNG otherwise.
    // readPages hands over the file itself when it is an upright, opaque PNG; anything else is its own intermediate PNG.
    const original = !tiff && Buffer.compare(bytes, file) === 0;
    let stored = tiff
      ? embedTiffG4Passthrough(doc, file, image.pageNumber - 1)
      : original
        ? embedPngPassthrough(doc, bytes)
        : undefined;
    if (stored && (stored.width !== image.width || stored.height !== image.height)) {
      doc.context.delete(stored.ref); // header disagrees with what was decoded: trust the decoder
      stored = undefined;
    }
    stored ??= await embedDecoded(doc, bytes);
    drawFullPage(page, stored);
  }
}

let iccProfile: Promise<Buffer> | undefined;
/** sRGB ICC profile (CC0) as libvips ships it inside sharp: no profile file of our own to keep. */
const srgbProfile = (): Promise<Buffer> =>
  (iccProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata();
      if (!icc) throw new Error('sharp returned no sRGB profile');
      return icc;
    }));

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const isoDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** XMP packet declaring PDF/A-2b, mirroring the Info dictionary (PDF/A requires the two to agree). */
function xmpPacket(metadata: PdfMetadata, created: Date, modified: Date): string {
  const alt = (value: string): string => `<rdf:Alt><rdf:li xml:lang="x-default">${xmlText(value)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" ' +
      'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
    '<pdfaid:part>2</pdfaid:part>',
    '<pdfaid:conformance>B</pdfaid:conformance>',
    '<dc:format>application/pdf</dc:format>',
    metadata.title ? `<dc:title>${alt(metadata.title)}</dc:title>` : '',
    metadata.author ? `<dc:creator><rdf:Seq><rdf:li>${xmlText(metadata.author)}</rdf:li></rdf:Seq></dc:creator>` : '',
    metadata.subject ? `<dc:description>${alt(metadata.subject)}</dc:description>` : '',
    metadata.keywords && metadata.keywords.length > 0 ? `<pdf:Keywords>${xmlText(metadata.keywords.join(' '))}</pdf:Keywords>` : '',
    `<pdf:Producer>vanban ${VERSION} (pdf-lib)</pdf:Producer>`,
    '<xmp:CreatorTool>vanban</xmp:CreatorTool>',
    `<xmp:CreateDate>${isoDate(created)}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${isoDate(modified)}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${isoDate(modified)}</xmp:MetadataDate>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * What PDF/A-2b asks of the file as a whole: XMP metadata (unfiltered), an sRGB
 * output intent and a file identifier. Whether the input's own pages conform
 * (fonts it did not embed, say) is beyond what is checked here.
 */
async function addPdfA(pdf: PDFDocument, metadata: PdfMetadata, created: Date, modified: Date): Promise<void> {
  const { context, catalog } = pdf;
  const xmp = context.stream(xmpPacket(metadata, created, modified), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), context.register(xmp));
  if (!catalog.has(PDFName.of('OutputIntents'))) {
    const profile = context.flateStream(await srgbProfile(), { N: 3 });
    const intent = context.obj({
      Type: 'OutputIntent',
      S: 'GTS_PDFA1',
      OutputConditionIdentifier: PDFString.of('sRGB'),
      Info: PDFString.of('sRGB IEC61966-2.1'),
      DestOutputProfile: context.register(profile),
    });
    catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]) as PDFArray);
  }
  const id = PDFHexString.of(Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'));
  context.trailerInfo.ID = context.obj([id, id]);
}

export interface PdfMetadata {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  created?: Date;
}

/**
 * Build the searchable PDF for a converted document.
 * PDF inputs keep their own pages; image inputs get one page per image at its dpi.
 */
export async function toSearchablePdf(doc: VanBanDocument, inputPath: string, metadata: PdfMetadata = {}): Promise<Uint8Array> {
  const input = await readFile(inputPath);
  const isPdf = input.subarray(0, 5).toString('latin1') === '%PDF-';
  const pdf = isPdf ? await PDFDocument.load(input, { updateMetadata: false }) : await PDFDocument.create();
  if (!isPdf) await imagePdf(pdf, inputPath);
  const font = addGlyphlessFont(pdf);
  const pages = pdf.getPages();
  for (const converted of doc.pages) {
    const page = pages[converted.number - 1];
    if (!page || (isPdf && hasText(page))) continue;
    drawTextLayer(page, converted, font);
  }
  if (metadata.title) pdf.setTitle(metadata.title);
  if (metadata.author) pdf.setAuthor(metadata.author);
  if (metadata.subject) pdf.setSubject(metadata.subject);
  if (metadata.keywords && metadata.keywords.length > 0) pdf.setKeywords(metadata.keywords);
  const modified = new Date(Math.floor(Date.now() / 1000) * 1000);
  const created = metadata.created ?? modified;
  pdf.setCreationDate(created);
  pdf.setModificationDate(modified);
  pdf.setProducer(`vanban ${VERSION} (pdf-lib)`);
  pdf.setCreator('vanban');
  await addPdfA(pdf, metadata, created, modified);
  return pdf.save({ useObjectStreams: false });
}
