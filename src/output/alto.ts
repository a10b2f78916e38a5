/**
 * ALTO v4 XML (Library of Congress): one Page per page, TextBlock / TextLine /
 * String with pixel positions, the restored word as CONTENT, the engine's word
 * confidence as WC, and the raw OCR form as an ALTERNATIVE where it differs.
 */
import { basename } from 'node:path';
import type { ConvertedPage, VanBanDocument } from '../types.js';
import type { BBox } from '../types.js';
import { VERSION } from './version.js';

const escapeXml = (text: string): string =>
  text
    // XML 1.0 forbids most C0 controls even as character references.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const position = (b: BBox): string =>
  `HPOS="${Math.round(b[0])}" VPOS="${Math.round(b[1])}" WIDTH="${Math.max(0, Math.round(b[2] - b[0]))}" HEIGHT="${Math.max(0, Math.round(b[3] - b[1]))}"`;

const union = (boxes: BBox[]): BBox => [
  Math.min(...boxes.map((b) => b[0])),
  Math.min(...boxes.map((b) => b[1])),
  Math.max(...boxes.map((b) => b[2])),
  Math.max(...boxes.map((b) => b[3])),
];

function pageXml(page: ConvertedPage, out: string[]): void {
  const p = page.number;
  const { width, height } = page.ocr;
  out.push(`    <Page ID="P${p}" PHYSICAL_IMG_NR="${p}" WIDTH="${width}" HEIGHT="${height}" ACCURACY="${(page.ocr.confidence).toFixed(1)}" PC="${Math.min(1, Math.max(0, page.quality.score)).toFixed(4)}">`);
  out.push(`      <PrintSpace HPOS="0" VPOS="0" WIDTH="${width}" HEIGHT="${height}">`);
  // Restored words carry the index of the OCR line they start on; group them back into the OCR blocks and lines.
  const wordsByLine = new Map<number, ConvertedPage['restored']['words']>();
  for (const word of page.restored.words) {
    const list = wordsByLine.get(word.line) ?? [];
    list.push(word);
    wordsByLine.set(word.line, list);
  }
  let lineIndex = 0;
  page.ocr.blocks.forEach((block, b) => {
    const lines: string[] = [];
    const boxes: BBox[] = [];
    block.lines.forEach((line, l) => {
      const words = (wordsByLine.get(lineIndex) ?? []).filter((w) => w.text.length > 0);
      lineIndex += 1;
      if (words.length === 0) return;
      const lineBox = union(words.map((w) => w.bbox));
      boxes.push(lineBox);
      const id = `P${p}_B${b + 1}_L${l + 1}`;
      lines.push(`          <TextLine ID="${id}" ${position(lineBox)}>`);
      words.forEach((word, w) => {
        if (w > 0) {
          const prev = words[w - 1]!.bbox;
          const gap: BBox = [prev[2], lineBox[1], Math.max(prev[2], word.bbox[0]), lineBox[3]];
          lines.push(`            <SP HPOS="${Math.round(gap[0])}" VPOS="${Math.round(gap[1])}" WIDTH="${Math.max(0, Math.round(gap[2] - gap[0]))}"/>`);
        }
        const wc = Math.min(1, Math.max(0, word.conf / 100)).toFixed(3);
        const attrs = `ID="${id}_W${w + 1}" ${position(word.bbox)} WC="${wc}" CONTENT="${escapeXml(word.text)}"`;
        if (word.changed && word.original !== word.text) {
          lines.push(`            <String ${attrs}>`);
          lines.push(`              <ALTERNATIVE PURPOSE="OCR">${escapeXml(word.original)}</ALTERNATIVE>`);
          lines.push('            </String>');
        } else {
          lines.push(`            <String ${attrs}/>`);
        }
      });
      lines.push('          </TextLine>');
    });
    if (lines.length === 0) return;
    out.push(`        <TextBlock ID="P${p}_B${b + 1}" ${position(union(boxes))}>`);
    out.push(...lines);
    out.push('        </TextBlock>');
  });
  out.push('      </PrintSpace>');
  out.push('    </Page>');
}

export function toAlto(doc: VanBanDocument): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#" xmlns:xlink="http://www.w3.org/1999/xlink" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
      'xsi:schemaLocation="http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/alto/v4/alto-4-4.xsd">',
    '  <Description>',
    '    <MeasurementUnit>pixel</MeasurementUnit>',
    '    <sourceImageInformation>',
    `      <fileName>${escapeXml(basename(doc.source))}</fileName>`,
    '    </sourceImageInformation>',
    '    <Processing ID="OCR_0">',
    '      <processingCategory>contentGeneration</processingCategory>',
    `      <processingDateTime>${new Date().toISOString()}</processingDateTime>`,
    '      <processingStepDescription>OCR (tesseract.js, vie), Vietnamese diacritic restoration</processingStepDescription>',
    '      <processingSoftware>',
    '        <softwareName>vanban</softwareName>',
    `        <softwareVersion>${VERSION}</softwareVersion>`,
    '      </processingSoftware>',
    '    </Processing>',
    '  </Description>',
    '  <Layout>',
  ];
  for (const page of doc.pages) pageXml(page, out);
  out.push('  </Layout>', '</alto>', '');
  return out.join('\n');
}
