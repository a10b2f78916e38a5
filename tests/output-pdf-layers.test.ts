/**
 * The searchable PDF as a safe archival copy (issue 11) whose text layer
 * serves search (issue 19): active content removed and reported, an old
 * invisible OCR layer replaced, visible text kept, restricted PDFs rebuilt
 * from their page images, and words that text extractors read as words.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  PDFArray,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
  StandardFonts,
  TextRenderingMode,
  beginText,
  endText,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
} from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSearchablePdf as buildPdf, type SearchablePdfOptions } from '../src/output/pdf.js';
import { pageImageReader } from '../src/pdf/index.js';
import type { BBox, VanBanDocument } from '../src/types.js';
import { layerDoc, lineOf, type LayerPage } from './helpers/layer-doc.js';
import { hasPdftotext } from './helpers/tools.js';

/** The writer given the input's own pages as page images, as the composer hands them. */
const buildSearchablePdf = (doc: VanBanDocument, file: string, options: Partial<SearchablePdfOptions> = {}) =>
  buildPdf(doc, file, { pageImage: pageImageReader(file), ...options });

const NO_PDFTOTEXT = 'pdftotext (poppler-utils) is not installed';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vanban-layers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

function pdftotext(file: string, raw: boolean): string {
  return execFileSync('pdftotext', [...(raw ? ['-raw'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** A 150-dpi A4 scan-like page: white with a few dark bars. */
async function scanJpeg(): Promise<Uint8Array> {
  const svg = `<svg width="1240" height="1754"><rect width="1240" height="1754" fill="#fff"/><rect x="150" y="200" width="700" height="30" fill="#222"/></svg>`;
  return Uint8Array.from(await sharp(Buffer.from(svg)).jpeg().toBuffer());
}

const A4 = [595.28, 841.89] as const;
const PAGE: Omit<LayerPage, 'lines'> = { number: 1, width: 1240, height: 1754, dpi: 150 };

async function scanPdf(name: string, decorate?: (pdf: PDFDocument) => Promise<void> | void): Promise<string> {
  const pdf = await PDFDocument.create();
  const image = await pdf.embedJpg(await scanJpeg());
  pdf.addPage([...A4]).drawImage(image, { x: 0, y: 0, width: A4[0], height: A4[1] });
  await decorate?.(pdf);
  const file = path.join(dir, name);
  await writeFile(file, await pdf.save());
  return file;
}

describe('active content', () => {
  it('removes actions, JavaScript, attachments, forms and links, reports them, and leaves the input untouched', async () => {
    const file = await scanPdf('active.pdf', async (pdf) => {
      const { context, catalog } = pdf;
      const js = context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("x")') });
      catalog.set(PDFName.of('OpenAction'), context.register(js));
      catalog.set(PDFName.of('AA'), context.obj({ WC: context.register(context.obj({ S: 'JavaScript', JS: PDFString.of('1') })) }));
      await pdf.attach(Buffer.from('#!/bin/sh\necho owned\n'), 'run.sh', { mimeType: 'text/x-sh' });
      pdf.addJavaScript('hello', 'app.alert("hi")');
      pdf.getForm().createTextField('name').addToPage(pdf.getPage(0), { x: 50, y: 50, width: 100, height: 20 });
      const link = context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [10, 10, 100, 30], A: { S: 'URI', URI: PDFString.of('http://example.com/') } });
      const page = pdf.getPage(0);
      const annots = page.node.Annots();
      annots?.push(context.register(link));
      page.node.set(PDFName.of('AA'), context.obj({ O: context.register(context.obj({ S: 'JavaScript', JS: PDFString.of('2') })) }));
    });
    const before = await sha256(file);
    const doc = layerDoc(file, [{ ...PAGE, lines: [lineOf(['Kế', 'hoạch'], 150, 200, 30, 24, 14)] }]);
    const { bytes, report } = await buildSearchablePdf(doc, file);
    expect(await sha256(file)).toBe(before);
    expect(report.built).toBe('input-pages');
    expect(report.activeContentRemoved).toEqual(
      expect.arrayContaining(['/OpenAction', '/AA', '/AcroForm', '/Names/JavaScript', '/Names/EmbeddedFiles', 'page 1: /AA', 'page 1: 1 Link annotation', 'page 1: 1 Widget annotation']),
    );
    const out = await PDFDocument.load(bytes);
    const text = Buffer.from(bytes).toString('latin1');
    for (const key of ['/OpenAction', '/JavaScript', '/EmbeddedFiles', '/AcroForm', '/URI', '/Widget', '/Link']) expect(text).not.toContain(key);
    const annots = out.getPage(0).node.lookup(PDFName.of('Annots'));
    expect(annots instanceof PDFArray ? annots.size() : 0).toBe(0);
  });

  it('reports nothing removed from a plain scan', async () => {
    const file = await scanPdf('plain.pdf');
    const doc = layerDoc(file, [{ ...PAGE, lines: [lineOf(['Kế', 'hoạch'], 150, 200, 30, 24, 14)] }]);
    expect((await buildSearchablePdf(doc, file)).report.activeContentRemoved).toEqual([]);
  });
});

/** A scan with an invisible OCR layer as scanners write it (render mode 3, a standard font). */
async function ocrLayerPdf(name: string, layer: string, mode = TextRenderingMode.Invisible): Promise<string> {
  return scanPdf(name, async (pdf) => {
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.getPage(0);
    const key = page.node.newFontDictionary('OP0', font.ref);
    page.pushOperators(beginText(), setTextRenderingMode(mode), setFontAndSize(key, 14), setTextMatrix(1, 0, 0, 1, 80, 771), showText(PDFHexString.fromText('x')));
    // showText with the font's own encoding: WinAnsi bytes of the old layer's words.
    page.pushOperators(showText(PDFString.of(layer) as unknown as PDFHexString), endText());
  });
}

describe('PDF/A metadata', () => {
  it('writes the XMP packet as UTF-8: its BOM and a Vietnamese title survive (pdf-lib wrote a string as single bytes)', async () => {
    const file = await scanPdf('xmp.pdf');
    const doc = layerDoc(file, [{ ...PAGE, lines: [lineOf(['Nghị', 'quyết'], 150, 200, 30, 24, 14)] }]);
    const { bytes } = await buildSearchablePdf(doc, file, { metadata: { title: 'Nghị quyết số 12/NQ-HĐND' } });
    const pdf = await PDFDocument.load(bytes);
    const stream = pdf.context.lookup(pdf.catalog.get(PDFName.of('Metadata')));
    expect(stream).toBeInstanceOf(PDFRawStream);
    const xmp = new TextDecoder('utf-8', { fatal: true }).decode((stream as PDFRawStream).contents);
    expect(xmp.startsWith('<?xpacket begin="\uFEFF"')).toBe(true);
    expect(xmp).toContain('Nghị quyết số 12/NQ-HĐND');
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
  });
});

describe.skipIf(!hasPdftotext)('existing text layers', () => {
  const restored = [lineOf(['giao', 'thông', 'đường', 'bộ'], 150, 200, 30, 24, 14)];

  it('replaces an invisible OCR layer with the restored words by default, and records it', async () => {
    const file = await ocrLayerPdf('old-layer.pdf', 'CONG Hcok xA HQI');
    expect(pdftotext(file, false)).toContain('Hcok'); // the test file has the old layer
    const { bytes, report } = await buildSearchablePdf(layerDoc(file, [{ ...PAGE, lines: restored }]), file);
    expect(report.textLayerReplaced).toEqual([1]);
    const out = path.join(dir, 'old-layer.out.pdf');
    await writeFile(out, bytes);
    for (const raw of [false, true]) {
      const text = pdftotext(out, raw);
      expect(text).toContain('giao thông đường bộ');
      expect(text).not.toContain('Hcok');
    }
  });

  it("keeps the old layer and adds none under 'skip'", async () => {
    const file = await ocrLayerPdf('old-layer-skip.pdf', 'CONG Hcok xA HQI');
    const { bytes, report } = await buildSearchablePdf(layerDoc(file, [{ ...PAGE, lines: restored }]), file, { existingText: 'skip' });
    expect(report.textLayerKept).toEqual([1]);
    const out = path.join(dir, 'old-layer-skip.out.pdf');
    await writeFile(out, bytes);
    expect(pdftotext(out, false)).toContain('Hcok');
    expect(pdftotext(out, false)).not.toContain('giao');
  });

  it("keeps a page read from its own text as it is, with no layer over it", async () => {
    const file = await ocrLayerPdf('visible.pdf', 'Thoi gian ky', TextRenderingMode.Fill);
    const doc = layerDoc(file, [{ ...PAGE, lines: restored }]);
    doc.pages[0]!.image.origin = 'vector-text';
    const { bytes, report } = await buildSearchablePdf(doc, file);
    expect(report.textLayerKept).toEqual([1]);
    expect(report.textLayerReplaced).toEqual([]);
    const out = path.join(dir, 'visible.out.pdf');
    await writeFile(out, bytes);
    expect(pdftotext(out, false)).toContain('Thoi gian ky');
    expect(pdftotext(out, false)).not.toContain('giao');
  });

  it("gives an OCR'd scan with some visible text (a stamp) vanban's layer and keeps the stamp", async () => {
    const file = await ocrLayerPdf('stamp.pdf', 'Thoi gian ky', TextRenderingMode.Fill);
    const { bytes, report } = await buildSearchablePdf(layerDoc(file, [{ ...PAGE, lines: restored }]), file);
    expect(report.textLayerKept).toEqual([]);
    const out = path.join(dir, 'stamp.out.pdf');
    await writeFile(out, bytes);
    expect(pdftotext(out, false)).toContain('Thoi gian ky');
    expect(pdftotext(out, false)).toContain('giao thông đường bộ');
  });

  it("rasterizes the page under 'force': only vanban's layer remains", async () => {
    const file = await ocrLayerPdf('force.pdf', 'Thoi gian ky', TextRenderingMode.Fill);
    const { bytes, report } = await buildSearchablePdf(layerDoc(file, [{ ...PAGE, lines: restored }]), file, { existingText: 'force' });
    expect(report.built).toBe('page-images');
    const out = path.join(dir, 'force.out.pdf');
    await writeFile(out, bytes);
    const text = pdftotext(out, false);
    expect(text).toContain('giao thông');
    expect(text).not.toContain('Thoi gian');
  });

  it('writes a space between words and keeps each line whole, for pdftotext -raw and plain pdftotext', async () => {
    const file = await scanPdf('words.pdf');
    // Two header columns side by side, tight word gaps (a fifth of the line height), like a justified scan.
    const left = [lineOf(['UBND', 'TỈNH', 'HÀ', 'GIANG'], 120, 100, 40, 22, 8), lineOf(['BAN', 'QUẢN', 'LÝ'], 140, 150, 40, 22, 8)];
    const right = [lineOf(['CỘNG', 'HÒA', 'XÃ', 'HỘI', 'CHỦ', 'NGHĨA', 'VIỆT', 'NAM'], 560, 100, 40, 18, 8), lineOf(['Độc', 'lập', '-', 'Tự', 'do', '-', 'Hạnh', 'phúc'], 640, 150, 40, 18, 8)];
    const body = [lineOf(['TRIỂN', 'KHAI', 'THỰC', 'HIỆN', 'TẬP', 'TRUNG', 'Sở', 'Giáo', 'dục'], 150, 400, 36, 20, 7)];
    const lines = [left[0]!, right[0]!, left[1]!, right[1]!, ...body];
    const doc = layerDoc(file, [{ ...PAGE, lines }]);
    const out = path.join(dir, 'words.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    for (const raw of [true, false]) {
      const words = new Set(pdftotext(out, raw).split(/\s+/));
      for (const line of lines) for (const word of line.words) expect(words, `${word.text} (raw ${raw})`).toContain(word.text);
    }
  });

  it('keeps words apart whose OCR boxes overlap (a box starting inside the previous one)', async () => {
    const file = await scanPdf('overlap.pdf');
    const box = (x0: number, x1: number): [number, number, number, number] => [x0, 400, x1, 436];
    const lines = [{ words: [{ text: 'Kính', bbox: box(150, 240) }, { text: 'mẹ', bbox: box(250, 300) }, { text: 'A', bbox: box(280, 310) }, { text: 'n', bbox: box(250, 262) }, { text: 'gửi:', bbox: box(320, 400) }] }];
    const doc = layerDoc(file, [{ ...PAGE, lines }]);
    const out = path.join(dir, 'overlap.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean), `raw ${raw}`).toEqual(['Kính', 'mẹ', 'A', 'n', 'gửi:']);
  });

  // Word boxes as the OCR gave them on two skewed simulator dev pages (dev-025-kh, 4.8°, and
  // dev-007-nq, -4.4°, page images in their own skewed frame): short lines beside long ones.
  const rising: Array<Array<[string, [number, number, number, number]]>> = [
      [['Chấp', [359,  913,  478,  972]], ['hành', [493,  905,  600,  950]], ['nội', [618,  899,  682,  947]], ['quy,', [697,  899,  785,  943]], ['quy', [801,  891,  882,  935]], ['chế', [894,  871,  974,  917]], ['của', [989,  863,  1071,  909]], ['cơ', [1083,  869,  1140,  901]], ['sở', [1154,  851,  1212,  895]], ['cai', [1226,  848,  1288,  889]], ['nghiện', [1306,  834,  1452,  892]], ['ma', [1470,  836,  1538,  868]], ['túy:', [1549,  817,  1629,  872]], ['50', [1645,  814,  1698,  854]], ['điểm;', [1713,  797,  1832,  854]]],
      [['1.', [365,  998,  404,  1035]], ['Xếp', [419,  985,  512,  1041]], ['loại', [527,  979,  609,  1030]], ['theo', [623,  969,  729,  1014]], ['Tuần', [743,  955,  858,  1004]]],
      [['Chủ', [371,  1063,  460,  1109]], ['đầu', [481,  1055,  562,  1100]], ['tư', [583,  1055,  632,  1091]], ['dự', [651,  1045,  712,  1094]], ['án', [731,  1037,  785,  1079]], ['sản', [807,  1028,  886,  1073]], ['xuất', [906,  1018,  1001,  1064]], ['phim', [1022,  1010,  1128,  1064]], ['sử', [1148,  1000,  1206,  1044]], ['dụng', [1226,  993,  1336,  1047]], ['ngân', [1358,  982,  1467,  1036]], ['sách', [1486,  969,  1590,  1015]], ['nhà', [1613,  960,  1696,  1005]], ['nước', [1716,  949,  1832,  996]], ['là', [1854,  944,  1892,  985]], ['Bộ,', [1913,  938,  1983,  987]], ['cơ', [2006,  940,  2063,  972]], ['quan', [2083,  930,  2193,  975]]],
      [['ngang', [261,  1150,  396,  1198]], ['Bộ,', [420,  1133,  491,  1181]], ['Cơ', [514,  1126,  582,  1166]], ['quan', [603,  1123,  713,  1169]], ['thuộc', [733,  1102,  856,  1155]], ['Chính', [877,  1088,  1008,  1136]], ['phủ,', [1031,  1077,  1125,  1133]], ['Cơ', [1149,  1073,  1216,  1113]], ['quan', [1237,  1070,  1347,  1116]], ['trung', [1367,  1053,  1480,  1105]], ['ương', [1504,  1047,  1623,  1093]], ['của', [1645,  1026,  1727,  1071]], ['tổ', [1744,  1019,  1786,  1063]], ['chức', [1807,  1011,  1918,  1058]], ['chính', [1939,  1000,  2059,  1047]], ['trị,', [2080,  995,  2135,  1043]], ['tổ', [2156,  984,  2198,  1028]]],
  ];
  const falling: Array<Array<[string, [number, number, number, number]]>> = [
      [['Căn', [344,  712,  406,  743]], ['cứ', [417,  716,  459,  747]], ['Luật', [464,  719,  536,  759]], ['Đầu', [546,  725,  611,  759]], ['tư', [621,  737,  656,  762]], ['công', [662,  735,  737,  776]], ['ngày', [747,  741,  824,  783]], ['13', [832,  750,  869,  779]], ['tháng', [880,  752,  968,  794]], ['6', [977,  761,  997,  788]], ['năm', [1007,  763,  1072,  794]], ['2019;', [1080,  769,  1170,  807]]],
      [['Căn', [340,  760,  403,  792]], ['cứ', [413,  765,  455,  796]], ['Luật', [460,  768,  533,  808]], ['Đất', [541,  774,  600,  807]], ['đai', [608,  780,  657,  811]], ['ngày', [667,  784,  743,  826]], ['18', [754,  793,  791,  822]], ['tháng', [801,  795,  889,  837]], ['01', [897,  804,  931,  832]], ['năm', [946,  807,  1011,  839]], ['2024;', [1021,  814,  1110,  851]]],
      [['Căn', [336,  809,  399,  839]], ['cứ', [409,  812,  451,  843]], ['h1', [457,  817,  489,  846]], ['Định', [498,  820,  576,  859]], ['mức', [586,  826,  653,  859]], ['lao', [662,  833,  710,  863]], ['động', [720,  837,  797,  878]], ['gián', [805,  843,  874,  884]], ['tiếp;', [885,  848,  955,  890]]],
      [['Xét', [331,  855,  383,  887]], ['Tờ', [394,  860,  437,  892]], ['trình', [444,  865,  518,  898]], ['số', [529,  870,  566,  901]], ['979/TTr-UBND', [573,  876,  815,  921]], ['ngày', [823,  894,  900,  935]], ['12', [912,  902,  948,  931]], ['tháng', [957,  904,  1045,  946]], ['5', [1053,  913,  1073,  941]], ['năm', [1083,  916,  1148,  947]], ['2020', [1158,  922,  1237,  953]], ['của', [1246,  927,  1301,  958]], ['Ủy', [1313,  926,  1357,  971]], ['ban', [1366,  936,  1423,  968]], ['nhân', [1433,  941,  1509,  975]]],
      [['dân;', [249,  897,  319,  935]], ['Báo', [331,  904,  392,  936]], ['cáo', [402,  909,  458,  941]], ['thẩm', [467,  913,  543,  948]], ['tra', [554,  927,  598,  952]], ['của', [608,  926,  664,  957]], ['Ban', [675,  932,  735,  963]], ['Kinh', [747,  937,  819,  969]], ['tế', [830,  941,  880,  974]], ['-', [868,  940,  888,  986]], ['Ngân', [889,  947,  972,  989]], ['sách;', [983,  954,  1066,  992]], ['ý', [1072,  961,  1095,  999]], ['kiến', [1104,  962,  1167,  996]], ['thảo', [1177,  970,  1245,  1002]], ['luận', [1256,  975,  1323,  1013]], ['của', [1333,  982,  1388,  1013]], ['đại', [1397,  986,  1448,  1024]], ['biểu', [1457,  991,  1523,  1024]]],
      [['tại', [246,  947,  286,  982]], ['kỳ', [296,  949,  332,  988]], ['họp.', [340,  954,  405,  993]]],
  ];
  const asLines = (rows: typeof rising) => rows.map((row) => ({ words: row.map(([text, bbox]) => ({ text, bbox })) }));

  it('follows a skewed line\'s slope: its far end is not drawn on the next line\'s baseline, where plain pdftotext merged them ("tưtheo")', async () => {
    const file = await scanPdf('skew-rising.pdf');
    const lines = asLines(rising);
    const doc = layerDoc(file, [{ number: 1, width: 2480, height: 3508, dpi: 300, lines }]);
    const out = path.join(dir, 'skew-rising.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    const expected = lines.flatMap((line) => line.words.map((w) => w.text)).sort();
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean).sort(), `raw ${raw}`).toEqual(expected);
  });

  it('keeps a dash inside a line of a skewed page, which plain pdftotext can put on a line of its own and "dehyphenate" away', async () => {
    const file = await scanPdf('skew-falling.pdf');
    const lines = asLines(falling);
    const doc = layerDoc(file, [{ number: 1, width: 1653, height: 2339, dpi: 200, lines }]);
    const out = path.join(dir, 'skew-falling.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    const expected = lines.flatMap((line) => line.words.map((w) => w.text)).sort();
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean).sort(), `raw ${raw}`).toEqual(expected);
  });

  it('keeps every letter on the page: a box starting left of it or a sliver running past its right edge', async () => {
    const file = await scanPdf('edges.pdf');
    const lines = [
      { words: [{ text: 'Nơi', bbox: [-30, 400, 20, 436] as BBox }, { text: 'nhận:', bbox: [26, 400, 90, 436] as BBox }] },
      { words: [{ text: 'Như', bbox: [1100, 500, 1160, 536] as BBox }, { text: 'trên;', bbox: [1230, 500, 1240, 536] as BBox }] },
    ];
    const doc = layerDoc(file, [{ ...PAGE, lines }]);
    const out = path.join(dir, 'edges.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean), `raw ${raw}`).toEqual(['Nơi', 'nhận:', 'Như', 'trên;']);
  });

  it('keeps a word the engine read twice in the same place (two overlapping lines), which plain pdftotext takes for fake bold', async () => {
    const file = await scanPdf('twice.pdf');
    const lines = [lineOf(['Điều', '1.'], 150, 400, 36, 20, 12), { words: [{ text: 'Điều', bbox: [151, 401, 231, 437] as BBox }] }, lineOf(['Điều', '2.'], 150, 470, 36, 20, 12)];
    const doc = layerDoc(file, [{ ...PAGE, lines }]);
    const out = path.join(dir, 'twice.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean).sort(), `raw ${raw}`).toEqual(['1.', '2.', 'Điều', 'Điều', 'Điều']);
  });

  it('keeps apart words of two lines that meet on one line of plain pdftotext (a signature block whose boxes overlap)', async () => {
    // Word boxes as the OCR gave them on simulator dev page dev-056-qc p2 (192 dpi): the second
    // line's "TRƯỞNG" ends where the first line's lower-drawn "PHÒNG" starts, their baselines within
    // a font size, and plain pdftotext glued them ("TRƯỞNGPHÒNG").
    const file = await scanPdf('signature.pdf');
    const lines = asLines([
      [['KT.', [1022, 638, 1082, 682]], ['TRƯỞNG', [1088, 633, 1250, 678]], ['PHÒNG', [1261, 645, 1395, 702]]],
      [['PHÓ', [1011, 679, 1088, 709]], ['TRƯỞNG', [1099, 675, 1262, 720]], ['PHÒNG', [1274, 696, 1407, 730]]],
      [['Trần', [1101, 925, 1187, 959]], ['Bá', [1198, 933, 1241, 963]], ['Sơn', [1253, 939, 1320, 968]]],
    ]);
    const doc = layerDoc(file, [{ number: 1, width: 1800, height: 2400, dpi: 192, lines }]);
    const out = path.join(dir, 'signature.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    const expected = lines.flatMap((line) => line.words.map((w) => w.text)).sort();
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean).sort(), `raw ${raw}`).toEqual(expected);
  });

  it('keeps apart stray one-letter words read off a seal, which plain pdftotext takes for letter-spaced text and glues ("Ộ|")', async () => {
    // Boxes of a signature block with a seal over it (simulator dev3-033-kh p2's truth, the seal read
    // as one-letter words of any size): a line of one-letter words gets its gaps glued under 1.3 times
    // the smallest, and one box lying inside another could not be cleared and stayed where it was.
    const file = await scanPdf('seal-letters.pdf');
    const lines = asLines([
      [['PHÓ', [1474, 1129, 1584, 1180]], ['TRƯỞNG', [1620, 1131, 1839, 1183]], ['PHÒNG', [1876, 1134, 2058, 1186]]],
      [['Vũ', [1625, 1521, 1685, 1562]], ['Hữu', [1716, 1522, 1806, 1564]], ['An', [1837, 1524, 1897, 1565]]],
      [['Ở', [1589, 1374, 1650, 1421]]],
      [['|', [1632, 1398, 1740, 1508]]],
      [['|', [1510, 1218, 1571, 1333]]],
      [['ằ', [1500, 1261, 1629, 1373]]],
      [['Ộ', [1562, 1385, 1719, 1483]]],
    ]);
    const doc = layerDoc(file, [{ number: 1, width: 2480, height: 3508, dpi: 300, lines }]);
    const out = path.join(dir, 'seal-letters.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    const expected = lines.flatMap((line) => line.words.map((w) => w.text)).sort();
    for (const raw of [true, false]) expect(pdftotext(out, raw).split(/\s+/).filter(Boolean).sort(), `raw ${raw}`).toEqual(expected);
  });

  it('keeps a dash that ends a line: plain pdftotext does not drop it and glue the line to the next', async () => {
    const file = await scanPdf('dash.pdf');
    const lines = [lineOf(['năm', 'học', '2022', '-'], 150, 400, 36, 20, 12), lineOf(['2023', 'Sở', 'Giáo-'], 150, 450, 36, 20, 12), lineOf(['dục', 'và', 'Đào', 'tạo'], 150, 500, 36, 20, 12)];
    const doc = layerDoc(file, [{ ...PAGE, lines }]);
    const out = path.join(dir, 'dash.out.pdf');
    await writeFile(out, (await buildSearchablePdf(doc, file)).bytes);
    for (const raw of [true, false]) {
      const words = pdftotext(out, raw).split(/\s+/).filter(Boolean);
      expect(words, `raw ${raw}`).toEqual(['năm', 'học', '2022', '-', '2023', 'Sở', 'Giáo-', 'dục', 'và', 'Đào', 'tạo']);
    }
  });
});

const RESTRICTED = path.resolve('../shared/realscans/cv-ubnd-danang-274-2023.pdf');

describe.skipIf(!existsSync(RESTRICTED))('restricted (owner-password) PDF', () => {
  it('gets a searchable PDF rebuilt from its page images, not pdf-lib\'s error', async () => {
    const before = await sha256(RESTRICTED);
    const doc = layerDoc(RESTRICTED, [{ number: 1, width: 1654, height: 2339, dpi: 200, lines: [lineOf(['ỦY', 'BAN', 'NHÂN', 'DÂN'], 200, 200, 40, 24, 10)] }]);
    const { bytes, report } = await buildSearchablePdf(doc, RESTRICTED);
    expect(report.built).toBe('page-images');
    expect(report.rebuiltBecause).toMatch(/encrypted/);
    const out = await PDFDocument.load(bytes);
    expect(out.getPageCount()).toBe(1);
    const original = (await PDFDocument.load(await readFile(RESTRICTED), { ignoreEncryption: true })).getPage(0).getSize();
    expect(out.getPage(0).getWidth()).toBeCloseTo(original.width, 1);
    expect(out.getPage(0).getHeight()).toBeCloseTo(original.height, 1);
    expect(await sha256(RESTRICTED)).toBe(before);
  }, 60_000);
});
