/**
 * DCTDecode images: passed on byte for byte when nothing needs changing,
 * otherwise decoded with PDF semantics (/Decode, Adobe CMYK) and turned upright.
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { PDFDict } from 'pdf-lib';
import { rawInput, uprightPng, type Extracted } from './encode.js';
import { looksTruncated, truncationOf } from './complete.js';
import { MAX_PIXELS, oneLine } from './limits.js';
import { isIdentity, type Placement } from './placement.js';
import { decodeRanges, samplesToPixels, type ColorModel } from './pixels.js';
import { StreamError } from '../pdfdoc/streams.js';

function hasAdobeMarker(jpeg: Uint8Array): boolean {
  let i = 2;
  while (i + 4 < jpeg.length && jpeg[i] === 0xff) {
    const marker = jpeg[i + 1]!;
    if (marker === 0xda) break; // start of scan: no more headers
    const len = (jpeg[i + 2]! << 8) | jpeg[i + 3]!;
    if (marker === 0xee && Buffer.from(jpeg.subarray(i + 4, i + 9)).toString('latin1') === 'Adobe') return true;
    i += 2 + len;
  }
  return false;
}

/**
 * A cut-off JPEG is damage we must report (a renderer would silently draw half a
 * page). Any other decoder refusal may be a JPEG feature libjpeg lacks, so the
 * page goes to pdfjs instead.
 */
function jpegError(error: unknown): StreamError {
  const message = oneLine((error as Error | undefined)?.message ?? String(error));
  const truncated = looksTruncated(message);
  return new StreamError(`JPEG image ${truncated ? 'is truncated' : 'does not decode'} (${message})`, truncated ? 'corrupt' : 'unsupported');
}

export async function fromJpeg(jpeg: Uint8Array, dict: PDFDict, model: ColorModel, placement: Placement): Promise<Extracted> {
  let meta: Metadata;
  try {
    meta = await sharp(jpeg, { limitInputPixels: false }).metadata();
  } catch (error) {
    // not even a readable JPEG header: damage, not an exotic feature
    throw new StreamError(`DCTDecode stream is not a JPEG (${oneLine((error as Error).message)})`, 'corrupt');
  }
  if (meta.format !== 'jpeg' || !meta.width || !meta.height) throw new StreamError('DCTDecode stream is not a JPEG', 'corrupt');
  if (meta.width * meta.height > MAX_PIXELS) {
    throw new StreamError(`image is ${meta.width}×${meta.height} pixels, over the ${MAX_PIXELS / 1e6} megapixel limit`, 'too-large');
  }
  // A renderer would draw a cut-off JPEG as a half-grey page: report it, whatever path the page takes.
  const cut = await truncationOf(jpeg);
  if (cut) throw new StreamError(`JPEG image is truncated: its data ends before its last row (${cut})`, 'corrupt');
  const channels = meta.channels ?? 3;
  if (model.kind === 'indexed') throw new StreamError('JPEG in an Indexed colour space', 'unsupported');
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new StreamError(`JPEG with ${channels} channels`, 'unsupported');
  // Like viewers, trust the JPEG's own component count over a contradicting /ColorSpace.
  if (model.components !== channels) model = { kind: channels === 1 ? 'gray' : channels === 3 ? 'rgb' : 'cmyk', components: channels };
  const decode = decodeRanges(dict, model, 8);
  const o = placement.orientation;
  const input = sharp(jpeg, { failOn: 'truncated' });
  // PDF viewers ignore EXIF orientation; passing such a JPEG on could get it turned by a later auto-orient.
  const exifTurned = (meta.orientation ?? 1) !== 1;
  if (!decode && isIdentity(o) && (channels === 1 || channels === 3) && !exifTurned) {
    // truncationOf decoded it once already: keep the bytes.
    return { data: jpeg, width: meta.width, height: meta.height };
  }
  if (!decode && channels !== 4) {
    try {
      return await uprightPng(input, channels === 1 ? 1 : 3, o);
    } catch (error) {
      throw jpegError(error);
    }
  }
  let raw: Buffer;
  let info: OutputInfo;
  try {
    const pipeline = channels === 4 ? input.pipelineColourspace('cmyk').toColourspace('cmyk') : input.toColourspace(channels === 1 ? 'b-w' : 'srgb');
    ({ data: raw, info } = await pipeline.raw().toBuffer({ resolveWithObject: true }));
  } catch (error) {
    throw jpegError(error);
  }
  let pixels = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  let outChannels: 1 | 3;
  if (info.channels === 4) {
    // PDF semantics: the Adobe APP14 marker does not invert CMYK (libjpeg/libvips does), /Decode does.
    const undoAdobe = hasAdobeMarker(jpeg);
    const flip = [0, 1, 2, 3].map((c) => (undoAdobe !== Boolean(decode && decode[c]![0] > decode[c]![1]) ? 255 : 0));
    const [f0, f1, f2, f3] = flip as [number, number, number, number];
    const rgb = new Uint8Array(info.width * info.height * 3);
    for (let p = 0, q = 0; p < pixels.length; p += 4, q += 3) {
      const k = 255 - (pixels[p + 3]! ^ f3);
      rgb[q] = ((255 - (pixels[p]! ^ f0)) * k) / 255;
      rgb[q + 1] = ((255 - (pixels[p + 1]! ^ f1)) * k) / 255;
      rgb[q + 2] = ((255 - (pixels[p + 2]! ^ f2)) * k) / 255;
    }
    pixels = rgb;
    outChannels = 3;
  } else if (info.channels === channels) {
    outChannels = channels === 1 ? 1 : 3;
    // (decode is set here: the plain case went through uprightPng above)
    pixels = samplesToPixels(pixels, info.width, info.height, 8, model, decode).data;
  } else {
    throw new StreamError(`JPEG decoded to ${info.channels} channels`, 'unsupported');
  }
  return uprightPng(rawInput(pixels, info.width, info.height, outChannels), outChannels, o);
}
