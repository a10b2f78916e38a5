/**
 * A METS file tying each page's image and ALTO file together, for
 * eScriptorium, Transkribus and METS-driven viewers: one fileGrp of page
 * images, one of ALTO files, and a physical structMap with one div per page.
 */
import { basename } from 'node:path';
import { create } from 'xmlbuilder2';
import type { VanBanDocument } from '../types.js';
import { xmlSafe } from './alto.js';
import { VERSION } from './version.js';

const METS_NS = 'http://www.loc.gov/METS/';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

export interface MetsPage {
  number: number;
  /** File names relative to the METS file. */
  image: string;
  imageMime: string;
  alto: string;
}

const pad = (n: number): string => String(n).padStart(4, '0');

export function toMets(doc: VanBanDocument, pages: readonly MetsPage[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(METS_NS, 'mets:mets', {
    'xmlns:xlink': XLINK_NS,
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': `${METS_NS} http://www.loc.gov/standards/mets/mets.xsd`,
    LABEL: xmlSafe(basename(doc.source)),
  });
  const header = root.ele('mets:metsHdr', { CREATEDATE: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
  header.ele('mets:agent', { ROLE: 'CREATOR', TYPE: 'OTHER', OTHERTYPE: 'SOFTWARE' }).ele('mets:name').txt(`vanban ${VERSION}`);
  const files = root.ele('mets:fileSec');
  const images = files.ele('mets:fileGrp', { USE: 'IMAGE' });
  const altos = files.ele('mets:fileGrp', { USE: 'ALTO' });
  for (const page of pages) {
    images
      .ele('mets:file', { ID: `IMG_${pad(page.number)}`, MIMETYPE: page.imageMime })
      .ele('mets:FLocat', { LOCTYPE: 'URL', 'xlink:href': xmlSafe(page.image) });
    altos
      .ele('mets:file', { ID: `ALTO_${pad(page.number)}`, MIMETYPE: 'text/xml' })
      .ele('mets:FLocat', { LOCTYPE: 'URL', 'xlink:href': xmlSafe(page.alto) });
  }
  const sequence = root.ele('mets:structMap', { TYPE: 'PHYSICAL' }).ele('mets:div', { ID: 'PHYS', TYPE: 'physSequence' });
  pages.forEach((page, i) => {
    const div = sequence.ele('mets:div', { ID: `PHYS_${pad(page.number)}`, TYPE: 'page', ORDER: String(i + 1), ORDERLABEL: String(page.number) });
    div.ele('mets:fptr', { FILEID: `IMG_${pad(page.number)}` });
    div.ele('mets:fptr', { FILEID: `ALTO_${pad(page.number)}` });
  });
  return `${root.end({ prettyPrint: true })}\n`;
}
