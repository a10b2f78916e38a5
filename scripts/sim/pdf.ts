/** Image-only PDFs as scanners write them: one image per page (DCT grey/colour or CCITT G4), the page sized to the image at its dpi. */
import { PDFDocument, PDFName, PDFRawStream, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import type { ScannedPage } from './scan.js';

export async function scanPdf(pages: ScannedPage[]): Promise<Uint8Array> {
  // No dates or producer, so reruns write identical bytes.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  for (const p of pages) {
    const w = (p.width * 72) / p.dpi;
    const h = (p.height * 72) / p.dpi;
    const page = pdf.addPage([w, h]);
    if (p.storage === 'ccitt-g4') {
      const dict = pdf.context.obj({
        Type: 'XObject',
        Subtype: 'Image',
        Width: p.width,
        Height: p.height,
        ColorSpace: 'DeviceGray',
        BitsPerComponent: 1,
        Filter: 'CCITTFaxDecode',
        DecodeParms: { K: -1, Columns: p.width, Rows: p.height, BlackIs1: p.blackIs1 },
      });
      const ref = pdf.context.register(PDFRawStream.of(dict, p.bytes));
      const name = page.node.newXObject('Scan', ref);
      page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 0, 0), drawObject(name), popGraphicsState());
    } else {
      const img = await pdf.embedJpg(p.bytes);
      page.drawImage(img, { x: 0, y: 0, width: w, height: h });
    }
  }
  void PDFName;
  return pdf.save({ useObjectStreams: false });
}
