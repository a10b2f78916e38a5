/** CCITTFaxDecode images (bilevel office scans), decoded exactly by libtiff inside sharp. */
import sharp from 'sharp';
import { PDFBool, PDFName, type PDFDict } from 'pdf-lib';
import { uprightPng, type Extracted } from './encode.js';
import type { Placement } from './placement.js';
import { decodeRanges, type ColorModel } from './pixels.js';
import { StreamError, dictNumber } from '../pdfdoc/streams.js';

/**
 * Wraps a CCITT Group 4 stream in a one-strip TIFF so libtiff (inside sharp)
 * decodes it: exact pixels, no re-rendering. Group 3 and byte-aligned data are
 * left to the renderer.
 */
export function ccittTiff(data: Uint8Array, width: number, height: number, photometric: 0 | 1 = 0): Uint8Array {
  const tags: Array<[tag: number, type: 3 | 4, value: number]> = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 1],
    [259, 3, 4], // CCITT T.6 (Group 4)
    [262, 3, photometric], // 0 WhiteIsZero: white-coded runs decode to white
    [273, 4, 0], // strip offset, patched below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, data.length],
    [293, 4, 0],
  ];
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const out = Buffer.alloc(dataOffset + data.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(tag === 273 ? dataOffset : value, at + 8);
  });
  out.set(data, dataOffset);
  return out;
}

export async function fromCcitt(data: Uint8Array, parms: PDFDict | undefined, dict: PDFDict, model: ColorModel, placement: Placement): Promise<Extracted> {
  const width = dictNumber(dict, 'Width', 0);
  const height = dictNumber(dict, 'Height', 0);
  const k = dictNumber(parms, 'K', 0);
  const columns = dictNumber(parms, 'Columns', 1728);
  const aligned = parms?.lookup(PDFName.of('EncodedByteAlign')) === PDFBool.True;
  if (k >= 0 || aligned || columns !== width || model.kind !== 'gray') throw new StreamError('CCITT image other than plain Group 4', 'unsupported');
  let pixels: Buffer;
  try {
    const { data: raw, info } = await sharp(ccittTiff(data, width, height), { failOn: 'error' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== 1) throw new Error(`decoded as ${info.width}×${info.height}×${info.channels}`);
    pixels = raw;
  } catch (error) {
    throw new StreamError(`CCITT image does not decode (${(error as Error).message})`, 'corrupt');
  }
  // Shown white where the filter's output bit is 1 after /Decode: BlackIs1 and an inverted /Decode each flip it.
  const blackIs1 = parms?.lookup(PDFName.of('BlackIs1')) === PDFBool.True;
  const decode = decodeRanges(dict, model, 1);
  const inverted = Boolean(decode && decode[0]![0] > decode[0]![1]);
  let input = sharp(pixels, { raw: { width, height, channels: 1 } });
  if (blackIs1 !== inverted) input = input.negate();
  return uprightPng(input, 1, placement.orientation);
}
