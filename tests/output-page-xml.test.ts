/**
 * PAGE XML output (issue 19): one file per page image, regions in reading order,
 * lines and words with polygons, the restored word first and the OCR form as an
 * alternative, and a list file written last that marks the folder complete.
 */
import sharp from 'sharp';
import { convert } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { writeDocumentOutputs } from '../src/output/index.js';
import { PAGE_NS, toPageXml } from '../src/output/page-xml.js';
import type { PageImage } from '../src/types.js';
import { layerDoc, lineOf } from './helpers/layer-doc.js';

const doc = layerDoc('/scans/kh-12.pdf', [
  { number: 1, width: 1240, height: 1754, dpi: 150, lines: [lineOf(['Kế', 'hoạch'], 150, 200, 30, 24, 14), lineOf(['giao', 'thông'], 150, 260, 30, 24, 14)] },
  { number: 2, width: 1240, height: 1754, dpi: 150, lines: [] },
]);
// The restorer changed "thong" into "thông".
doc.pages[0]!.restored.words[3] = { ...doc.pages[0]!.restored.words[3]!, original: 'thong', changed: true };

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Node[];

describe('toPageXml', () => {
  it('writes regions, lines and words with coordinates and text, in reading order', () => {
    const xml = toPageXml(doc.pages[0]!, 'page-0001.jpg', new Date('2024-03-14T00:00:00Z'));
    expect(xml).toContain(`xmlns="${PAGE_NS}"`);
    const root = (convert(xml, { format: 'object' }) as Node).PcGts as Node;
    const page = root.Page as Node;
    expect([page['@imageFilename'], page['@imageWidth'], page['@imageHeight']]).toEqual(['page-0001.jpg', '1240', '1754']);
    const regions = list(page.TextRegion);
    const refs = list(((page.ReadingOrder as Node).OrderedGroup as Node).RegionRefIndexed);
    expect(refs.map((r) => r['@regionRef'])).toEqual(regions.map((r) => r['@id']));
    const lines = regions.flatMap((r) => list(r.TextLine));
    expect(lines.map((l) => ((l.TextEquiv as Node).Unicode as string))).toEqual(['Kế hoạch', 'giao thông']);
    const words = lines.flatMap((l) => list(l.Word));
    expect(words).toHaveLength(4);
    for (const word of words) expect((word.Coords as Node)['@points']).toMatch(/^\d+,\d+ \d+,\d+ \d+,\d+ \d+,\d+$/);
    const thong = list(words[3]!.TextEquiv);
    expect(thong.map((t) => [t['@index'], t.Unicode])).toEqual([['1', 'thông'], ['2', 'thong']]);
    expect(list(words[0]!.TextEquiv)[0]!['@conf']).toBe('0.900');
  });

  it('writes an empty page as a Page without regions', () => {
    const root = (convert(toPageXml(doc.pages[1]!, 'page-0002.png'), { format: 'object' }) as Node).PcGts as Node;
    expect((root.Page as Node).TextRegion).toBeUndefined();
  });
});

describe("the 'page' format", () => {
  it('writes a page image and a PAGE file per page into <name>/, and the list of PAGE files last', async () => {
    const png = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: "#ffffff" } }).png().toBuffer();
    const pageImage = async (n: number): Promise<PageImage> => ({ pageNumber: n, data: png, width: 1240, height: 1754, dpi: 150, origin: 'embedded-image', pdfRotate: 0 });
    const files = new Map<string, string | Uint8Array>();
    const written = await writeDocumentOutputs(doc, ['page'], '/out/kh-12', { inputPath: doc.source, pageImage }, async (p, c) => void files.set(p, c));
    expect(written).toEqual(['/out/kh-12/page-0001.png', '/out/kh-12/page-0001.page.xml', '/out/kh-12/page-0002.png', '/out/kh-12/page-0002.page.xml', '/out/kh-12/page-xml.lst']);
    expect(files.get('/out/kh-12/page-xml.lst')).toBe('page-0001.page.xml\npage-0002.page.xml\n');
    expect(files.get('/out/kh-12/page-0001.page.xml')).toContain('imageFilename="page-0001.png"');
  });

  it('shares the folder with mets: images written once, mets.xml last', async () => {
    const png = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: "#ffffff" } }).png().toBuffer();
    const pageImage = async (n: number): Promise<PageImage> => ({ pageNumber: n, data: png, width: 1240, height: 1754, dpi: 150, origin: 'embedded-image', pdfRotate: 0 });
    const written = await writeDocumentOutputs(doc, ['mets', 'page'], '/out/kh-12', { inputPath: doc.source, pageImage }, async () => undefined);
    expect(written.filter((p) => p.endsWith('.png'))).toHaveLength(2);
    expect(written.at(-1)).toBe('/out/kh-12/mets.xml');
    expect(written).toContain('/out/kh-12/page-0002.alto.xml');
  });
});
