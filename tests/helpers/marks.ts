/**
 * A page with marks that are not print: a red round seal over the signer block, a
 * red received-stamp box in the top margin and a blue handwritten note in the left
 * margin, drawn as SVG over a synthetic page.
 */
import sharp from 'sharp';
import { BODY, CLOSING, HEADER, renderPage } from '../../bench/ocr-synth.js';
import type { BBox, PageImage } from '../../src/types.js';

export interface MarkedPage {
  page: PageImage;
  truth: string;
  seal: BBox;
  note: BBox;
}

export async function markedPage(dpi = 200): Promise<MarkedPage> {
  const drawn = await renderPage([HEADER, { full: [BODY.full[0]!] }, CLOSING], { dpi });
  const signer = drawn.items.find((i) => i.text === 'PHÓ CHỦ TỊCH')!;
  const r = Math.round(0.8 * dpi);
  const cx = Math.round((signer.bbox[0] + signer.bbox[2]) / 2 - 0.3 * dpi);
  const cy = signer.bbox[3] + Math.round(0.2 * dpi);
  const noteX = Math.round(0.1 * dpi);
  const noteY = Math.round(drawn.height * 0.45);
  const nw = Math.round(0.55 * dpi);
  const nh = Math.round(0.9 * dpi);
  const zig = Array.from({ length: 9 }, (_, k) => `${noteX + (k % 2 ? nw : 0)},${noteY + Math.round((k * nh) / 8)}`).join(' ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${drawn.width}" height="${drawn.height}">
    <g fill="none" stroke="rgb(220,30,40)" stroke-opacity="0.85">
      <circle cx="${cx}" cy="${cy}" r="${r}" stroke-width="${Math.round(dpi / 40)}"/>
      <circle cx="${cx}" cy="${cy}" r="${Math.round(r * 0.72)}" stroke-width="${Math.round(dpi / 80)}"/>
      <path d="M ${cx - r / 3} ${cy} L ${cx + r / 3} ${cy} M ${cx} ${cy - r / 3} L ${cx} ${cy + r / 3}" stroke-width="${Math.round(dpi / 30)}"/>
    </g>
    <polyline points="${zig}" fill="none" stroke="rgb(30,50,190)" stroke-width="${Math.max(2, Math.round(dpi / 60))}"/>
  </svg>`;
  const png = await sharp(drawn.png)
    .toColourspace('srgb')
    .composite([{ input: Buffer.from(svg), blend: 'multiply' }])
    .removeAlpha()
    .withMetadata({ density: dpi })
    .png()
    .toBuffer();
  return {
    page: { pageNumber: 1, data: new Uint8Array(png), width: drawn.width, height: drawn.height, dpi, origin: 'image-file', pdfRotate: 0 },
    truth: drawn.groundTruth,
    seal: [cx - r, cy - r, cx + r, cy + r],
    note: [noteX, noteY, noteX + nw, noteY + nh],
  };
}
